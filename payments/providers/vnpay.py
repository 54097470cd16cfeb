"""VNPay, protocol v2.1.0 (REFERENCE.md, DESIGN §4.4).

Signature: the vnp_* parameters sorted by key, ``key=quote_plus(value)`` joined with ``&``,
HMAC-SHA512 with the hash secret, hex. Amounts travel as VND × 100; dates as yyyyMMddHHmmss in
Vietnam's time (GMT+7). The transaction query (``querydr``) is a signed JSON POST whose hash covers
the fields joined with ``|`` in an order the protocol fixes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import unicodedata
import urllib.request
import uuid
from typing import Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from onestop.client_ip import client_ip
from onestop.links import absolute_url

from ..registry import Gateway, Notification, QueryResult, register

VERSION = "2.1.0"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
UNSIGNED = ("vnp_SecureHash", "vnp_SecureHashType")
ORDER_TYPE = "other"  # VNPay's category for fees and charges not otherwise listed
# querydr: the fields of the request's and the answer's hash, in the protocol's order, joined with "|".
# Checked on 2026-12-03 against VNPay's published querydr page
# (https://sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/querydr&refund.html: the request's
# parameters vnp_RequestId, vnp_Version, vnp_Command, vnp_TmnCode, vnp_TxnRef, … in this order) and
# against lehuygiang28/vnpay (src/services/query.service.ts), a maintained client that hashes exactly
# these request and answer fields in exactly this order. No difference was found, so nothing changed.
QUERY_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate",
                "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")  # fmt: skip
ANSWER_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
                 "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
                 "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount")  # fmt: skip


def secret() -> str:
    value = settings.VNPAY_HASH_SECRET
    if not value:
        raise ImproperlyConfigured("VNPAY_HASH_SECRET is not set: payments cannot be signed or verified.")
    return value


def vnp_time(value: dt.datetime) -> str:
    """yyyyMMddHHmmss in GMT+7, whatever the server's zone."""
    return value.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def parse_vnp_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VIETNAM)
    except (TypeError, ValueError):
        return None


def ascii_text(text: str, limit: int = 255) -> str:
    """Vietnamese without diacritics (vnp_OrderInfo): 'Lệ phí hồ sơ Đ' → 'Le phi ho so D'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.split())[:limit]


def hash_data(params: dict[str, Any]) -> str:
    """What is signed: the vnp_* keys sorted, `key=quote_plus(value)` joined with '&'."""
    return "&".join(
        f"{key}={quote_plus(str(value))}"
        for key, value in sorted(params.items())
        if key.startswith("vnp_") and key not in UNSIGNED
    )


def hmac_sha512(key: str, data: str) -> str:
    return hmac.new(key.encode(), data.encode(), hashlib.sha512).hexdigest()


def sign(params: dict[str, Any], key: str | None = None) -> str:
    return hmac_sha512(key if key is not None else secret(), hash_data(params))


def signed(params: dict[str, Any], key: str | None = None) -> dict[str, str]:
    """`params` with their vnp_SecureHash."""
    return {**{k: str(v) for k, v in params.items()}, "vnp_SecureHash": sign(params, key)}


def verify(params: dict[str, str], key: str | None = None) -> bool:
    given = params.get("vnp_SecureHash", "")
    if not given:
        return False
    return hmac.compare_digest(given.lower(), sign(params, key))


def sign_fields(params: dict[str, Any], fields: tuple[str, ...], key: str | None = None) -> str:
    """querydr's hash: the listed fields' values joined with '|'."""
    return hmac_sha512(key if key is not None else secret(), "|".join(str(params.get(f, "")) for f in fields))


def read_notification(params: dict[str, str]) -> Notification:
    raw_amount = params.get("vnp_Amount", "")
    amount = int(raw_amount) // 100 if raw_amount.isdigit() and int(raw_amount) % 100 == 0 else None
    response, status = params.get("vnp_ResponseCode", ""), params.get("vnp_TransactionStatus", "")
    return Notification(
        txn_ref=params.get("vnp_TxnRef", ""),
        amount=amount,
        paid=response == "00" and status == "00",
        cancelled=response == "24",
        response_code=response,
        transaction_status=status,
        transaction_no=params.get("vnp_TransactionNo", "")[:40],
        bank_code=params.get("vnp_BankCode", "")[:20],
    )


@register("vnpay")
class VNPay(Gateway):
    """The real gateway: the browser goes to VNPAY_PAYMENT_URL, the query goes to VNPAY_API_URL."""

    def __init__(self, *, tmn_code: str | None = None, hash_secret: str | None = None) -> None:
        self.tmn_code = tmn_code or settings.VNPAY_TMN_CODE
        self._secret = hash_secret

    @property
    def key(self) -> str:
        return self._secret or secret()

    # --------------------------------------------------------------------------- redirect
    def payment_url(self, request) -> str:
        return settings.VNPAY_PAYMENT_URL or absolute_url(reverse("payments:sandbox_pay"), request=request)

    def api_url(self) -> str:
        return settings.VNPAY_API_URL or absolute_url(reverse("payments:sandbox_querydr"), from_request=False)

    def checkout_params(self, *, payment, request, return_url: str) -> dict[str, str]:
        created = payment.created_at
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": ascii_text(f"Thanh toan phi le phi ho so {payment.dossier.code}"),
            "vnp_OrderType": ORDER_TYPE,
            "vnp_Locale": "en" if getattr(request, "LANGUAGE_CODE", "vi") == "en" else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip(request) or "127.0.0.1",
            "vnp_CreateDate": vnp_time(created),
        }
        if payment.expires_at:
            params["vnp_ExpireDate"] = vnp_time(payment.expires_at)
        return signed(params, self.key)

    def checkout_url(self, *, payment, request, return_url: str) -> str:
        params = self.checkout_params(payment=payment, request=request, return_url=return_url)
        return f"{self.payment_url(request)}?{urlencode(params)}"

    # ---------------------------------------------------------------------- notifications
    def verify(self, params: dict[str, str]) -> bool:
        return verify(params, self.key)

    def read(self, params: dict[str, str]) -> Notification:
        return read_notification(params)

    # -------------------------------------------------------------------------- querydr
    def query_request(self, *, payment) -> dict[str, str]:
        now = dt.datetime.now(tz=VIETNAM)
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": ascii_text(f"Doi soat giao dich {payment.txn_ref}"),
            "vnp_TransactionDate": vnp_time(payment.created_at),
            "vnp_CreateDate": vnp_time(now),
            "vnp_IpAddr": "127.0.0.1",
        }
        body["vnp_SecureHash"] = sign_fields(body, QUERY_FIELDS, self.key)
        return body

    def send_query(self, body: dict[str, str]) -> dict[str, str]:
        url = self.api_url()
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("VNPAY_API_URL must be an http(s) URL.")
        request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
            url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=settings.PAYMENT_GATEWAY_TIMEOUT) as response:  # noqa: S310 — checked above
            return json.loads(response.read().decode())

    def query(self, *, payment) -> QueryResult:
        answer = self.send_query(self.query_request(payment=payment))
        if sign_fields(answer, ANSWER_FIELDS, self.key) != str(answer.get("vnp_SecureHash", "")).lower():
            return QueryResult(found=False, message="invalid signature on the query's answer")
        code = str(answer.get("vnp_ResponseCode", ""))
        if code == "91":  # transaction not found
            return QueryResult(found=False, message="not found")
        if code != "00":
            return QueryResult(found=False, message=f"query failed ({code})")
        return QueryResult(found=True, notification=read_notification({k: str(v) for k, v in answer.items()}))
