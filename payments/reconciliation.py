"""The agency's payments of one day (đối soát), for its processing staff and its leaders, with a
CSV export. Adapters only: the reads are in payments.selectors."""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.access import access_scope
from onestop.models import Role
from onestop.workflow import TransitionError
from procedures.models import Agency

from .models import Payment, PaymentStatus
from .selectors import day_payments, day_refunds, day_summary
from .services import PaymentError, payment_refund_record

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection): such cells get a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()


@login_required
def day_report(request: HttpRequest) -> HttpResponse:
    scope = access_scope(request.user)
    allowed = sorted(set(scope.processing_ids) | scope.led)
    if not allowed:
        raise Http404
    agencies = list(Agency.objects.filter(pk__in=allowed).order_by("name"))
    requested = request.GET.get("co-quan", "")
    agency = next((a for a in agencies if str(a.pk) == requested), agencies[0] if agencies else None)
    if agency is None:
        raise Http404
    day = _day(request.GET.get("ngay", ""))
    payments = list(day_payments(agency_id=agency.pk, day=day))
    if request.GET.get("dinh-dang") == "csv":
        return _csv(payments, agency=agency, day=day)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "agencies": agencies,
            "agency": agency,
            "day": day,
            "payments": payments,
            "summary": day_summary(payments),
            "refunds": day_refunds(payments, day=day),
            # The form is offered where the dossier core lets the user record it (the receiving
            # desk); the service checks it again. Leaders read only.
            "can_refund": scope.holds(Role.RECEPTIONIST, agency.pk),
            "refund_form": RefundForm(),
        },
    )


def _csv(payments, *, agency, day) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="doi-soat-{agency.code}-{day:%Y%m%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [_("Order reference"), _("Dossier"), _("Payer"), _("Amount (VND)"), _("Status"), _("Method"),
         _("Transaction number"), _("Receipt number"), _("Created at"), _("Paid at"), _("Needs a refund"),
         _("Refunded at"), _("Refund reason"), _("Refund reference")]
    )  # fmt: skip
    for p in payments:
        receipt = getattr(p, "receipt", None)
        writer.writerow(
            csv_cell(value)
            for value in (
                p.txn_ref,
                p.dossier.code,
                receipt.payer_name if receipt else p.dossier.applicant_name,
                p.amount,
                p.get_status_display(),
                p.get_method_display(),
                p.gateway_txn_no or p.reference,
                receipt.number if receipt else "",
                timezone.localtime(p.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                timezone.localtime(p.paid_at).strftime("%Y-%m-%d %H:%M:%S") if p.paid_at else "",
                _("yes") if p.needs_refund else "",
                timezone.localtime(p.refunded_at).strftime("%Y-%m-%d %H:%M:%S") if p.refunded_at else "",
                p.refund_reason,
                p.refund_reference,
            )
        )
    return response


class RefundForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the refund"), max_length=300)
    reference = forms.CharField(label=gettext_lazy("Refund reference"), max_length=60, required=False)


@login_required
@require_POST
def refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    """Record that the agency paid a payment back. The same 404 for a payment outside the user's
    agencies as for a missing one; who may record it is decided by the dossier core's guard."""
    scope = access_scope(request.user)
    payment = (
        Payment.objects.select_related("dossier")
        .filter(pk=payment_id, dossier__agency_id__in=scope.processing_ids)
        .first()
    )
    if payment is None:
        raise Http404
    day = _day(request.POST.get("ngay", ""))
    back = reverse("payments:reconciliation") + "?" + urlencode({"co-quan": payment.dossier.agency_id, "ngay": day})
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the refund."))
        return redirect(back)
    try:
        payment = payment_refund_record(
            payment=payment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            reference=form.cleaned_data["reference"],
        )
    except (TransitionError, PaymentError) as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if payment.status == PaymentStatus.REFUNDED:
        messages.success(request, _("The refund of %(ref)s is recorded.") % {"ref": payment.txn_ref})
    return redirect(back)
