"""The VNPay v2.1.0 protocol, exactly: what is signed, how, and what the redirect carries."""

import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from payments.providers import vnpay
from payments.registry import gateway, names
from payments.services import payment_start

from .conftest import SECRET, TMN


def test_the_signature_is_hmac_sha512_over_sorted_quote_plus_pairs():
    params = {"vnp_TxnRef": "A-1", "vnp_OrderInfo": "Thanh toan ho so 1", "vnp_Amount": "1700000", "other": "x"}
    expected_data = "vnp_Amount=1700000&vnp_OrderInfo=Thanh+toan+ho+so+1&vnp_TxnRef=A-1"
    assert vnpay.hash_data(params) == expected_data
    expected = hmac.new(SECRET.encode(), expected_data.encode(), hashlib.sha512).hexdigest()
    assert vnpay.sign(params, SECRET) == expected
    with_hash = {**params, "vnp_SecureHash": expected, "vnp_SecureHashType": "HmacSHA512"}
    assert vnpay.verify(with_hash, SECRET)  # SecureHash and SecureHashType are not signed
    assert not vnpay.verify({**with_hash, "vnp_Amount": "1700100"}, SECRET)
    assert not vnpay.verify(with_hash, "another secret")


def test_order_info_has_no_diacritics():
    assert vnpay.ascii_text("Lệ phí hồ sơ Đăng ký kết hôn, đợt 2") == "Le phi ho so Dang ky ket hon, dot 2"


def test_no_secret_no_signature(settings):
    settings.VNPAY_HASH_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="VNPAY_HASH_SECRET"):
        vnpay.sign({"vnp_Amount": "1"})


def test_both_gateways_are_registered_and_chosen_by_configuration(settings):
    assert {"vnpay", "sandbox"} <= set(names())
    settings.PAYMENT_PROVIDER = "vnpay"
    assert gateway().name == "vnpay"
    settings.PAYMENT_PROVIDER = "nope"
    with pytest.raises(ImproperlyConfigured):
        gateway()


def test_the_redirect_carries_every_field_signed(awaiting, office):
    payment = payment_start(dossier=awaiting, user=office.citizen)
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    url = gateway().checkout_url(
        payment=payment, request=request, return_url="http://testserver/thanh-toan/vnpay/tra-ve/"
    )
    parts = urlsplit(url)
    assert parts.path == "/thanh-toan/sandbox/vpcpay/"
    params = dict(parse_qsl(parts.query))
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay"
    assert params["vnp_TmnCode"] == TMN and params["vnp_CurrCode"] == "VND"
    assert params["vnp_Amount"] == str(17_000 * 100)
    assert params["vnp_TxnRef"] == payment.txn_ref
    assert params["vnp_IpAddr"] == "203.0.113.9" and params["vnp_Locale"] == "vn"
    assert params["vnp_OrderInfo"].isascii() and awaiting.code in params["vnp_OrderInfo"]
    # GMT+7: created at 03:00 UTC is 10:00 in Vietnam.
    assert params["vnp_CreateDate"] == vnpay.vnp_time(payment.created_at)
    assert len(params["vnp_CreateDate"]) == 14 and params["vnp_ExpireDate"] > params["vnp_CreateDate"]
    assert vnpay.verify(params, SECRET)


def test_vietnam_time_is_gmt_plus_7():
    import datetime as dt

    assert vnpay.vnp_time(dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)) == "20261202033000"


def test_the_txn_ref_is_unique_and_plain(awaiting, office):
    payment = payment_start(dossier=awaiting, user=office.citizen)
    import re

    assert re.fullmatch(r"[A-Za-z0-9-]{1,100}", payment.txn_ref)
    assert payment.txn_ref.endswith("-01")


def test_the_querydr_request_is_signed_over_the_published_fields_in_order(awaiting, office):
    """VNPay's querydr checksum: RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|
    IpAddr|OrderInfo, HMAC-SHA512 (payments/providers/vnpay.py cites the sources)."""
    payment = payment_start(dossier=awaiting, user=office.citizen)
    body = gateway("vnpay").query_request(payment=payment)
    order = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate",
             "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"]  # fmt: skip
    data = "|".join(body[key] for key in order)
    assert body["vnp_Command"] == "querydr" and body["vnp_TxnRef"] == payment.txn_ref
    assert body["vnp_SecureHash"] == hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
