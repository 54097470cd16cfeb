"""Issue #13: the post's API clients become API clients (migrations 0022/0023) — same ids, scopes and
token hashes, so a pst_… token issued before keeps working, and shipment events keep their client."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

BEFORE = [("onestop", "0021_shipment_search_postgres")]
TOKEN = "pst_issued-before-the-merge"


@pytest.mark.django_db(transaction=True)
def test_a_postal_token_issued_before_keeps_working(settings):
    settings.ALLOWED_HOSTS = ["*"]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    agency = old.get_model("procedures", "Agency").objects.create(code="000.99.01.H12", name="Bưu cục (test)")
    postal = old.get_model("onestop", "PostalApiClient").objects.create(
        name="VNPost", agency=agency, scopes=["shipments:read", "shipments:write"],
        token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(), token_prefix=TOKEN[:12],
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from onestop.models import ApiClient

    client = ApiClient.objects.get()
    assert (client.pk, client.name, client.agency_id, client.scopes, client.include_subtree) == (
        postal.pk, "VNPost", agency.pk, ["shipments:read", "shipments:write"], False,
    )  # fmt: skip
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert api.get("/api/v1/shipments/").status_code == 200
    assert api.get("/api/v1/dossiers/").status_code == 403  # no dossier scope came with it
    assert ApiClient.objects.create(name="new", agency_id=agency.pk, token_hash="x").pk > postal.pk
