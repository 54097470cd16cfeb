"""Two notifications at once (VNPay retries, or the IPN racing the reconciliation): the payment's row
lock lets one confirm; the other answers 02. One confirmation, one receipt, one event."""

import threading

import pytest
from django.db import connection, connections

from onestop.models import DossierEvent, DossierStatus
from payments.models import Payment, PaymentStatus, Receipt
from payments.services import ipn_handle, payment_start

from .conftest import awaiting_payment, gateway_params

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: SQLite serialises every writer anyway"
    ),
]


def test_two_ipns_at_once_confirm_once(office):
    dossier = awaiting_payment(office)
    payment = payment_start(dossier=dossier, user=office.citizen)
    params = gateway_params(payment)
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def notify():
        try:
            barrier.wait(timeout=10)
            answers.append(ipn_handle(params=dict(params)).rsp_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=notify) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == ["00", "02"]
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert Receipt.objects.count() == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="confirm_payment").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_two_refunds_at_once_record_one(office):
    """A double submit that reaches two workers at the same moment: the payment's row lock orders
    them; the second finds it refunded. One event, one message per channel."""
    from onestop import workflow
    from onestop.models import Notification
    from payments.services import payment_refund_record

    dossier = awaiting_payment(office)
    payment = payment_start(dossier=dossier, user=office.citizen)
    workflow.dossier_confirm_payment(dossier=dossier, actor=office.receptionist, amount=17_000, reference="BL-9")
    assert ipn_handle(params=gateway_params(payment)).rsp_code == "00"  # paid twice: needs a refund
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def refund():
        try:
            barrier.wait(timeout=10)
            payment_refund_record(payment=payment, actor=office.receptionist, reason="Nộp trùng", reference="FT1")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refund) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED
    assert DossierEvent.objects.filter(dossier=dossier, action="payment_refunded").count() == 1
    assert Notification.objects.filter(kind="payment.refunded", channel="email").count() == 1
