"""The agency's payments of one day (đối soát), for its processing staff and its leaders, with a
CSV export. Adapters only: the reads are in payments.selectors."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.access import access_scope
from procedures.models import Agency

from .selectors import day_payments, day_summary

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
         _("Transaction number"), _("Receipt number"), _("Created at"), _("Paid at"), _("Needs a refund")]
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
            )
        )
    return response
