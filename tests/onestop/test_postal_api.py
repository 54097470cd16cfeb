"""The operator API: token clients with scopes, the shipment feed, idempotent events, the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from onestop.integration.auth import token_hash, token_new
from onestop.models import ApiClient, DossierStatus, Shipment, ShipmentEvent, ShipmentState
from procedures.models import Agency
from tests.onestop.postal_helpers import resolved_by_post
from tests.onestop.test_postal_pages import more_shipments

pytestmark = pytest.mark.django_db
S = ShipmentState
LIST = "/api/v1/shipments/"


def _client(agency, scopes) -> tuple[APIClient, ApiClient]:
    token = token_new()
    record = ApiClient.objects.create(
        name="VNPost",
        agency=agency,
        scopes=scopes,
        token_hash=token_hash(token),
        token_prefix=token[:12],
        include_subtree=False,
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api, record


def _events(item: str) -> str:
    return f"/api/v1/shipments/{item}/events/"


def test_wrong_token_401_missing_scope_403_other_agency_404(office):
    shipment = resolved_by_post(office).shipment
    anonymous = APIClient()
    assert anonymous.get(LIST).status_code == 401
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer dvc_not-a-token")
    response = wrong.get(LIST)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    reader, _ = _client(office.agency, ["shipments:read"])
    assert reader.get(LIST).status_code == 200
    assert reader.post(_events(shipment.item_number), {"event_id": "e1", "state": "handed_over"}).status_code == 403
    writer, _ = _client(office.agency, ["shipments:write"])
    assert writer.get(LIST).status_code == 403
    other, _ = _client(Agency.objects.get(code="000.20.09.H12"), ["shipments:read", "shipments:write"])
    assert other.get(LIST).json()["results"] == []
    assert other.post(_events(shipment.item_number), {"event_id": "e1", "state": "handed_over"}).status_code == 404
    # The tokens open only these endpoints: the rest of the API keeps its session authentication.
    assert reader.get("/api/v1/me/dossiers/").status_code in (401, 403)
    inactive, record = _client(office.agency, ["shipments:read"])
    ApiClient.objects.filter(pk=record.pk).update(active=False)
    assert inactive.get(LIST).status_code == 401


def test_the_feed_is_cursor_paginated_and_filtered(office):
    shipment = resolved_by_post(office).shipment
    more_shipments(shipment.dossier, 4)
    api, _ = _client(office.agency, ["shipments:read"])
    page = api.get(LIST, {"page_size": 2}).json()
    items = [row["item_number"] for row in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        items += [row["item_number"] for row in page["results"]]
    assert len(items) == len(set(items)) == 5 and items[0] == shipment.item_number
    Shipment.objects.filter(pk=shipment.pk).update(state=S.HANDED_OVER)
    assert [r["item_number"] for r in api.get(LIST, {"state": "handed_over"}).json()["results"]] == [
        shipment.item_number
    ]
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    assert api.get(LIST, {"since": later}).json()["results"] == []
    assert api.get(LIST, {"since": "yesterday"}).status_code == 400
    row = api.get(LIST).json()["results"][0]
    assert row["dossier_code"] == shipment.dossier.code and row["recipient_name"] == "Nguyễn Văn An"


def test_events_are_idempotent_and_delivery_returns_the_dossier(office):
    dossier = resolved_by_post(office)
    item = dossier.shipment.item_number
    api, _ = _client(office.agency, ["shipments:read", "shipments:write"])
    first = api.post(_events(item), {"event_id": "VNP-1", "state": "handed_over"}, format="json")
    assert first.status_code == 201
    again = api.post(_events(item), {"event_id": "VNP-1", "state": "handed_over"}, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert ShipmentEvent.objects.filter(operator_event_id="VNP-1").count() == 1
    assert api.post(_events(item), {"event_id": "VNP-2", "state": "failed"}, format="json").status_code == 400
    response = api.post(_events(item), {"event_id": "VNP-2", "state": "failed", "note": "Vắng nhà"}, format="json")
    assert response.status_code == 201
    response = api.post(
        _events(item.lower()),
        {"event_id": "VNP-3", "state": "delivered", "received_by": "Nguyễn Văn An", "relation": "Bản thân"},
        format="json",
    )
    assert response.status_code == 201
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    returned = dossier.events.get(action="return_result")
    assert returned.actor is None and returned.data["method"] == "post"
    # A late report that no longer fits: 409, and nothing changes.
    assert (
        api.post(_events(item), {"event_id": "VNP-4", "state": "failed", "note": "x"}, format="json").status_code == 409
    )
    assert api.post(_events(item), {"event_id": "VNP-3", "state": "delivered"}, format="json").status_code == 200


def test_the_schema_lists_the_postal_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/shipments/" in schema and "/api/v1/shipments/{item_number}/events/" in schema
    assert "apiToken" in schema


def test_the_admin_shows_the_token_once_and_keeps_its_hash(client, office, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/onestop/apiclient/add/",
        {
            "name": "Bưu điện Thành phố",
            "agency": office.agency.pk,
            "scopes": ["shipments:read"],
            "active": "on",
            "include_subtree": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    record = ApiClient.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    token = next(word for m in shown for word in m.split() if word.startswith("dvc_"))
    assert record.token_hash == token_hash(token) and token not in record.token_hash
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(LIST).status_code == 200
    page = client.get(f"/admin/onestop/apiclient/{record.pk}/change/").content.decode()
    assert token not in page


def test_the_operator_cannot_report_a_printed_slip(office):
    item = resolved_by_post(office).shipment.item_number
    api, _ = _client(office.agency, ["shipments:write"])
    assert api.post(_events(item), {"event_id": "P1", "state": "printed"}, format="json").status_code == 400
