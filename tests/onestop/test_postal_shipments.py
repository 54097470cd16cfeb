"""S10 item numbers and the shipment created in the resolve transaction (DESIGN §4.5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from onestop import workflow
from onestop.models import DossierEvent, DossierStatus, Notification, Shipment, ShipmentEvent, ShipmentState
from onestop.postal import s10
from onestop.postal.services import shipment_for_resolved, shipment_record, shipments_hand_over
from onestop.workflow import TransitionError
from onestop.workflow.hooks import event_recorded
from tests.onestop.conftest import result_pdf
from tests.onestop.postal_helpers import ADDRESS, in_processing_by_post, resolved_by_post

S = ShipmentState


# --- S10 -------------------------------------------------------------------------------------------


def test_the_standard_example_is_valid():
    assert s10.check_digit("47312482") == 9
    assert s10.is_valid("AA473124829GB")
    assert s10.item_number("AA", 47312482, "GB") == "AA473124829GB"


def test_every_single_digit_change_is_caught():
    good = "AA473124829GB"
    for position in range(2, 11):
        for digit in "0123456789":
            if digit != good[position]:
                changed = good[:position] + digit + good[position + 1 :]
                assert not s10.is_valid(changed), changed


# 00000000: sum 0 → 11 → 5; 00000008: 56 ≡ 1 → 10 → 0; 12345678: 204 ≡ 6 → 5; 00000001: 7 → 4.
@pytest.mark.parametrize(("serial", "check"), [("00000000", 5), ("00000008", 0), ("12345678", 5), ("00000001", 4)])
def test_check_digit_maps_10_to_0_and_11_to_5(serial, check):
    assert s10.check_digit(serial) == check


def test_item_numbers_are_normalised_and_shaped():
    assert s10.is_valid(" rr 00000001 4 vn ")
    assert not s10.is_valid("RR000000014")  # no country
    assert not s10.is_valid("R1000000014VN")
    with pytest.raises(ValueError):
        s10.item_number("RRR", 1)


# --- the shipment of a resolved dossier -----------------------------------------------------------


def test_resolving_a_dossier_by_post_creates_its_shipment(office):
    dossier = resolved_by_post(office)
    shipment = Shipment.objects.get(dossier=dossier)
    assert s10.is_valid(shipment.item_number) and shipment.item_number.startswith("RR")
    assert shipment.item_number.endswith("VN")
    assert shipment.state == S.TO_PRINT and shipment.attempts == 0
    assert shipment.agency == dossier.agency and shipment.sender_name == dossier.agency.name
    assert (shipment.recipient_name, shipment.recipient_address) == ("Nguyễn Văn An", ADDRESS)
    assert shipment.recipient_phone == "0912345678"
    assert shipment.contents.startswith("Kết quả giải quyết TTHC: ")


def test_a_result_not_by_post_has_no_shipment(office):
    dossier = office.submitted()
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    assert not Shipment.objects.exists()


def test_a_rollback_after_resolve_leaves_no_shipment(office):
    dossier = in_processing_by_post(office)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
        assert Shipment.objects.filter(dossier=dossier).exists()  # inside the transaction
        raise RuntimeError("the caller fails after the resolve")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING and not Shipment.objects.exists()


def test_a_receiver_failure_rolls_the_resolve_back(office, monkeypatch):
    dossier = in_processing_by_post(office)

    def broken(**kwargs):
        raise RuntimeError("no serial numbers")

    monkeypatch.setattr("onestop.postal.services._next_item_number", lambda prefix: broken())
    with pytest.raises(RuntimeError):
        workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING and not Shipment.objects.exists()


def test_one_shipment_per_dossier_even_if_resolve_is_recorded_again(office):
    dossier = resolved_by_post(office)
    first = Shipment.objects.get(dossier=dossier)
    event = dossier.events.get(action="resolve")
    event_recorded.send(sender=DossierEvent, event=event, dossier=dossier)  # a replayed hook
    assert shipment_for_resolved(dossier=dossier) == first
    assert Shipment.objects.filter(dossier=dossier).count() == 1


def test_item_numbers_follow_the_prefix_of_the_agency(office, settings):
    settings.POSTAL_ITEM_PREFIXES = {office.agency.code: "eb"}
    shipment = Shipment.objects.get(dossier=resolved_by_post(office))
    assert shipment.item_number == s10.item_number("EB", 1)


# --- milestones -----------------------------------------------------------------------------------


def test_handed_over_out_for_delivery_delivered_returns_the_dossier(office):
    dossier = resolved_by_post(office)
    Shipment.objects.filter(dossier=dossier).update(created_at=timezone.now() - dt.timedelta(days=1))
    shipment = Shipment.objects.get(dossier=dossier)
    clerk = office.postal_clerk
    assert [r.ok for r in shipments_hand_over(user=clerk, items=[shipment.item_number.lower()])] == [True]
    shipment_record(shipment=shipment, state=S.OUT_FOR_DELIVERY, actor=clerk)
    delivered_at = timezone.now() - dt.timedelta(hours=2)
    shipment_record(
        shipment=shipment, state=S.DELIVERED, actor=clerk, at=delivered_at, delivered_to="Nguyễn Văn An",
        relation="Bản thân",
    )  # fmt: skip
    dossier.refresh_from_db()
    shipment.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.closed_at == delivered_at
    assert (shipment.state, shipment.delivered_to, shipment.delivered_relation) == (S.DELIVERED, "Nguyễn Văn An",
                                                                                     "Bản thân")  # fmt: skip
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions[-4:] == ["shipment_handed_over", "shipment_out_for_delivery", "shipment_delivered", "return_result"]
    assert dossier.events.get(action="shipment_delivered").data["tracking_code"] == shipment.item_number
    kinds = set(Notification.objects.filter(recipient=office.citizen).values_list("kind", flat=True))
    assert {"shipment.handed_over", "shipment.out_for_delivery", "shipment.delivered", "dossier.returned"} <= kinds


def test_the_last_failed_attempt_returns_the_item_to_the_agency(office, settings):
    settings.POSTAL_MAX_ATTEMPTS = 2
    dossier = resolved_by_post(office)
    shipment, clerk = dossier.shipment, office.postal_clerk
    shipments_hand_over(user=clerk, items=[shipment.item_number])
    with pytest.raises(Exception, match="lý do"):
        shipment_record(shipment=shipment, state=S.FAILED, actor=clerk)
    shipment_record(shipment=shipment, state=S.FAILED, actor=clerk, note="Vắng nhà")
    shipment.refresh_from_db()
    assert (shipment.state, shipment.attempts) == (S.FAILED, 1)
    shipment_record(shipment=shipment, state=S.OUT_FOR_DELIVERY, actor=clerk)
    shipment_record(shipment=shipment, state=S.FAILED, actor=clerk, note="Sai địa chỉ")
    shipment.refresh_from_db()
    assert (shipment.state, shipment.attempts) == (S.RETURNED_TO_AGENCY, 2)
    assert dossier.events.filter(action="shipment_returned_to_agency").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED  # the desk returns it at the counter now
    with pytest.raises(workflow.TransitionError):
        shipment_record(shipment=shipment, state=S.DELIVERED, actor=clerk, delivered_to="X")


def test_only_the_agencys_postal_clerk_records_milestones(office):
    shipment = resolved_by_post(office).shipment
    for user in (office.receptionist, office.outsider, office.citizen):
        with pytest.raises(workflow.TransitionError):
            shipment_record(shipment=shipment, state=S.HANDED_OVER, actor=user)
        assert shipments_hand_over(user=user, items=[shipment.item_number])[0].ok is False
    assert ShipmentEvent.objects.count() == 0
    shipment.refresh_from_db()
    assert shipment.state == S.TO_PRINT


def test_a_scan_with_a_wrong_check_digit_is_refused(office):
    shipment = resolved_by_post(office).shipment
    bad = shipment.item_number[:10] + str((int(shipment.item_number[10]) + 1) % 10) + "VN"
    [result] = shipments_hand_over(user=office.postal_clerk, items=[bad])
    assert not result.ok and "sai số kiểm tra" in result.message


def test_no_result_is_returned_by_post_without_its_delivery_recorded(office):
    """One way: the delivery recorded on the shipment (`shipment_delivered`) returns the dossier. The
    action itself refuses "by post" without that event — to the clerk, the desk and the system alike."""
    dossier = resolved_by_post(office)
    for kwargs in ({"actor": office.postal_clerk}, {"actor": office.receptionist}, {"actor": None, "system": True}):
        with pytest.raises(TransitionError):
            workflow.dossier_return_result(dossier=dossier, method="post", **kwargs)
    dossier.refresh_from_db()
    shipment = Shipment.objects.get(dossier=dossier)
    assert dossier.status == DossierStatus.RESOLVED and shipment.state == S.TO_PRINT
    assert not shipment.events.exists() and not dossier.events.filter(action="return_result").exists()
    shipment_record(shipment=shipment, state=S.HANDED_OVER, actor=office.postal_clerk)
    at = timezone.now()
    shipment_record(shipment=shipment, state=S.DELIVERED, actor=office.postal_clerk, at=at, delivered_to="Chị Hoa")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.closed_at == at
    returned = dossier.events.get(action="return_result")
    assert returned.data["method"] == "post" and dossier.events.filter(action="shipment_delivered").count() == 1
