"""The built-in sandbox gateway: a simulated bank that speaks VNPay v2.1.0 to this site.

It shows the order, lets the tester pay, cancel or fail, then — like VNPay — notifies the site's
IPN server to server and sends the browser back to vnp_ReturnUrl with signed parameters. It also
answers ``querydr`` for reconciliation. Everything is signed with the shared VNPAY_HASH_SECRET
exactly as VNPay signs, so the site's verification code is the production code.

It answers only while PAYMENT_PROVIDER=sandbox (404 otherwise): it can sign "paid".
"""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import conf
from .models import SandboxOrder
from .providers.sandbox import BANK, querydr_answer
from .providers.vnpay import parse_vnp_time, signed, verify, vnp_time

CHOICES = {
    # button → (vnp_ResponseCode, vnp_TransactionStatus)
    "pay": ("00", "00"),
    "cancel": ("24", "02"),
    "fail": ("51", "02"),
}


def sandbox_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not conf.sandbox_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _incoming(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    return {k: v for k, v in source.items() if k.startswith("vnp_")}


def _problem(params: dict[str, str]) -> str:
    """Why the sandbox refuses an order (as VNPay would), or ''."""
    if not verify(params):
        return "Sai chữ ký (vnp_SecureHash)."
    if params.get("vnp_TmnCode") != settings.VNPAY_TMN_CODE:
        return "Mã website (vnp_TmnCode) không đúng."
    if params.get("vnp_Version") != "2.1.0" or params.get("vnp_Command") != "pay":
        return "Phiên bản hoặc lệnh không được hỗ trợ."
    if not params.get("vnp_Amount", "").isdigit() or not params.get("vnp_ReturnUrl"):
        return "Thiếu số tiền hoặc địa chỉ trả về."
    expires = parse_vnp_time(params.get("vnp_ExpireDate", ""))
    if expires is not None and expires < timezone.now():
        return "Giao dịch đã quá thời gian chờ thanh toán."
    return ""


@sandbox_only
@never_cache
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    params = _incoming(request)
    problem = _problem(params)
    if problem:
        return render(request, "payments/sandbox_error.html", {"problem": problem}, status=400)
    order, _ = SandboxOrder.objects.get_or_create(
        txn_ref=params["vnp_TxnRef"],
        defaults={
            "amount": int(params["vnp_Amount"]),
            "order_info": params.get("vnp_OrderInfo", "")[:255],
            "return_url": params["vnp_ReturnUrl"][:500],
        },
    )
    choice = request.POST.get("choice") if request.method == "POST" else None
    if choice not in CHOICES or order.response_code:
        if order.response_code:  # answered already: back to the merchant with the same outcome
            return HttpResponseRedirect(_return_url(order))
        context = {"params": params, "order": order, "amount": int(params["vnp_Amount"]) // 100}
        return render(request, "payments/sandbox_pay.html", context)
    response_code, status = CHOICES[choice]
    order.response_code, order.transaction_status = response_code, status
    order.transaction_no = f"{14_000_000 + order.pk}"
    order.pay_date = vnp_time(timezone.now())
    order.save()
    _notify(order)
    return HttpResponseRedirect(_return_url(order))


def _callback(order: SandboxOrder) -> dict[str, str]:
    return signed(
        {
            "vnp_TmnCode": settings.VNPAY_TMN_CODE,
            "vnp_Amount": str(order.amount),
            "vnp_BankCode": BANK,
            "vnp_BankTranNo": f"VNP{order.transaction_no}" if order.response_code == "00" else "",
            "vnp_CardType": "ATM",
            "vnp_PayDate": order.pay_date,
            "vnp_OrderInfo": order.order_info,
            "vnp_TransactionNo": order.transaction_no if order.response_code == "00" else "0",
            "vnp_ResponseCode": order.response_code,
            "vnp_TransactionStatus": order.transaction_status,
            "vnp_TxnRef": order.txn_ref,
        }
    )


def _return_url(order: SandboxOrder) -> str:
    separator = "&" if "?" in order.return_url else "?"
    return f"{order.return_url}{separator}{urlencode(_callback(order))}"


def _notify(order: SandboxOrder) -> None:
    """The bank's server-to-server call to the site's IPN. In process: a server with one thread
    (runserver --nothreading, a test's live server) would wait on its own answer over HTTP. The
    request is built as VNPay sends it (GET, signed query string) and goes through the IPN view."""
    from .views import vnpay_ipn

    ipn = HttpRequest()
    ipn.method = "GET"
    ipn.path = reverse("payments:vnpay_ipn")
    ipn.GET = QueryDict(urlencode(_callback(order)))
    ipn.META = {"REMOTE_ADDR": "127.0.0.1", "SERVER_NAME": "sandbox", "SERVER_PORT": "80"}
    vnpay_ipn(ipn)


@sandbox_only
@csrf_exempt
@require_POST
def querydr(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body.decode() or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    return JsonResponse(querydr_answer({k: str(v) for k, v in body.items()}))
