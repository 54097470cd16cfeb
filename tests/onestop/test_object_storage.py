"""Private files on S3-compatible object storage (moto's server on 127.0.0.1), and the orphan clean-up.

Everything goes over real HTTP to a real S3 protocol server: the wizard stores into the bucket, the
access-checked views stream the bytes back or redirect to a short-lived signed URL, the clean-up
deletes what no row or dossier uses.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from onestop.models import Dossier, DossierDocument, StoredFile
from onestop.uploads.cleanup import storage_cleanup
from onestop.uploads.storage import private_storage, stored_file_create
from onestop.uploads.validation import validate_upload
from tests.factories import UserFactory
from tests.portal.submission_helpers import fill_until_review, import_catalogue, pdf_upload, start, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CLAMAV_ENABLED = False
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def submitted(client, media, s3_bucket):
    """A dossier submitted through the real wizard with the bucket as private storage."""
    import_catalogue()
    user = UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678", address="Số 12 Yersin")
    client.force_login(user)
    dossier = start(client)
    fill_until_review(client, dossier)
    assert submit(client, dossier).status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.code
    return client, dossier


def _document_url(document: DossierDocument, **query) -> str:
    url = reverse("portal:dossier_document", args=[document.dossier.public_id, document.pk])
    return url + ("?xem=1" if query.get("inline") else "")


def _store(owner, name="giay-to.pdf", text="Noi dung"):
    uploaded = pdf_upload(name, text)
    validated = validate_upload(uploaded, max_bytes=10 * 1024 * 1024)
    return stored_file_create(owner=owner, uploaded=uploaded, validated=validated)


def test_wizard_uploads_go_to_the_bucket_and_nowhere_on_disk(submitted, s3_bucket, media):
    _, dossier = submitted
    names = sorted(d.file.storage_name for d in dossier.documents.select_related("file"))
    assert len(names) == 2
    assert s3_bucket.keys() == names
    assert all(name.startswith("uploads/") and name.endswith(".pdf") for name in names)
    assert not media.exists() or not any(media.rglob("*.pdf"))
    for document in dossier.documents.select_related("file"):
        body = s3_bucket.read(document.file.storage_name)
        assert len(body) == document.file.size and body.startswith(b"%PDF")


def test_download_streams_the_bytes_through_the_view(submitted, s3_bucket):
    client, dossier = submitted
    document = dossier.documents.select_related("file").first()
    response = client.get(_document_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3_bucket.read(document.file.storage_name)
    assert response["Content-Length"] == str(document.file.size)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    inline = client.get(_document_url(document, inline=True))
    assert inline.status_code == 200 and inline["Content-Security-Policy"] == "sandbox"
    assert b"".join(inline.streaming_content).startswith(b"%PDF")


def test_the_wrong_user_gets_404_and_no_url(submitted, s3_bucket, settings):
    _, dossier = submitted
    settings.S3_PRESIGNED_DOWNLOADS = True
    document = dossier.documents.select_related("file").first()
    from django.test import Client

    stranger = Client()
    stranger.force_login(UserFactory())
    for url in (_document_url(document), reverse("portal:vault_file", args=[document.file_id])):
        response = stranger.get(url)
        assert response.status_code == 404
        assert "Location" not in response


def test_presigned_download_redirects_to_a_short_lived_signed_url(submitted, s3_bucket, settings):
    """moto checks that the URL is signed (unsigned → 403) but not its expiry: the lifetime is read
    from the signed parameters, which S3, MinIO and Ceph enforce (X-Amz-Date + X-Amz-Expires)."""
    client, dossier = submitted
    settings.S3_PRESIGNED_DOWNLOADS = True
    settings.S3_PRESIGNED_SECONDS = 60
    document = dossier.documents.select_related("file").first()
    response = client.get(_document_url(document))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    location = response["Location"]
    assert location.startswith(f"{s3_bucket.endpoint_url}/{s3_bucket.name}/{document.file.storage_name}?")
    params = parse_qs(urlsplit(location).query)
    assert params["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and params["X-Amz-Signature"]
    assert params["X-Amz-Expires"] == ["60"]
    signed_at = datetime.strptime(params["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((timezone.now() - signed_at).total_seconds()) < 10
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == s3_bucket.read(document.file.storage_name)
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert fetched.headers["Cache-Control"] == "private, no-store"
    # Without the signature the object cannot be read: the bucket is private.
    assert requests.get(location.split("?", 1)[0], timeout=10).status_code == 403
    # An inline view still streams through Django (S3 cannot send the sandbox header).
    inline = client.get(_document_url(document, inline=True))
    assert inline.status_code == 200 and inline["Content-Security-Policy"] == "sandbox"
    # The expiry follows the setting.
    settings.S3_PRESIGNED_SECONDS = 5
    params = parse_qs(urlsplit(client.get(_document_url(document))["Location"]).query)
    assert params["X-Amz-Expires"] == ["5"]


def test_cleanup_deletes_orphan_objects_and_unused_rows_and_is_safe_twice(submitted, s3_bucket, settings):
    client, dossier = submitted
    settings.STORAGE_ORPHAN_GRACE_HOURS = 24
    settings.STORAGE_UNUSED_FILE_DAYS = 30
    used = sorted(d.file.storage_name for d in dossier.documents.select_related("file"))
    unused = _store(dossier.applicant, "bo-ra.pdf")
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key="uploads/2026/01/interrupted.pdf", Body=b"%PDF-1.4 x")
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key="templates/not-ours.docx", Body=b"PK")

    # Nothing is old enough yet: an upload in progress is never touched.
    report = storage_cleanup()
    assert (report.unused_rows, report.orphan_objects) == (0, 0)
    assert report.objects_seen == 4

    later = timezone.now() + timedelta(days=31)
    dry = storage_cleanup(now=later, dry_run=True)
    assert (dry.unused_rows, dry.orphan_objects) == (1, 1)
    assert len(s3_bucket.keys()) == 5

    report = storage_cleanup(now=later)
    assert (report.unused_rows, report.orphan_objects, report.failed) == (1, 1, 0)
    assert s3_bucket.keys() == sorted([*used, "templates/not-ours.docx"])
    assert not StoredFile.objects.filter(pk=unused.pk).exists()
    # The dossier's files still download.
    document = dossier.documents.select_related("file").first()
    assert b"".join(client.get(_document_url(document)).streaming_content).startswith(b"%PDF")

    again = storage_cleanup(now=later)
    assert (again.unused_rows, again.orphan_objects, again.failed) == (0, 0, 0)


def test_cleanup_command_on_local_files(media, settings, db):
    settings.STORAGE_ORPHAN_GRACE_HOURS = 0
    settings.STORAGE_UNUSED_FILE_DAYS = 0  # keep unused rows: the data store lists them
    owner = UserFactory()
    kept = _store(owner)
    storage = private_storage()
    orphan = storage.save("uploads/2026/01/orphan.pdf", io.BytesIO(b"%PDF-1.4 orphan"))
    assert storage.exists(orphan)
    out = io.StringIO()
    call_command("storage_cleanup", "--dry-run", stdout=out)
    assert "would delete: 0 unused file(s), 1 orphan object(s) of 2 seen" in out.getvalue()
    assert storage.exists(orphan)
    out = io.StringIO()
    call_command("storage_cleanup", stdout=out)
    assert "deleted: 0 unused file(s), 1 orphan object(s) of 2 seen; 0 failed" in out.getvalue()
    assert not storage.exists(orphan) and storage.exists(kept.storage_name)
    assert StoredFile.objects.filter(pk=kept.pk).exists()


def test_cleanup_is_scheduled_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["storage-orphan-cleanup"]
    assert entry["task"] == "onestop.storage_cleanup"
    from portal.celery import app

    app.loader.import_default_modules()
    assert "onestop.storage_cleanup" in app.tasks
