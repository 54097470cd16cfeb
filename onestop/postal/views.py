"""The postal clerk's pages under /mot-cua/buu-chinh/ (DESIGN §4.5).

Who sees which shipment is onestop.postal.selectors (the postal clerk's agencies, the dossier through
onestop.access); every change goes through onestop.postal.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access import View, dossier_for, dossiers_read, staff_required
from ..models import AccessKind, DossierChannel, ShipmentState
from ..workflow import TransitionError
from . import selectors, services, slips
from .forms import OutcomeForm, ScanForm, ShipmentFilterForm

S = ShipmentState
PAGE_SIZE = 50
BATCH_MAX = 1000


def _postal_clerk(request: HttpRequest) -> None:
    if not selectors.postal_agency_ids(user=request.user):
        raise PermissionDenied


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _error_text(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _url_for_pk(name: str):
    """reverse(name, args=[pk]) for many pks at the cost of one reverse()."""
    head, tail = reverse(name, args=[0]).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


@staff_required
def shipment_list(request: HttpRequest) -> HttpResponse:
    _postal_clerk(request)
    form = ShipmentFilterForm(request.GET or None)
    state, q = "", ""
    if form.is_bound and form.is_valid():
        state, q = form.cleaned_data["state"], form.cleaned_data["q"]
    counts = selectors.shipment_counts(user=request.user)
    labels = dict(S.choices)
    if q:  # what was found and how many, in one statement
        found = selectors.shipments_found(
            user=request.user, state=state, q=q, per_page=PAGE_SIZE, number=request.GET.get("page")
        )
        paginator = Paginator(found, PAGE_SIZE)
    else:  # the tabs' counts already say how many rows there are: no COUNT(*)
        paginator = Paginator(selectors.shipments_list(user=request.user, state=state), PAGE_SIZE)
        paginator.count = counts[state] if state else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    # Each row links to its page and its slip: the two URLs reversed once, not twice per row.
    detail, slip_pdf = _url_for_pk("onestop:postal_shipment"), _url_for_pk("onestop:postal_slip")
    shown = selectors.with_dossier_codes(list(page.object_list))
    rows = [(s, detail(s["id"]), slip_pdf(s["id"]), labels[s["state"]]) for s in shown]
    return render(
        request,
        "onestop/postal/list.html",
        {
            "form": form,
            "state": state,
            "q": q,
            "tabs": [(value, label, counts[value]) for value, label in S.choices],
            "total": sum(counts.values()),
            "page": page,
            "rows": rows,
            "scan": ScanForm(),
        },
    )


def _chosen(request: HttpRequest) -> list:
    """The ticked shipments of the user's agencies, in the order of the list (newest first)."""
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()][:BATCH_MAX]
    if not ids:
        return []
    return list(
        selectors.shipments_visible(user=request.user)
        .filter(pk__in=ids)
        .select_related("dossier", "agency", "agency__parent")
        .order_by("-created_at", "-pk")
    )


@staff_required
@require_POST
def slips_batch(request: HttpRequest) -> HttpResponse:
    """Many slips in one PDF (A6 four to a sheet, or A5); the ones still to print become "printed"."""
    _postal_clerk(request)
    shipments = _chosen(request)
    if not shipments:
        messages.error(request, _("Tick the shipments to print first."))
        return redirect("onestop:postal_list")
    layout = request.POST.get("layout", "a6")
    if layout not in slips.LAYOUTS:
        layout = "a6"
    content = slips.slips_pdf(shipments, layout=layout, request=request)
    dossiers_read(user=request.user, dossier_ids=[s.dossier_id for s in shipments], request=request)
    services.shipments_mark_printed(shipments=shipments, actor=request.user)
    return _pdf(content, f"phieu-gui-{len(shipments)}.pdf")


@staff_required
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """One shipment's slip, from its row: like the batch, a shipment still to print becomes "printed"
    (once: opening the slip again changes nothing), and the read is logged."""
    shipment = selectors.shipment_for(user=request.user, pk=pk, request=request, record=AccessKind.FORM)
    layout = request.GET.get("layout", "a6")
    content = slips.slips_pdf([shipment], layout=layout if layout in slips.LAYOUTS else "a6", request=request)
    services.shipments_mark_printed(shipments=[shipment], actor=request.user)
    return _pdf(content, f"phieu-gui-{shipment.item_number}.pdf")


@staff_required
@require_POST
def manifest(request: HttpRequest) -> HttpResponse:
    """Bảng kê bàn giao of the ticked shipments (one agency per manifest)."""
    _postal_clerk(request)
    shipments = _chosen(request)
    if not shipments:
        messages.error(request, _("Tick the shipments to hand over first."))
        return redirect("onestop:postal_list")
    if len({s.agency_id for s in shipments}) > 1:
        messages.error(request, _("A hand-over manifest lists the shipments of one agency: tick one agency's."))
        return redirect("onestop:postal_list")
    dossiers_read(user=request.user, dossier_ids=[s.dossier_id for s in shipments], request=request)
    return _pdf(slips.manifest_pdf(shipments), f"bang-ke-ban-giao-{len(shipments)}.pdf")


@staff_required
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    """A USB scanner types the item number and Enter: one submit per item; or many lines pasted."""
    _postal_clerk(request)
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        results = services.shipments_hand_over(user=request.user, items=form.item_numbers())
        for result in results:
            level = messages.success if result.ok else messages.error
            level(request, f"{result.item_number}: {result.message}")
        if not results:
            messages.error(request, _("Scan or type an item number."))
        return redirect("onestop:postal_scan")
    return render(request, "onestop/postal/scan.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = selectors.shipment_for(
        user=request.user, pk=pk, request=request, record=AccessKind.PAGE if request.method == "GET" else None
    )
    form = OutcomeForm(request.POST or None, allowed=services.NEXT[shipment.state])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.shipment_record(
                shipment=shipment,
                state=data["outcome"],
                actor=request.user,
                at=data["at"],
                note=data["note"],
                delivered_to=data["delivered_to"],
                relation=data["relation"],
            )
        except (TransitionError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Recorded."))
            return redirect("onestop:postal_shipment", pk=shipment.pk)
    return render(
        request,
        "onestop/postal/shipment.html",
        {
            "shipment": shipment,
            "dossier": shipment.dossier,
            "events": shipment.events.select_related("actor").order_by("at", "pk"),
            "form": form,
            "can_record": bool(services.NEXT[shipment.state] - {S.PRINTED}),
        },
    )


@staff_required
def intake_slip(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Phiếu hồ sơ of a dossier received by post (channel 3), for the citizen and the postman to sign."""
    dossier = dossier_for(user=request.user, pk=dossier_id, at_least=View.POSTAL, record=AccessKind.FORM,
                          request=request)  # fmt: skip
    if dossier.channel != DossierChannel.POST or not dossier.code:
        raise Http404
    return _pdf(slips.intake_pdf(dossier, request=request), f"phieu-ho-so-{dossier.code}.pdf")
