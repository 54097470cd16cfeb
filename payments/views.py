"""Thin adapters (STYLE §2): the citizen's pay button, the gateway's IPN and return, receipts."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from onestop.access import dossier_for
from onestop.client_ip import client_ip
from onestop.links import absolute_url
from onestop.uploads.storage import stored_file_response

from .models import Payment, Receipt
from .registry import gateway
from .services import PaymentError, ipn_handle, payment_start


def _own(request: HttpRequest, public_id: uuid.UUID):
    """The caller's own dossier; the same 404 for a missing one and somebody else's."""
    return dossier_for(user=request.user, public_id=public_id, owner_only=True, record=None)


@login_required
@require_POST
def pay(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own(request, public_id)
    try:
        payment = payment_start(dossier=dossier, user=request.user)
    except PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("portal:dossier", public_id=public_id)
    return_url = absolute_url(reverse("payments:vnpay_return"), request=request)
    url = gateway(payment.provider).checkout_url(payment=payment, request=request, return_url=return_url)
    return HttpResponseRedirect(url)


@csrf_exempt
@require_GET
@never_cache
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    """VNPay's server-to-server notification: no session, no CSRF; the signature is the authority."""
    answer = ipn_handle(params=request.GET.dict(), remote_addr=client_ip(request))
    return JsonResponse({"RspCode": answer.rsp_code, "Message": answer.message})


@require_GET
@never_cache
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the browser back: it shows the outcome and changes nothing (only the
    IPN does: a forged or replayed return page must not confirm anything)."""
    params = request.GET.dict()
    gw = gateway()
    valid = bool(params) and gw.verify(params)
    payment = None
    note = None
    if valid:
        note = gw.read(params)
        payment = Payment.objects.select_related("dossier").filter(txn_ref=note.txn_ref).first()
    return render(
        request,
        "payments/return.html",
        {"valid": valid, "payment": payment, "note": note, "gateway_message": _gateway_message(note)},
        status=200 if valid else 400,
    )


def _gateway_message(note) -> str:
    from .labels import RESPONSE_MESSAGES

    if note is None:
        return ""
    return str(RESPONSE_MESSAGES.get(note.response_code, RESPONSE_MESSAGES["99"]))


@login_required
def receipt_download(request: HttpRequest, public_id: uuid.UUID, receipt_id: uuid.UUID) -> HttpResponse:
    """The receipt PDF: the dossier's owner only (404 for anyone else, as for a missing one)."""
    from .receipts import receipt_file

    dossier = _own(request, public_id)
    receipt = Receipt.objects.select_related("payment", "file").filter(public_id=receipt_id, payment__dossier=dossier)
    receipt = receipt.first()
    if receipt is None:
        raise Http404
    return stored_file_response(receipt_file(receipt), as_attachment=request.GET.get("xem") is None)


@require_GET
def receipt_verify(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The public page the receipt's QR code opens: its essentials, no personal data but the name."""
    receipt = (
        Receipt.objects.select_related("payment", "payment__dossier", "payment__dossier__agency")
        .filter(public_id=public_id)
        .first()
    )
    if receipt is None:
        raise Http404
    return render(request, "payments/receipt_verify.html", {"receipt": receipt, "payment": receipt.payment})
