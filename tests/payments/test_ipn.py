"""The IPN attack table (DESIGN §4.4): only the first valid notification advances the dossier.
Peers accepted unsigned callbacks, skipped the amount check and confirmed twice; we test each."""

import pytest
from django.urls import reverse

from onestop.models import DossierEvent, DossierStatus
from payments.models import IpnLog, Payment, PaymentStatus, Receipt
from payments.services import payment_start

from .conftest import gateway_params

IPN = "/thanh-toan/vnpay/ipn/"


def ipn(client, params):
    response = client.get(IPN, params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def attempt(awaiting, office):
    return payment_start(dossier=awaiting, user=office.citizen)


def confirmations(dossier):
    return DossierEvent.objects.filter(dossier=dossier, action="confirm_payment").count()


def test_the_url_is_the_documented_one():
    assert reverse("payments:vnpay_ipn") == IPN


def test_a_valid_payment_confirms_the_dossier_once_and_a_replay_answers_02(client, attempt, office):
    assert ipn(client, gateway_params(attempt)) == {"RspCode": "00", "Message": "Confirm Success"}
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.PAID and attempt.gateway_txn_no == "14123456" and attempt.paid_at
    dossier = attempt.dossier
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    event = dossier.events.get(action="confirm_payment")
    assert event.actor is None and event.data == {"amount": 17_000, "method": "vnpay", "reference": "14123456"}
    assert Receipt.objects.filter(payment=attempt).count() == 1
    # The same notification again (VNPay retries until it gets an answer).
    assert ipn(client, gateway_params(attempt)) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert confirmations(dossier) == 1 and Receipt.objects.count() == 1
    assert list(IpnLog.objects.order_by("pk").values_list("rsp_code", "verdict")) == [
        ("00", "confirmed"),
        ("02", "duplicate"),
    ]


def test_an_amount_changed_after_signing_is_an_invalid_signature(client, attempt):
    params = gateway_params(attempt)
    params["vnp_Amount"] = "100"
    assert ipn(client, params)["RspCode"] == "97"
    assert _untouched(attempt)


def test_signed_with_another_secret_is_refused(client, attempt):
    assert ipn(client, gateway_params(attempt, key="guessed-secret"))["RspCode"] == "97"
    assert _untouched(attempt)


def test_a_missing_signature_is_refused(client, attempt):
    params = gateway_params(attempt)
    del params["vnp_SecureHash"]
    assert ipn(client, params) == {"RspCode": "97", "Message": "Invalid signature"}
    assert ipn(client, {})["RspCode"] == "97"
    assert _untouched(attempt)


def test_a_correct_signature_on_the_wrong_amount_answers_04(client, attempt):
    assert ipn(client, gateway_params(attempt, amount=1_000)) == {"RspCode": "04", "Message": "Invalid amount"}
    assert _untouched(attempt)


def test_an_unknown_order_answers_01(client, attempt):
    assert ipn(client, gateway_params(attempt, txn_ref="NOT-OURS-01")) == {
        "RspCode": "01",
        "Message": "Order not found",
    }
    assert _untouched(attempt)


def test_a_cancelled_payment_is_recorded_and_can_be_tried_again(client, attempt, office):
    assert ipn(client, gateway_params(attempt, response="24", status="02"))["RspCode"] == "00"
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.CANCELLED
    dossier = attempt.dossier
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert dossier.events.filter(action="payment_attempt", data__outcome="cancelled").exists()
    # A second notification for the cancelled order changes nothing.
    assert ipn(client, gateway_params(attempt))["RspCode"] == "02"
    # The citizen tries again: a new order, paid.
    retry = payment_start(dossier=dossier, user=office.citizen)
    assert retry.pk != attempt.pk and retry.attempt == 2 and retry.txn_ref.endswith("-02")
    assert ipn(client, gateway_params(retry, txn_no="14999999"))["RspCode"] == "00"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING and confirmations(dossier) == 1


def test_a_failed_payment_leaves_the_dossier_waiting(client, attempt):
    assert ipn(client, gateway_params(attempt, response="51", status="02"))["RspCode"] == "00"
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.FAILED and attempt.response_code == "51"
    assert attempt.dossier.status == DossierStatus.AWAITING_PAYMENT


def test_success_needs_both_codes(client, attempt):
    assert ipn(client, gateway_params(attempt, response="00", status="02"))["RspCode"] == "00"
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.FAILED
    assert confirmations(attempt.dossier) == 0


def test_a_post_or_a_browser_session_changes_nothing(client, attempt, office):
    client.force_login(office.citizen)
    assert client.post(IPN, gateway_params(attempt)).status_code == 405
    assert _untouched(attempt)


def test_every_notification_is_logged(client, attempt):
    ipn(client, gateway_params(attempt, key="x"))
    ipn(client, gateway_params(attempt, amount=1))
    ipn(client, gateway_params(attempt))
    assert list(IpnLog.objects.order_by("pk").values_list("rsp_code", flat=True)) == ["97", "04", "00"]
    assert IpnLog.objects.first().params["vnp_TxnRef"] == attempt.txn_ref


def test_paid_after_the_counter_took_the_cash_is_recorded_for_a_refund(client, attempt, office):
    from onestop import workflow

    workflow.dossier_confirm_payment(
        dossier=attempt.dossier, actor=office.receptionist, amount=17_000, reference="BL-9"
    )
    assert ipn(client, gateway_params(attempt))["RspCode"] == "00"
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.PAID and attempt.needs_refund
    assert confirmations(attempt.dossier) == 1


def _untouched(attempt) -> bool:
    payment = Payment.objects.get(pk=attempt.pk)
    dossier = payment.dossier
    return (
        payment.status == PaymentStatus.PENDING
        and dossier.status == DossierStatus.AWAITING_PAYMENT
        and not Receipt.objects.exists()
        and confirmations(dossier) == 0
    )
