"""Back-office pages (thin: parse, call one service, render): the queues, the bulk assignment, a
dossier and its actions (the page itself is built by onestop.backoffice.dossier_page; the counter
reception is in counter_views). Staff only (onestop.access.staff_required)."""

from __future__ import annotations

import uuid
from functools import partial
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

from ..access import AccessScope, View, access_scope, dossier_for, register_agencies, staff_required
from ..models import DossierChannel, Role
from ..statistics.figures import FIGURES_BY_KEY
from ..statistics.selectors import overdue_in_progress
from ..uploads.handlers import limit_uploads
from ..workflow import TransitionError, dossiers_assign, perform
from ..workflow.closing import RESULT_MAX_BYTES, return_methods
from ..workflow.registry import forms_issued
from .dossier_page import DOSSIER_PAGE, PRINT_PARAM, STATUS_LABELS, form_for, render_dossier, shipment_of
from .filters import DossierQueueFilter, assignees, bulk_assignees, select_options
from .forms import ACTION_FORMS, BulkAssignForm
from .oversight import lateness, reasons_for
from .queue_reads import KEPT_COUNTS_SECONDS, first_rows, navigation_counts, rows_for
from .queues import (
    QUEUES,
    QUEUES_BY_KEY,
    QUEUES_BY_SLUG,
    Queue,
    overseen_ids,
    queue_dossiers,
)

PAGE_SIZE = 25
HOME_ROWS = 5
MB = 1024 * 1024
SCAN_MAX_BYTES = 10 * MB
SCANS_MAX_BYTES = 50 * MB

CHANNEL_LABELS = dict(DossierChannel.choices)

# ------------------------------------------------------------------------------ the queues


def _navigation(scope: AccessScope, now, current: Queue | None = None) -> tuple[list[dict], dict[str, int], Any]:
    """The queues' links with their counts, the counts, and when they were counted if they were kept
    (a leader who only reads: queue_reads.navigation_counts), else None."""
    counts, counted_at = navigation_counts(scope=scope, now=now)
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
    return nav, counts, counted_at


def _counts_note(counted_at) -> str:
    """What the navigation says under kept counts (a leader's): when they were counted."""
    if counted_at is None:
        return ""
    return _("Counts as of %(time)s, renewed every %(seconds)s seconds.") % {
        "time": timezone.localtime(counted_at).strftime("%H:%M:%S"),
        "seconds": KEPT_COUNTS_SECONDS,
    }


def _when(value, zone) -> str:
    """The time as 09:30 05/12/2026 in `zone`, the page's time zone read once (timezone.localtime
    looks it up for each value)."""
    if not value:
        return ""
    t = value.astimezone(zone)
    return f"{t.hour:02d}:{t.minute:02d} {t.day:02d}/{t.month:02d}/{t.year}"


def _rows(dossiers, queue: Queue, now, *, reasons: dict[int, str] | None = None) -> list[dict]:
    """Each row as ready-made strings from plain values (queue_reads.as_rows): the table is the page's main
    cost, and model instances, `{% url %}` and date filters cell by cell were most of it. The
    oversight queues add where the dossier sits, how late and why (onestop.backoffice.oversight)."""
    prefix = reverse("onestop:dossier", args=[0])[: -len("0/")]
    rows = []
    dossiers = list(dossiers)
    if reasons is None:
        reasons = reasons_for(d["id"] for d in dossiers) if queue.oversight else {}
    calendars: dict = {}  # the receiving agencies' working calendars, one look-up each (lateness)
    pick, step = _("Select dossier %(code)s"), _("step %(number)s")  # translated once a page
    statuses = {value: str(label) for value, label in STATUS_LABELS.items()}
    channels = {value: str(label) for value, label in CHANNEL_LABELS.items()}
    zone = timezone.get_current_timezone()  # the rows' times converted without a look-up each
    for d in dossiers:
        deadline = d[queue.deadline]
        rows.append(
            {
                "pk": d["id"],
                "code": d["code"],
                "url": f"{prefix}{d['id']}/",
                "pick_label": pick % {"code": d["code"]},
                "applicant": d["applicant_name"],
                "organisation": d["organisation_name"],
                "phone": d["applicant_phone"],
                "procedure_code": d["procedure_code"],
                "procedure_name": d["procedure_name"],
                "status": d["status"],
                "status_label": statuses.get(d["status"], d["status"]),
                "channel_label": channels.get(d["channel"], "") if d["channel"] != DossierChannel.ONLINE else "",
                "unit": d["step_agency_name"] or d["agency_name"],
                "step": step % {"number": d["current_step"]} if d["current_step"] else "",
                "assignee": (d["assignee_name"] or d["assignee_email"]) if d["assignee_id"] else "",
                "submitted": _when(d["submitted_at"], zone),
                "deadline": _when(deadline, zone),
                "deadline_iso": deadline.isoformat() if deadline else "",
                "late": deadline is not None and deadline < now,
                "appointment": _when(d["due_at"], zone)[6:]  # the day
                if d["due_at"] and queue.deadline != "due_at"
                else "",
            }
        )
        if queue.oversight:
            late = lateness(d, now, upcoming=queue.upcoming, calendars=calendars)
            rows[-1].update(
                {
                    "agency": d["agency_name"],
                    "step_unit": d["step_agency_name"] if d["step_agency_id"] != d["agency_id"] else "",
                    "lateness": late.text if late else "",
                    "behind": bool(late and late.late),
                    "reason": reasons.get(d["id"], ""),
                    "received": _when(d["received_at"], zone),
                    "due": _when(d["due_at"], zone),
                }
            )
    return rows


