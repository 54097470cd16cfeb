"""Counter reception (channel 1) and dossiers received by post (channel 3): the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from procedures.models import Agency, Procedure
from procedures.search import filter_procedures

from ..access import AccessScope, access_scope, staff_required
from ..models import DossierChannel, Role
from ..uploads.handlers import limit_uploads
from ..workflow import TransitionError, dossier_register
from .dossier_page import PRINT_PARAM
from .forms import CounterRegisterForm, CounterStartForm
from .queues import applicant_by_cccd, procedures_received_at
from .views import SCAN_MAX_BYTES, SCANS_MAX_BYTES, _error_text


def _desks(scope: AccessScope) -> tuple[list[Agency], list[int]]:
    """The agencies where the user registers paper dossiers, and the channels they may use."""
    desk_ids = scope.where(Role.RECEPTIONIST, Role.POSTAL_CLERK)
    channels = []
    if scope.holds(Role.RECEPTIONIST):
        channels.append(DossierChannel.COUNTER.value)
    if scope.holds(Role.POSTAL_CLERK):
        channels.append(DossierChannel.POST.value)
    return sorted((scope.agencies[i] for i in desk_ids), key=lambda a: a.name), channels


# How many procedures the search lists at once (a desk may receive hundreds).
SEARCH_RESULTS = 20


def _chosen_desk(agencies: list[Agency], data) -> Agency:
    """The desk named in the query string, if it is one of the user's; else their first."""
    by_pk = {str(a.pk): a for a in agencies}
    return by_pk.get(str(data.get("agency", "")), agencies[0])


def _procedure_search(agency: Agency, query: str) -> tuple[list[Procedure], bool]:
    """The desk's own procedures whose name or code contains every word typed (the catalogue's
    accent-insensitive search), the first SEARCH_RESULTS by name, and whether there are more."""
    found = list(
        filter_procedures(procedures_received_at(agency=agency), query).only("pk", "code", "name")[: SEARCH_RESULTS + 1]
    )
    return found[:SEARCH_RESULTS], len(found) > SEARCH_RESULTS


def _counter_choice(scope: AccessScope, data) -> tuple[Agency, int, Procedure] | None:
    """The agency, channel and procedure named in `data`, if the user may register them there."""
    try:
        agency = scope.agencies[int(data.get("agency"))]
        channel = int(data.get("channel"))
    except (KeyError, TypeError, ValueError):
        return None
    role = Role.POSTAL_CLERK if channel == DossierChannel.POST else Role.RECEPTIONIST
    if channel not in (DossierChannel.COUNTER, DossierChannel.POST) or agency.pk not in scope.where(role):
        return None
    procedure = procedures_received_at(agency=agency).filter(code=data.get("procedure", "")).first()
    if procedure is None:
        return None
    return agency, channel, procedure


@csrf_exempt
@staff_required
def counter(request: HttpRequest) -> HttpResponse:
    """Counter reception (channel 1) and dossiers received by post (channel 3)."""
    scope = access_scope(request.user)
    agencies, channels = _desks(scope)
    if not agencies:
        raise PermissionDenied
    if request.method == "POST":
        limits = limit_uploads(request, max_file_bytes=SCAN_MAX_BYTES, max_request_bytes=SCANS_MAX_BYTES)
        return _counter_register(request, scope, limits)
    return _counter_page(request, scope, agencies, channels)


