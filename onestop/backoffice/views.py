"""Back-office pages (thin: parse, call one service, render): the queues, a dossier and its actions,
the bulk assignment and the counter reception. Staff only (onestop.access.staff_required)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from procedures.models import Agency, Delivery, StepRole

from ..access import (
    AccessScope,
    View,
    access_scope,
    dossier_for,
    may_read_register,
    register_agencies,
    staff_required,
)
from ..models import Dossier, DossierChannel, DossierEvent, DossierStatus, Role, Shipment
from ..statistics.figures import FIGURES_BY_KEY
from ..statistics.selectors import overdue_in_progress
from ..uploads.handlers import limit_uploads
from ..workflow import TransitionError, allowed_actions, dossiers_assign, perform
from ..workflow.closing import RESULT_MAX_BYTES, return_methods
from ..workflow.registry import forms_issued, staff_label
from ..workflow.steps import current_step, steps_of, transfer_targets
from .filters import DossierQueueFilter, select_options
from .forms import ACTION_FORMS, REQUIREMENT_LABELS, RETURN_METHODS, ActionForm, BulkAssignForm
from .oversight import lateness, reasons_for
from .paper import CITIZEN_FORMS, register_url
from .queues import (
    QUEUES,
    QUEUES_BY_KEY,
    QUEUES_BY_SLUG,
    Queue,
    as_rows,
    first_rows,
    overseen_ids,
    queue_counts,
    queue_dossiers,
    queue_parts,
    staff_of_units,
)

PAGE_SIZE = 25
HOME_ROWS = 5
MB = 1024 * 1024
SCAN_MAX_BYTES = 10 * MB
SCANS_MAX_BYTES = 50 * MB

STATUS_LABELS = dict(DossierStatus.choices)
METHOD_LABELS = {
    **dict(RETURN_METHODS),
    "cash": gettext_lazy("cash at the counter"),
    "transfer": gettext_lazy("bank transfer"),
    "vnpay": "VNPay",
}
CHANNEL_LABELS = dict(DossierChannel.choices)
ROLE_LABELS = dict(StepRole.choices)
CLOSED = {DossierStatus.RETURNED, DossierStatus.REJECTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}
# The seven forms of Circular 03/2025/TT-VPCP as the back office names its print links.
FORM_LABELS = {
    "01": gettext_lazy("Form 01 — receipt and appointment"),
    "02": gettext_lazy("Form 02 — request to supplement the dossier"),
    "03": gettext_lazy("Form 03 — refusal to receive the dossier"),
    "04": gettext_lazy("Form 04 — apology and new appointment"),
    "05": gettext_lazy("Form 05 — notice that processing stops"),
    "06": gettext_lazy("Form 06 — control slip of the processing"),
    "07": gettext_lazy("Form 07 — register of dossiers, the day of reception"),
}
# The query parameter that asks the dossier page to offer an event's form for printing at once.
PRINT_PARAM = "in-phieu"
# The action whose form the dossier page renders (the others are folded, their form built on demand).
ACTION_PARAM = "hanh-dong"

# ------------------------------------------------------------------------------ the queues


def _navigation(scope: AccessScope, now, current: Queue | None = None) -> tuple[list[dict], dict[str, int]]:
    counts = queue_counts(scope=scope, now=now)
    nav = [
        {
            "queue": queue,
            "count": counts[queue.key],
            "url": reverse("onestop:queue", args=[queue.slug]),
            "current": current is not None and queue.key == current.key,
        }
        for queue in QUEUES
        if queue.key in counts
    ]
    return nav, counts


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _rows(dossiers, queue: Queue, now, *, reasons: dict[int, str] | None = None) -> list[dict]:
    """Each row as ready-made strings from plain values (queues.as_rows): the table is the page's main
    cost, and model instances, `{% url %}` and date filters cell by cell were most of it. The
    oversight queues add where the dossier sits, how late and why (onestop.backoffice.oversight)."""
    prefix = reverse("onestop:dossier", args=[0])[: -len("0/")]
    rows = []
    dossiers = list(dossiers)
    if reasons is None:
        reasons = reasons_for(d["id"] for d in dossiers) if queue.oversight else {}
    for d in dossiers:
        deadline = d[queue.deadline]
        rows.append(
            {
                "pk": d["id"],
                "code": d["code"],
                "url": f"{prefix}{d['id']}/",
                "pick_label": _("Select dossier %(code)s") % {"code": d["code"]},
                "applicant": d["applicant_name"],
                "organisation": d["organisation_name"],
                "phone": d["applicant_phone"],
                "procedure_code": d["procedure_code"],
                "procedure_name": d["procedure_name"],
                "status": d["status"],
                "status_label": STATUS_LABELS.get(d["status"], d["status"]),
                "channel_label": CHANNEL_LABELS.get(d["channel"], "") if d["channel"] != DossierChannel.ONLINE else "",
                "unit": d["step_agency_name"] or d["agency_name"],
                "step": _("step %(number)s") % {"number": d["current_step"]} if d["current_step"] else "",
                "assignee": (d["assignee_name"] or d["assignee_email"]) if d["assignee_id"] else "",
                "submitted": _when(d["submitted_at"]),
                "deadline": _when(deadline),
                "deadline_iso": deadline.isoformat() if deadline else "",
                "late": deadline is not None and deadline < now,
                "appointment": timezone.localtime(d["due_at"]).strftime("%d/%m/%Y")
                if d["due_at"] and queue.deadline != "due_at"
                else "",
            }
        )
        if queue.oversight:
            late = lateness(d, now)
            rows[-1].update(
                {
                    "agency": d["agency_name"],
                    "step_unit": d["step_agency_name"] if d["step_agency_id"] != d["agency_id"] else "",
                    "lateness": late.text if late else "",
                    "behind": bool(late and late.late),
                    "reason": reasons.get(d["id"], ""),
                    "received": _when(d["received_at"]),
                    "due": _when(d["due_at"]),
                }
            )
    return rows


def _can_assign(scope: AccessScope) -> bool:
    return scope.holds(Role.APPROVER)


def _bulk_assignees(scope: AccessScope):
    return staff_of_units(agency_ids=scope.where(Role.APPROVER), roles=[Role.SPECIALIST, Role.APPROVER])


FIGURES = ("overdue", "due_soon", "in_progress", "received_today")
# On the home the "overdue" queue's figure is named by what it counts (any deadline), apart from the
# statistics' "In progress, past the appointment" shown beside it (docs/domain.md, "Two overdue figures").
FIGURE_LABELS = {"overdue": gettext_lazy("Past any deadline (appointment, step or check)")}


def _figures(scope: AccessScope, nav: list[dict], now) -> dict[str, Any] | None:
    """A leader's or head of unit's figures, each linking to its queue (the counts the navigation
    read: no query), and, for those who read the statistics, the statistics' count of dossiers past
    their appointment now (one query, the statistics' own rule); None for staff who oversee nothing."""
    if not overseen_ids(scope):
        return None
    by_key = {item["queue"].key: item for item in nav}
    items = [
        {
            "key": key,
            "count": by_key[key]["count"],
            "url": by_key[key]["url"],
            "label": FIGURE_LABELS.get(key, by_key[key]["queue"].title),
            "late": key == "overdue",
        }
        for key in FIGURES
        if key in by_key
    ]
    if scope.statistics_ids:
        items.insert(
            0,
            {
                "key": "past_appointment",
                "count": overdue_in_progress(agency_ids=scope.statistics_ids, at=now),
                "url": reverse("onestop:statistics"),
                "label": FIGURES_BY_KEY["open_overdue"].label,
                "late": True,
            },
        )
    return {
        "items": items,
        "two_overdue": bool(scope.statistics_ids) and "overdue" in by_key,
        # A leader only reads (onestop.access): the officers holding the dossiers act on them.
        "read_only": not scope.processing_ids,
    }


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The /mot-cua/ home: each of the user's queues with its first dossiers."""
    scope = access_scope(request.user)
    now = timezone.now()
    nav, _counts = _navigation(scope, now)
    found = first_rows(scope=scope, queues=[item["queue"] for item in nav], now=now, limit=HOME_ROWS)
    first = [(item, found[item["queue"].key]) for item in nav]
    # The reasons of every oversight section's rows in one query.
    reasons = reasons_for({d["id"] for item, rows in first if item["queue"].oversight for d in rows})
    sections = [{**item, "rows": _rows(rows, item["queue"], now, reasons=reasons)} for item, rows in first]
    return {
        "figures": _figures(scope, nav, now),
        "queue_nav": nav,
        "sections": sections,
        "can_register": scope.holds(Role.RECEPTIONIST) or scope.holds(Role.POSTAL_CLERK),
        "is_postal_clerk": scope.holds(Role.POSTAL_CLERK),
        # Form 07: the register view's own rule (onestop.access.may_read_register).
        "register_agencies": register_agencies(scope),
        "register_link": bool(register_agencies(scope)),
        # Leaders (their subtree) and heads of unit (their agencies) read the statistics (onestop.access).
        "may_read_statistics": bool(scope.statistics_ids),
    }


@staff_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    current = QUEUES_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    scope = access_scope(request.user)
    now = timezone.now()
    nav, counts = _navigation(scope, now, current)
    queue_filter = DossierQueueFilter(
        request.GET or None,
        queryset=queue_dossiers(queue=current, scope=scope, now=now),
        scope=scope,
        deadline=current.deadline,
        oversight=current.oversight,
    )
    parts = queue_filter.parts(queue_parts(queue=current, scope=scope, now=now))
    paginator = Paginator(as_rows(queue_filter.qs, parts=parts, deadline=current.deadline), PAGE_SIZE)
    if current.key in counts and not (queue_filter.is_bound and queue_filter.is_filtered):
        paginator.__dict__["count"] = counts[current.key]  # the navigation counted it already
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    bulk = None
    if current.assignable and _can_assign(scope) and page.object_list:
        bulk = {"assignees": list(_bulk_assignees(scope).values_list("pk", "full_name", "email"))}
    return render(
        request,
        "onestop/backoffice/queue.html",
        {
            "queue": current,
            "applies": current.key in counts,
            "queue_nav": nav,
            "filter": queue_filter,
            "selects": select_options(queue_filter),
            "page": page,
            "rows": _rows(page.object_list, current, now),
            "querystring": query.urlencode(),
            "bulk": bulk,
            "register_link": bool(register_agencies(scope)),
        },
    )


@require_POST
@staff_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign ticked dossiers of the pool (only dossiers of the user's pool can be picked)."""
    scope = access_scope(request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
        back = reverse("onestop:queue", args=[QUEUES_BY_KEY["pool"].slug])
    if not _can_assign(scope):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("dossier") if v.isdigit()]
    pool = queue_dossiers(queue=QUEUES_BY_KEY["pool"], scope=scope).filter(pk__in=ids)
    dossiers = list(pool)
    form = BulkAssignForm(request.POST, assignees=_bulk_assignees(scope), dossier_ids=[d.pk for d in dossiers])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        done = dossiers_assign(dossiers=dossiers, actor=request.user, assignee=form.cleaned_data["assignee"])
    except (TransitionError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(count)s dossier(s) assigned to %(name)s.")
            % {"count": done, "name": form.cleaned_data["assignee"].get_full_name()},
        )
    return redirect(back)


# ------------------------------------------------------------------------------- a dossier


DOSSIER_PAGE = Dossier.objects.select_related("procedure", "agency", "step_agency", "assignee")


def _step_unit_id(dossier: Dossier) -> int:
    return dossier.step_agency_id or dossier.agency_id


def _form_for(action: str, dossier: Dossier, data=None, files=None, *, user=None) -> ActionForm:
    form_class = ACTION_FORMS[action]
    extra: dict[str, Any] = {}
    if action == "return_result":
        extra["methods"] = return_methods(dossier=dossier, user=user)
    if action == "assign":
        step = current_step(dossier)
        roles = [step["role"]] if step else [Role.SPECIALIST, Role.APPROVER]
        extra["assignees"] = staff_of_units(agency_ids=[_step_unit_id(dossier)], roles=roles)
    elif action == "transfer":
        extra["agencies"] = Agency.objects.filter(code__in=transfer_targets(dossier)).order_by("name")
    return form_class(data, files, dossier=dossier, **extra)


def _form_links(dossier: Dossier, event: DossierEvent, scope: AccessScope) -> list[dict]:
    """The print links of the forms an event issued (registry.forms_issued), in form order."""
    links = []
    for form in forms_issued(event.action):
        if form == "07":
            if dossier.received_at is None or not may_read_register(scope, dossier.agency_id):
                continue
            url = register_url(dossier.agency, timezone.localdate(dossier.received_at))
        elif form == "06":
            url = reverse("onestop:form_pdf", args=[dossier.pk, form])
        else:
            url = f"{reverse('onestop:form_pdf', args=[dossier.pk, form])}?su-kien={event.pk}"
        links.append({"form": form, "label": FORM_LABELS[form], "url": url, "event": event})
    return links


def _events(dossier: Dossier, scope: AccessScope) -> list[dict]:
    events = []
    for event in dossier.events.select_related("actor").order_by("created_at", "pk"):
        data = event.data or {}
        details = []
        for item in data.get("items", []) or []:
            if isinstance(item, dict):
                name, detail = item.get("name", ""), item.get("detail") or item.get("note") or ""
                if item.get("requirement") in REQUIREMENT_LABELS:
                    name = f"{name} ({REQUIREMENT_LABELS[item['requirement']]})"
                details.append(f"{name} — {detail}" if detail else name)
            else:
                details.append(str(item))
        if data.get("legal_basis"):
            details.append(_("Legal basis: %(basis)s") % {"basis": data["legal_basis"]})
        if data.get("assignee"):
            details.append(_("Assigned to %(name)s") % {"name": data["assignee"]})
        if data.get("from_agency") or data.get("to_agency"):
            details.append(
                _("From %(from)s to %(to)s")
                % {"from": data.get("from_agency") or "—", "to": data.get("to_agency") or "—"}
            )
        if data.get("new_due_at"):
            details.append(_("New appointment: %(date)s") % {"date": _local(data["new_due_at"])})
        if data.get("recipient_name"):
            details.append(
                _("Handed to %(name)s (%(id)s)")
                % {"name": data["recipient_name"], "id": data.get("recipient_id_number")}
            )
        if data.get("method"):
            details.append(_("Method: %(method)s") % {"method": METHOD_LABELS.get(data["method"], data["method"])})
        if data.get("reference"):
            details.append(_("Receipt or transaction number: %(reference)s") % {"reference": data["reference"]})
        if data.get("amount") is not None and event.action in ("request_payment", "confirm_payment"):
            details.append(_("Amount: %(amount)s đồng") % {"amount": f"{data['amount']:,}".replace(",", ".")})
        events.append(
            {
                "event": event,
                "label": staff_label(event.action),
                "actor": (event.actor.get_full_name() or event.actor.email) if event.actor else _("System"),
                "from_status": STATUS_LABELS.get(event.from_status, ""),
                "to_status": STATUS_LABELS.get(event.to_status, event.to_status),
                "details": details,
                "forms": _form_links(dossier, event, scope),
            }
        )
    return events


def _local(iso: str) -> str:
    try:
        from datetime import datetime

        return timezone.localtime(datetime.fromisoformat(iso)).strftime("%H:%M %d/%m/%Y")
    except (TypeError, ValueError):
        return iso


def _steps(dossier: Dossier) -> list[dict]:
    steps = steps_of(dossier)
    names = dict(Agency.objects.filter(code__in={s["agency"] for s in steps}).values_list("code", "name"))
    return [
        {
            "number": number,
            "name": step.get("name", ""),
            "agency": names.get(step["agency"], step["agency"]),
            "role": ROLE_LABELS.get(step.get("role"), step.get("role")),
            "hours": step.get("hours"),
            "current": number == dossier.current_step and dossier.status not in CLOSED,
            "done": bool(dossier.current_step) and number < dossier.current_step,
        }
        for number, step in enumerate(steps, start=1)
    ]


def _due_explanation(dossier: Dossier) -> list[str]:
    """How the appointment was computed (DESIGN §4.3: every computed date explains itself)."""
    if dossier.received_at is None:
        return []
    from ..workcalendar.selectors import due_date_explain
    from ..workflow.clock import processing_time

    time = processing_time(dossier)
    if time is None:
        return []
    amount, unit = time
    if unit not in ("working_days", "working_hours"):
        return [_("%(amount)s calendar days from the receipt.") % {"amount": amount}]
    try:
        explained = due_date_explain(
            received_at=dossier.received_at,
            days=amount if unit == "working_days" else None,
            hours=amount if unit == "working_hours" else None,
            agency=dossier.agency,
            procedure_code=dossier.procedure.code,
            procedure=dossier.procedure,  # select_related (DOSSIER_PAGE): its cut-off without a query
        )
    except ValidationError:
        return []
    lines = explained.lines()
    if dossier.due_at and explained.due_at != dossier.due_at:
        lines.append(
            _(
                "The appointment now differs from this computation: the clock was paused for a supplement "
                "or the date was extended (see the history)."
            )
        )
    return lines


def _shipment_of(dossier: Dossier, user) -> dict | None:
    """The page where the agency's postal clerk records this result's delivery (None for anyone else,
    or while the result has no shipment)."""
    if dossier.delivery_method != "post" or not access_scope(user).holds(Role.POSTAL_CLERK, dossier.agency_id):
        return None
    shipment = Shipment.objects.filter(dossier=dossier).only("pk", "item_number", "state").first()
    if shipment is None:
        return None
    return {"url": reverse("onestop:postal_shipment", args=[shipment.pk]), "item_number": shipment.item_number,
            "state": shipment.get_state_display()}  # fmt: skip


def _render_dossier(request: HttpRequest, dossier: Dossier, bound: ActionForm | None = None) -> HttpResponse:
    from ..fees import dossier_dues
    from ..workflow.fields import display_value

    snapshot = dossier.snapshot or {}
    full = dossier.view >= View.STAFF
    allowed = allowed_actions(dossier=dossier, user=request.user)
    shipment = _shipment_of(dossier, request.user)
    if shipment and "return_result" in allowed and not return_methods(dossier=dossier, user=request.user):
        # By post the return is the delivery recorded on the shipment: no one-click form here.
        allowed = [action for action in allowed if action != "return_result"]
    # Every allowed action is listed; only the form the officer opens is built and rendered (issue #17:
    # all of them cost ~90 template includes a page): the one sent back with errors, or the one asked
    # for by ?hanh-dong= (the link inside each folded action: the no-JavaScript path; static/js/portal.js
    # fetches the same page to unfold an action in place).
    wanted_action = request.GET.get(ACTION_PARAM, "")
    page_url = reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})  # also after a POST with errors
    actions = []
    for action in allowed:
        form = None
        if bound is not None and bound.action == action:
            form = bound
        elif action == wanted_action:
            form = _form_for(action, dossier, user=request.user)
        form_class = ACTION_FORMS[action]
        actions.append(
            {
                "action": action,
                "title": form_class.title,
                "grave": form_class.grave,
                "form": form,
                "url": f"{page_url}?{ACTION_PARAM}={action}#{ACTION_PARAM}-{action}",
            }
        )
    dues = dossier_dues(dossier)
    # A postal clerk sees what delivery needs, not the form, the documents or the history (least
    # access, Decree 13/2023): onestop.access.View.POSTAL.
    answers = (
        [
            (d["label"], display_value(d, (dossier.form_data or {}).get(d["key"])))
            for d in snapshot.get("form_fields", [])
        ]
        if full
        else []
    )
    now = timezone.now()
    scope = access_scope(request.user)
    events = _events(dossier, scope) if full else []
    issued = [link for item in events for link in item["forms"]]
    # Form 06 is one slip for the whole dossier: listed once, under its latest issue.
    issued = [link for link in issued if link["form"] != "06"] + [link for link in issued if link["form"] == "06"][-1:]
    issued.sort(key=lambda link: link["form"])  # in form order; one form's several issues in time order
    wanted = request.GET.get(PRINT_PARAM, "")
    print_now = [link for link in issued if str(link["event"].pk) == wanted and link["form"] in CITIZEN_FORMS]
    satisfaction = None
    if full and dossier.status == DossierStatus.RETURNED:
        from ..satisfaction.forms import AnswerForm
        from ..satisfaction.selectors import evaluation_state

        satisfaction = evaluation_state(dossier=dossier, user=request.user, as_owner=False)
    return render(
        request,
        "onestop/backoffice/dossier.html",
        {
            "dossier": dossier,
            "full": full,
            "actions": actions,
            "documents": list(dossier.documents.select_related("file", "signature").order_by("created_at", "pk"))
            if full
            else [],
            "events": events,
            "issued_forms": issued,
            "print_now": print_now,
            "steps": _steps(dossier),
            "due_lines": _due_explanation(dossier),
            "answers": answers,
            "dues": dues,
            "delivery_label": dict(Delivery.choices).get(dossier.delivery_method, dossier.delivery_method),
            "satisfaction": satisfaction,
            "answer_form": AnswerForm(initial={"reply": satisfaction.evaluation.reply})
            if satisfaction and satisfaction.may_answer
            else None,
            "shipment": shipment,
            "late": {
                name: bool(getattr(dossier, name) and getattr(dossier, name) < now and dossier.is_open)
                for name in ("check_due_at", "step_due_at", "due_at")
            },
        },
    )


