"""The built-in sandbox gateway: VNPay's protocol, answered by this site (payments/sandbox.py).

Chosen with PAYMENT_PROVIDER=sandbox (the default for the demo and the tests). Its pages exist only
while it is the configured gateway — the sandbox signs "paid" notifications with the shared secret,
so `manage.py check --deploy` refuses it in production (payments/checks.py).
"""

from __future__ import annotations

from django.conf import settings

from ..models import SandboxOrder
from ..registry import QueryResult, register
from .vnpay import ANSWER_FIELDS, QUERY_FIELDS, VNPay, read_notification, sign_fields

BANK = "NCB"  # the bank VNPay's own sandbox uses


@register("sandbox")
class Sandbox(VNPay):
    def query(self, *, payment) -> QueryResult:
        # The simulated bank is in this process: ask it directly rather than over HTTP to ourselves
        # (a single-threaded server would wait on its own answer). Same signed request and answer.
        answer = querydr_answer(self.query_request(payment=payment))
        if sign_fields(answer, ANSWER_FIELDS, self.key) != answer.get("vnp_SecureHash"):
            return QueryResult(found=False, message="invalid signature on the query's answer")
        if answer["vnp_ResponseCode"] == "91":
            return QueryResult(found=False, message="not found")
        if answer["vnp_ResponseCode"] != "00":
            return QueryResult(found=False, message=f"query failed ({answer['vnp_ResponseCode']})")
        return QueryResult(found=True, notification=read_notification(answer))


# ---------------------------------------------------------------------------------- querydr


def querydr_answer(body: dict[str, str]) -> dict[str, str]:
    """The answer VNPay's transaction API gives to a signed querydr request."""
    answer = {
        "vnp_ResponseId": body.get("vnp_RequestId", ""),
        "vnp_Command": "querydr",
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
        "vnp_TxnRef": body.get("vnp_TxnRef", ""),
        "vnp_Amount": "",
        "vnp_BankCode": "",
        "vnp_PayDate": "",
        "vnp_TransactionNo": "",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "",
        "vnp_OrderInfo": "",
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }
    order = None
    if sign_fields(body, QUERY_FIELDS) != str(body.get("vnp_SecureHash", "")).lower():
        answer.update(vnp_ResponseCode="97", vnp_Message="Invalid signature")
    elif body.get("vnp_TmnCode") != settings.VNPAY_TMN_CODE:
        answer.update(vnp_ResponseCode="02", vnp_Message="Invalid TmnCode")
    elif (order := SandboxOrder.objects.filter(txn_ref=body.get("vnp_TxnRef", "")).first()) is None:
        answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
    else:
        answer.update(
            vnp_ResponseCode="00",
            vnp_Message="QueryDR Success",
            vnp_Amount=str(order.amount),
            vnp_BankCode=BANK,
            vnp_PayDate=order.pay_date,
            vnp_TransactionNo=order.transaction_no if order.response_code == "00" else "0",
            # 01: not completed (the payer never chose); 00 paid; 02 failed.
            vnp_TransactionStatus=order.transaction_status or "01",
            vnp_OrderInfo=order.order_info,
        )
    answer["vnp_SecureHash"] = sign_fields(answer, ANSWER_FIELDS)
    return answer
