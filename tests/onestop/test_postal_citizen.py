"""The applicant sees the item number and each shipment milestone: their dossier page and /tra-cuu/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onestop.models import Notification, ShipmentState
from onestop.postal.services import shipment_record, shipments_hand_over
from tests.onestop.postal_helpers import resolved_by_post

pytestmark = pytest.mark.django_db
S = ShipmentState


def test_the_applicant_follows_the_shipment(client, office):
    dossier = resolved_by_post(office)
    shipment = dossier.shipment
    client.force_login(office.citizen)
    page = reverse("portal:dossier", args=[dossier.public_id])
    html = client.get(page).content.decode()
    assert shipment.item_number in html
    shipments_hand_over(user=office.postal_clerk, items=[shipment.item_number])
    shipment_record(shipment=shipment, state=S.FAILED, actor=office.postal_clerk, note="Vắng nhà, hẹn phát lại")
    shipment_record(shipment=shipment, state=S.DELIVERED, actor=office.postal_clerk, delivered_to="Nguyễn Văn An")
    html = client.get(page).content.decode()
    assert "Vắng nhà, hẹn phát lại" in html and "Người nhận: Nguyễn Văn An" in html
    client.logout()
    html = client.post(reverse("portal:track"), {"code": dossier.code, "verifier": "0912345678"}).content.decode()
    assert shipment.item_number in html and "Vắng nhà, hẹn phát lại" in html
    assert "Nguyễn Văn An</span>" not in html  # who signed for it stays off the public page
    kinds = list(Notification.objects.filter(recipient=office.citizen).values_list("kind", flat=True))
    assert {"shipment.handed_over", "shipment.failed", "shipment.delivered", "dossier.returned"} <= set(kinds)


def test_the_vietnamese_page_says_the_result_was_received(client, office):
    dossier = resolved_by_post(office)
    shipments_hand_over(user=office.postal_clerk, items=[dossier.shipment.item_number])
    shipment_record(
        shipment=dossier.shipment, state=S.DELIVERED, actor=office.postal_clerk, delivered_to="Nguyễn Văn An"
    )
    client.force_login(office.citizen)
    html = client.get(reverse("portal:dossier", args=[dossier.public_id]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert dossier.shipment.item_number in html and "Đã giao" in html