@staff_required
def dossier_detail(request: HttpRequest, dossier_id: int | None = None, public_id: uuid.UUID | None = None):
    dossier = dossier_for(user=request.user, pk=dossier_id, public_id=public_id, queryset=DOSSIER_PAGE, request=request)
    if dossier.view == View.OWNER:  # a staff member's own dossier: the citizen's page shows it
        return redirect("portal:dossier", public_id=dossier.public_id)
    return _render_dossier(request, dossier)


@csrf_exempt
@require_POST
@staff_required
def dossier_action(request: HttpRequest, dossier_id: int, action: str) -> HttpResponse:
    """Upload limits go in before anything parses the body (the CSRF check would), so this view is
    exempt and the inner one protected (onestop/uploads/handlers.py)."""
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    limits = None
    if form_class.multipart:
        limits = limit_uploads(request, max_file_bytes=RESULT_MAX_BYTES, max_request_bytes=RESULT_MAX_BYTES)
    return _dossier_action(request, dossier_id, action, limits)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@csrf_protect
def _dossier_action(request: HttpRequest, dossier_id: int, action: str, limits) -> HttpResponse:
    # The action's guard decides (a postal clerk records a delivery on the postal view of a dossier).
    dossier = dossier_for(user=request.user, pk=dossier_id, at_least=View.POSTAL, queryset=DOSSIER_PAGE, record=None)
    if action == "return_result" and not return_methods(dossier=dossier, user=request.user):
        shipment = _shipment_of(dossier, request.user)
        if shipment:  # by post: one way, the delivery recorded on the shipment returns the dossier
            messages.info(request, _("A result by post is returned by recording its delivery on the shipment."))
            return redirect(shipment["url"])
    form = _form_for(action, dossier, request.POST, request.FILES, user=request.user)
    for rejection in limits.rejections if limits else []:
        form.add_error(None, str(rejection))
    if not form.is_valid():
        messages.error(request, _("The action was not done: correct the form below."))
        return _render_dossier(request, dossier, bound=form)
    expected = form.cleaned_data["expected_version"]
    try:
        fresh = perform(action, dossier=dossier, actor=request.user, expected_version=expected, **form.service_kwargs())
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("onestop:dossier", dossier_id=dossier.pk)
    except ValidationError as exc:
        form.add_error(None, _error_text(exc))
        messages.error(request, _error_text(exc))
        return _render_dossier(request, dossier, bound=form)
    messages.success(request, form.done_message)
    # A forward or a transfer may take the dossier out of the user's agencies.
    if access_scope(request.user).view_of(fresh) < View.POSTAL:
        return redirect("onestop:home")
    url = reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})
    if forms_issued(action):  # the form the action issued, offered at once for the applicant
        event = fresh.events.filter(action=action).order_by("-created_at", "-pk").values_list("pk", flat=True).first()
        if event is not None:
            return redirect(f"{url}?{PRINT_PARAM}={event}")
    return redirect(url)


# ---------------------------------------------------------------------------- the counter