def _can_assign(scope: AccessScope) -> bool:
    return scope.holds(Role.APPROVER)


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
    nav, _counts, counted_at = _navigation(scope, now)
    found = first_rows(scope=scope, queues=[item["queue"] for item in nav], now=now, limit=HOME_ROWS)
    first = [(item, found[item["queue"].key]) for item in nav]
    # The reasons of every oversight section's rows in one query.
    reasons = reasons_for({d["id"] for item, rows in first if item["queue"].oversight for d in rows})
    sections = [{**item, "rows": _rows(rows, item["queue"], now, reasons=reasons)} for item, rows in first]
    return {
        "figures": _figures(scope, nav, now),
        "queue_nav": nav,
        "counts_note": _counts_note(counted_at),
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
    nav, counts, counted_at = _navigation(scope, now, current)
    queue_filter = DossierQueueFilter(
        request.GET or None,
        queryset=partial(queue_dossiers, queue=current, scope=scope, now=now),
        scope=scope,
        deadline=current.deadline,
        oversight=current.oversight,
    )
    rows = rows_for(queue_filter, scope=scope, queue=current, now=now, page=(request.GET.get("page"), PAGE_SIZE))
    unfiltered = not (queue_filter.is_bound and queue_filter.is_filtered)
    paginator = Paginator(rows, PAGE_SIZE)
    if current.key in counts and unfiltered:
        # The navigation counted it already (a reading leader's count may be up to 30 s old: the page
        # says when; queue_reads.navigation_counts).
        paginator.__dict__["count"] = counts[current.key]
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    bulk = None
    if current.assignable and _can_assign(scope) and page.object_list:
        bulk = {"assignees": bulk_assignees(scope)}
    return render(
        request,
        "onestop/backoffice/queue.html",
        {
            "queue": current,
            "applies": current.key in counts,
            "queue_nav": nav,
            "counts_note": _counts_note(counted_at),
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
    form = BulkAssignForm(request.POST, assignees=assignees(scope), dossier_ids=[d.pk for d in dossiers])
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


@staff_required
def dossier_detail(request: HttpRequest, dossier_id: int | None = None, public_id: uuid.UUID | None = None):
    dossier = dossier_for(user=request.user, pk=dossier_id, public_id=public_id, queryset=DOSSIER_PAGE, request=request)
    if dossier.view == View.OWNER:  # a staff member's own dossier: the citizen's page shows it
        return redirect("portal:dossier", public_id=dossier.public_id)
    return render_dossier(request, dossier)


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
        shipment = shipment_of(dossier, request.user)
        if shipment:  # by post: one way, the delivery recorded on the shipment returns the dossier
            messages.info(request, _("A result by post is returned by recording its delivery on the shipment."))
            return redirect(shipment["url"])
    form = form_for(action, dossier, request.POST, request.FILES, user=request.user)
    for rejection in limits.rejections if limits else []:
        form.add_error(None, str(rejection))
    if not form.is_valid():
        messages.error(request, _("The action was not done: correct the form below."))
        return render_dossier(request, dossier, bound=form)
    expected = form.cleaned_data["expected_version"]
    try:
        fresh = perform(action, dossier=dossier, actor=request.user, expected_version=expected, **form.service_kwargs())
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("onestop:dossier", dossier_id=dossier.pk)
    except ValidationError as exc:
        form.add_error(None, _error_text(exc))
        messages.error(request, _error_text(exc))
        return render_dossier(request, dossier, bound=form)
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
