"""A dossier waiting for payment, and gateway messages signed as VNPay signs them."""

from __future__ import annotations

import pytest

from onestop import workflow
from onestop.models import Dossier, DossierStatus
from payments.providers.vnpay import signed
from tests.onestop.conftest import office  # noqa: F401 — the back-office fixture, shared

SECRET = "TEST-HASH-SECRET-0123456789ABCDEF"
TMN = "TESTTMN1"


@pytest.fixture(autouse=True)
def _gateway_settings(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_TMN_CODE = TMN
    settings.VNPAY_PAYMENT_URL = ""
    settings.VNPAY_API_URL = ""


def awaiting_payment(office, *, amount: int | None = None) -> Dossier:  # noqa: F811
    """Received, forwarded to the specialist, whose step may ask for payment; asked."""
    dossier = office.submitted()
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    process = dossier.snapshot["process"]
    process[1]["actions"] = [*process[1]["actions"], "request_payment"]
    Dossier.objects.filter(pk=dossier.pk).update(snapshot={**dossier.snapshot, "process": process})
    dossier.refresh_from_db()
    dossier = workflow.dossier_request_payment(dossier=dossier, actor=office.specialist, amount=amount)
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    return dossier


@pytest.fixture
def awaiting(office):  # noqa: F811
    return awaiting_payment(office)


def gateway_params(
    payment, *, response: str = "00", status: str = "00", amount: int | None = None, txn_no: str = "14123456",
    key: str = SECRET, txn_ref: str | None = None,
) -> dict[str, str]:  # fmt: skip
    """What VNPay sends to the IPN and the return URL, signed with `key`."""
    return signed(
        {
            "vnp_TmnCode": TMN,
            "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": "VNP" + txn_no,
            "vnp_CardType": "ATM",
            "vnp_PayDate": "20261201103000",
            "vnp_OrderInfo": "Thanh toan phi le phi ho so",
            "vnp_TransactionNo": txn_no,
            "vnp_ResponseCode": response,
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": txn_ref or payment.txn_ref,
        },
        key,
    )
