"""A local S3-compatible server for the tests: moto's server mode on 127.0.0.1, a free port."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"  # moto accepts any
REGION = "us-east-1"


@dataclass
class Bucket:
    endpoint_url: str
    name: str
    client: object  # a boto3 S3 client

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, settings) -> Bucket:
    """A new empty bucket, and the settings that send private storage to it."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    name = f"dvc-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    settings.S3_BUCKET = name
    settings.S3_ENDPOINT_URL = s3_endpoint
    settings.S3_ACCESS_KEY_ID = ACCESS_KEY
    settings.S3_SECRET_ACCESS_KEY = SECRET_KEY
    settings.S3_REGION = REGION
    settings.S3_PRESIGNED_DOWNLOADS = False
    settings.S3_PRESIGNED_SECONDS = 60
    return Bucket(endpoint_url=s3_endpoint, name=name, client=client)
