"""The seven forms, rendered on demand from the dossier and the event that issued them.

Forms are never edited after the fact: each reads the data its action recorded in the event
(items and reason of a supplement request, reasons of a refusal, old and new dates of an
extension, the legal basis of a stop), so a reprint is identical to the first print.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode

from procedures.models import Agency

from ..access import View, access_scope, dossier_for, may_read_register, register_agencies, staff_required
from ..documents.render import pdf_response
from ..models import AccessKind, Dossier, DossierEvent
from ..workflow.registry import actions_issuing
from .queues import receiving_agency_ids

# Which events issue which form (01 at reception, 02 supplement, 03 refusal, 04 apology, 05 stop):
# the `form` of each action in the workflow's registry.
FORM_EVENTS = {form: actions_issuing(form) for form in ("01", "02", "03", "04", "05")}
CITIZEN_FORMS = frozenset(FORM_EVENTS)


def _event(dossier: Dossier, form: str, event_id: int | None) -> DossierEvent:
    events = dossier.events.select_related("actor").filter(action__in=FORM_EVENTS[form])
    if event_id is not None:
        events = events.filter(pk=event_id)
    event = events.order_by("-created_at", "-pk").first()
    if event is None:
        raise Http404
    return event


def _documents_checked(dossier: Dossier, event: DossierEvent) -> list[dict] | None:
    codes = event.data.get("checked_documents")
    if codes is None:
        return None
    by_code = {d["code"]: d for d in (dossier.snapshot or {}).get("documents", [])}
    return [
        {"name": by_code[c]["name"], "kind": by_code[c]["kind"], "quantity": by_code[c].get("originals", 1) or 1}
        for c in codes
        if c in by_code
    ]


def render_form(dossier: Dossier, form: str, *, event_id: int | None = None) -> bytes:
    from ..documents import forms

    if form == "06":
        return forms.form06_control_slip_pdf(dossier)
    if form not in FORM_EVENTS:
        raise Http404
    event = _event(dossier, form, event_id)
    actor, data = event.actor, event.data
    if form == "01":
        # The register line (form 07) the dossier was entered on: the same book and number.
        return forms.form01_receipt_pdf(
            dossier,
            received_by=actor,
            documents=_documents_checked(dossier, event),
            register_book=forms.register_book(dossier.received_at),
            register_number=forms.register_number(dossier),
        )
    if form == "02":
        items = [{"name": i.get("name", ""), "requirement": i.get("requirement", ""), "note": i.get("detail", "")}
                 for i in data.get("items", [])]  # fmt: skip
        return forms.form02_supplement_pdf(dossier, items=items, reason=event.note, officer=actor, at=event.created_at)
    if form == "03":
        return forms.form03_refusal_pdf(
            dossier, reasons=data.get("reasons", event.note), officer=actor, at=event.created_at
        )
    # Forms 04 and 05 go out in the name of the agency whose head acted (workflow.steps.issuing_agency):
    # its header, its head's title, the head's name. Events recorded before that kept no issuer.
    issuer = Agency.objects.filter(code=data.get("issuer", "")).first() or dossier.agency
    letter = {"signer": actor, "at": event.created_at, "agency": issuer, "signer_title": forms.head_title(issuer)}
    if form == "04":
        return forms.form04_apology_pdf(
            dossier,
            reason=event.note,
            old_due_at=parse_datetime(data["old_due_at"]),
            new_due_at=parse_datetime(data["new_due_at"]),
            **letter,
        )
    return forms.form05_stop_pdf(dossier, reason=event.note, legal_basis=data.get("legal_basis", ""), **letter)


def _event_id(request: HttpRequest) -> int | None:
    value = request.GET.get("su-kien", "")
    return int(value) if value.isdigit() else None


@staff_required
def staff_form_pdf(request: HttpRequest, dossier_id: int, form: str) -> HttpResponse:
    """Forms 01–06 of a dossier, for staff who see the whole dossier (recorded as a read)."""
    dossier = dossier_for(
        user=request.user, pk=dossier_id, at_least=View.STAFF, record=AccessKind.FORM, request=request
    )
    return pdf_response(render_form(dossier, form, event_id=_event_id(request)), f"mau-{form}-{dossier.code}.pdf")


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    """Form 07, the register of an agency for a date range (PDF, or XLSX with ?dinh-dang=xlsx).

    Without ?co-quan= a page to choose the agency (the officer's own, their receiving desk first),
    the period and the format."""
    from ..documents import forms

    scope = access_scope(request.user)
    code = request.GET.get("co-quan", "")
    today = timezone.localdate()
    date_from = parse_date(request.GET.get("tu", "")) or today.replace(day=1)
    date_to = parse_date(request.GET.get("den", "")) or today
    if not code:
        agencies = register_agencies(scope)
        if not agencies:
            raise Http404
        # The agencies that take dossiers in first: the officer's own desk is the default choice.
        receiving = receiving_agency_ids(agency_ids=[a.pk for a in agencies])
        agencies.sort(key=lambda a: a.pk not in receiving)
        return render(
            request,
            "onestop/backoffice/register.html",
            {"agencies": agencies, "date_from": date_from, "date_to": date_to},
        )
    agency = get_object_or_404(Agency, code=code)
    # The register lists every dossier of the desk: its processing staff and its leaders (one rule,
    # onestop.access.may_read_register, also behind the links to it).
    if not may_read_register(scope, agency.pk):
        raise Http404
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    dossiers = forms.register_dossiers(agency=agency, date_from=date_from, date_to=date_to)
    numbering = {
        "book": forms.register_books(date_from, date_to),
        "first_numbers": forms.register_first_numbers(agency=agency, date_from=date_from),
    }
    name = f"so-theo-doi-{agency.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if request.GET.get("dinh-dang") == "xlsx":
        content = forms.form07_register_xlsx(
            agency=agency, date_from=date_from, date_to=date_to, dossiers=dossiers, **numbering
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    content = forms.form07_register_pdf(
        agency=agency, date_from=date_from, date_to=date_to, dossiers=dossiers, **numbering
    )
    return pdf_response(content, f"{name}.pdf")


def register_url(agency: Agency, day: dt.date | None = None) -> str:
    """The register of `agency` (for one day: the page a dossier was entered on)."""
    query = {"co-quan": agency.code}
    if day is not None:
        query.update({"tu": day.isoformat(), "den": day.isoformat()})
    return f"{reverse('onestop:register')}?{urlencode(query)}"