def _counter_page(request, scope, agencies, channels, register_form=None, choice=None) -> HttpResponse:
    data = request.GET
    # "Tìm thủ tục" only searches; "continue" checks the whole step.
    searching = "tim" in data or "cccd" not in data
    start = CounterStartForm(
        None if searching else data,
        agencies=agencies,
        channels=channels,
        initial={
            "agency": _chosen_desk(agencies, data).pk,
            "channel": data.get("channel") or channels[0],
            "q": data.get("q", ""),
            "cccd": data.get("cccd", ""),
        },
    )
    desk = choice[0] if choice else _chosen_desk(agencies, data)
    query = data.get("q", "").strip()[:100]
    results, more = _procedure_search(desk, query)
    applicant = None
    if register_form is None and start.is_bound and start.is_valid():
        choice = _counter_choice(scope, start.cleaned_data)
        if choice is None:
            start.add_error("procedure", _("This desk does not receive this procedure on paper."))
        else:
            _agency, _channel, procedure = choice
            # The desk checks the card in front of it; a postal clerk registering a parcel looks
            # nobody up (least access: no name, phone or address from a number).
            applicant = (
                applicant_by_cccd(cccd=start.cleaned_data["cccd"]) if _channel == DossierChannel.COUNTER else None
            )
            initial = {
                "agency": _agency.pk,
                "channel": _channel,
                "procedure": procedure.code,
                "cccd": start.cleaned_data["cccd"],
            }
            if applicant is not None:
                initial.update(
                    {"full_name": applicant.full_name, "phone": applicant.phone or "", "address": applicant.address}
                )
            register_form = _register_form(procedure, _channel, None, initial=initial)
    return render(
        request,
        "onestop/backoffice/counter.html",
        {
            "start": start,
            "form": register_form,
            "choice": choice,
            "applicant": applicant,
            "looked_up": register_form is not None and not register_form.is_bound,
            "desk": desk,
            "query": query,
            "results": results,
            "more_results": more,
            "picked": data.get("procedure", ""),
        },
    )


def _register_form(procedure: Procedure, channel: int, data, files=None, initial=None) -> CounterRegisterForm:
    return CounterRegisterForm(
        data,
        files,
        documents=list(procedure.documents.order_by("order", "pk")),
        delivery_methods=list(procedure.delivery_methods),
        channel=channel,
        initial=initial,
    )


@csrf_protect
def _counter_register(request: HttpRequest, scope: AccessScope, limits) -> HttpResponse:
    choice = _counter_choice(scope, request.POST)
    if choice is None:
        messages.error(request, _("Choose the desk and a procedure it receives."))
        return redirect("onestop:counter")
    agency, channel, procedure = choice
    form = _register_form(procedure, channel, request.POST, request.FILES)
    for rejection in limits.rejections:
        form.add_error(None, str(rejection))
    if form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_register(
                actor=request.user,
                agency=agency,
                procedure=procedure,
                applicant={
                    "cccd": data["cccd"],
                    "full_name": data["full_name"],
                    "phone": data["phone"],
                    "address": data["address"],
                },
                checked_documents=data["documents"],
                scans=form.scans(),
                delivery_method=data["delivery_method"],
                channel=channel,
                delivery_address=data["delivery_address"],
                delivery_phone=data["delivery_phone"],
                delivery_province_code=data["delivery_province_code"],
                delivery_ward_code=data["delivery_ward_code"],
                pickup_address=data["pickup_address"],
                collected_at=data["collected_at"],
            )
        except (TransitionError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            if channel == DossierChannel.POST:
                messages.success(
                    request,
                    _(
                        "Dossier %(code)s registered; the one-stop desk receives it and issues the receipt (form 01). "
                        "Print the postal dossier slip for the applicant and the postman to sign."
                    )
                    % {"code": dossier.code},
                )
            else:
                messages.success(
                    request,
                    _("Dossier %(code)s registered. Print the receipt (form 01) for the applicant.")
                    % {"code": dossier.code},
                )
            # The receipt (form 01) offered at once, as after any action that issues a form.
            event = dossier.events.filter(action="register").order_by("-pk").values_list("pk", flat=True).first()
            url = reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})
            return redirect(f"{url}?{PRINT_PARAM}={event}" if event else url)
    agencies, channels = _desks(scope)
    return _counter_page(request, scope, agencies, channels, register_form=form, choice=choice)
