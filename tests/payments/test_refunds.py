"""Refunds recorded with a reason: the receiving desk only (leaders read, others are refused), a
reason required, a double submit recorded once, the applicant told; on the page and in the CSV."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onestop import workflow
from onestop.models import DossierEvent, Notification
from onestop.workflow import TransitionError
from payments.models import Payment, PaymentStatus
from payments.services import ipn_handle, payment_refund_record, payment_start
from tests.factories import StaffRoleFactory

from .conftest import gateway_params


@pytest.fixture
def paid_twice(awaiting, office):
    """Paid in cash at the counter, then online as well: the online payment needs a refund."""
    attempt = payment_start(dossier=awaiting, user=office.citizen)
    workflow.dossier_confirm_payment(dossier=awaiting, actor=office.receptionist, amount=17_000, reference="BL-9")
    assert ipn_handle(params=gateway_params(attempt)).rsp_code == "00"
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.PAID and attempt.needs_refund
    return attempt


def refunds(payment):
    return DossierEvent.objects.filter(dossier_id=payment.dossier_id, action="payment_refunded")


def test_the_desk_records_a_refund_and_the_applicant_is_told(paid_twice, office):
    payment = payment_refund_record(payment=paid_twice, actor=office.receptionist, reason="Nộp trùng", reference="FT1")
    assert (payment.status, payment.needs_refund, payment.refund_reason, payment.refund_reference) == (
        PaymentStatus.REFUNDED, False, "Nộp trùng", "FT1"
    )  # fmt: skip
    assert payment.refunded_by == office.receptionist and payment.refunded_at is not None
    event = refunds(payment).get()
    assert event.actor == office.receptionist and event.note == "Nộp trùng" and event.data["amount"] == 17_000
    rows = Notification.objects.filter(recipient=office.citizen, kind="payment.refunded", event=event)
    email = rows.get(channel="email")
    assert "17.000" in email.body and "Nộp trùng" in email.body


def test_a_double_submit_records_once(paid_twice, office):
    for _ in range(2):
        payment_refund_record(payment=paid_twice, actor=office.receptionist, reason="Nộp trùng", reference="FT1")
    assert refunds(paid_twice).count() == 1
    assert Notification.objects.filter(kind="payment.refunded").values("event").distinct().count() == 1


def test_a_reason_is_required(paid_twice, office):
    with pytest.raises(ValidationError):
        payment_refund_record(payment=paid_twice, actor=office.receptionist, reason="   ", reference="FT1")
    paid_twice.refresh_from_db()
    assert paid_twice.status == PaymentStatus.PAID and not refunds(paid_twice).exists()


def test_only_a_paid_payment_is_refunded(awaiting, office):
    from payments.services import PaymentError

    pending = payment_start(dossier=awaiting, user=office.citizen)
    with pytest.raises(PaymentError):
        payment_refund_record(payment=pending, actor=office.receptionist, reason="x", reference="")


@pytest.mark.parametrize("who", ["outsider", "citizen", "leader", "specialist"])
def test_the_wrong_user_is_refused_and_nothing_changes(paid_twice, office, who):
    user = StaffRoleFactory(agency=office.agency, role="leader").user if who == "leader" else getattr(office, who)
    with pytest.raises(TransitionError):
        payment_refund_record(payment=paid_twice, actor=user, reason="Nộp trùng", reference="FT1")
    paid_twice.refresh_from_db()
    assert paid_twice.status == PaymentStatus.PAID and paid_twice.needs_refund and not refunds(paid_twice).exists()


def test_the_refund_on_the_reconciliation_page_and_in_the_csv(client, paid_twice, office):
    url = reverse("payments:reconciliation")
    day = timezone.localdate().isoformat()
    refund = reverse("payments:refund", args=[paid_twice.pk])
    # A leader reads the page but is offered no form, and a post of hers is refused.
    leader = StaffRoleFactory(agency=office.agency, role="leader").user
    client.force_login(leader)
    assert 'name="reason"' not in client.get(url, {"co-quan": office.agency.pk}).content.decode()
    assert client.post(refund, {"reason": "x"}).status_code == 404
    # Another agency's desk and a citizen: the same 404 as for a missing payment.
    for user in (office.outsider, office.citizen):
        client.force_login(user)
        assert client.post(refund, {"reason": "x"}).status_code == 404
    client.force_login(office.receptionist)
    page = client.get(url, {"co-quan": office.agency.pk, "ngay": day}).content.decode()
    assert 'name="reason"' in page
    client.post(refund, {"reason": "", "reference": "FT1", "ngay": day})  # no reason: nothing recorded
    assert not refunds(paid_twice).exists()
    for _ in range(2):  # a double click
        response = client.post(refund, {"reason": "Nộp trùng", "reference": "FT1", "ngay": day})
        assert response.status_code == 302
    assert refunds(paid_twice).count() == 1
    page = client.get(url, {"co-quan": office.agency.pk, "ngay": day}).content.decode()
    assert "Nộp trùng" in page and "FT1" in page and "17.000" in page
    exported = client.get(url, {"co-quan": office.agency.pk, "ngay": day, "dinh-dang": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    row = next(r for r in rows[1:] if r[0] == paid_twice.txn_ref)
    assert row[-2:] == ["Nộp trùng", "FT1"] and row[-3].startswith(day)
    assert Payment.objects.get(pk=paid_twice.pk).status == PaymentStatus.REFUNDED
