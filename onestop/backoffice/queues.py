"""The back office's work queues (DESIGN §1, §4.1): which dossiers wait for whom, as QuerySet builders.

Visibility is onestop.access's (DESIGN §1): processing staff see dossiers of the agencies where
they hold an active role — as the receiving agency (`agency`) or as the unit of the current step
(`step_agency`); a postal clerk the dossiers that travel by post. Every queue is a subset of that:

========================  =================================================================================
queue                     dossiers
========================  =================================================================================
chờ tiếp nhận (inbox)     status submitted (online dossiers waiting for the check) at an agency where I am
                          receptionist; oldest check deadline first (Decree 118/2025/NĐ-CP practice: within 8
                          working hours)
việc của tôi (mine)       assigned to me, status received or processing
chờ phân công (pool)      nobody assigned, status received or processing, at a unit where I am approver or
                          specialist
chờ phê duyệt (approval)  status processing, at a unit where I am approver, the current step's role is approver,
                          assigned to nobody or to me
sắp đến hạn (due soon)    within the next working day (8 working hours of the default calendar) falls, and
                          has not passed: the check of an online dossier or the appointment (receiving desk);
                          the step's deadline or the appointment, neither passed (unit of the current step)
quá hạn (overdue)         one of those deadlines has passed (submitted: check_due_at; received, processing,
                          awaiting payment: due_at, and step_due_at for the unit of the step)
chờ trả kết quả (return)  status resolved, at an agency where I am receptionist; or postal clerk and the result
                          goes by post
đang giải quyết           received and not finished (received, processing, supplement requested, waiting for
(in progress)             payment), received by or now at an agency I oversee
tiếp nhận hôm nay         received since local midnight, by or now at an agency I oversee
(received today)
========================  =================================================================================

A supplement request pauses the clock (paused_at), so those dossiers are in neither deadline queue.

Oversight (issue #12, "Leaders and unit heads"). A **leader** oversees, read-only, every agency of
their subtree (`AccessScope.led`, the one rule of onestop.access); a **head of unit** (approver) the
units where they approve. The two deadline queues cover those agencies as well as the processing
staff's own, and the last two queues are theirs alone. These four are `oversight` queues: their rows
also say where the dossier sits (receiving agency, unit, officer), how late it is in working time and
the reason recorded (onestop.backoffice.oversight), and they filter by sector and officer too.

Every builder reads the user's roles once (onestop.access.access_scope, one query) and filters with literal agency
ids, so that PostgreSQL picks the matching composite index of onestop_dossier. How the pages read them
fast — the navigation's counts in one statement, a page's ids branch by branch — is
onestop.backoffice.queue_reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Procedure, ProcedureStatus, ProcessStep

from ..access import AccessScope, leads_every_open_dossier, overseen_agency_ids
from ..models import Dossier, DossierChannel, DossierStatus, Role
from ..models.dossiers import CurrentStepRole, current_step_role_is  # noqa: F401 — queues' vocabulary

S = DossierStatus

# Statuses whose deadlines run (the supplement request pauses the clock: DESIGN §4.3).
AFTER_RECEIPT_RUNNING = (S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT)
IN_HAND = (S.RECEIVED, S.PROCESSING)
# One working day (DESIGN §4.3: 1 day = 8 working hours).
DUE_SOON_WORKING_HOURS = Decimal(8)

ROW_RELATIONS = ("procedure", "agency", "step_agency", "assignee")
# What a row shows, and nothing more: the snapshot alone is ≈ 2 KB (TOASTed) per dossier and a
# procedure carries its whole published text. A field missing here costs a query per row: the page
# tests assert a constant number of queries.
ROW_FIELDS = (
    "public_id", "code", "status", "channel", "applicant_name", "organisation_name", "applicant_phone",
    "submitted_at", "received_at", "check_due_at", "due_at", "step_due_at", "current_step", "delivery_method",
    "version", "procedure__code", "procedure__name", "agency__code", "agency__name", "step_agency__code",
    "step_agency__name", "assignee__full_name", "assignee__email",
)  # fmt: skip


# ------------------------------------------------------------------------------------ queues


@dataclass(frozen=True)
class Queue:
    key: str
    slug: str
    title: str | Promise
    description: str | Promise
    # The rows' deadline column, for the default order and the "deadline" column of the table.
    deadline: str
    condition: Callable[[AccessScope, dt.datetime], Q | None]
    # The bulk-assign form is offered on this queue.
    assignable: bool = False
    # Rows say where the dossier sits, how late and why; filters by sector and officer (oversight.py).
    oversight: bool = False
    # A page is read from each OR-ed branch's first rows (queue_reads.QueueRows): the deadline queues,
    # whose branches order by different columns on different indexes (the desk's overdue page 10 →
    # 1.3 ms at 1M). The other queues' single query is as fast or faster (the inbox reads one index).
    by_branch: bool = False
    # Rows tell the time left before the next deadline only (oversight.lateness `upcoming`): "due soon",
    # where a row may be late at another agency's unit, which is not what put it there.
    upcoming: bool = False


def _inbox(scope: AccessScope, now: dt.datetime) -> Q | None:
    desks = scope.where(Role.RECEPTIONIST)
    if not desks:
        return None
    # Only online dossiers are ever "submitted" (a paper dossier is registered straight as received),
    # so no channel condition: the count is then read from the index alone. A parcel registered by
    # the postal clerk waits here too: received, at the desk's first step, taken by nobody yet.
    return Q(agency_id__in=desks, status=S.SUBMITTED) | Q(
        agency_id__in=desks, status=S.RECEIVED, current_step=1, assignee__isnull=True, channel=DossierChannel.POST
    )


def _mine(scope: AccessScope, now: dt.datetime) -> Q | None:
    if not scope.processing_ids:
        return None
    return Q(assignee_id=scope.user.pk, status__in=IN_HAND) & scope.visible()


def _pool(scope: AccessScope, now: dt.datetime) -> Q | None:
    units = scope.where(Role.APPROVER, Role.SPECIALIST)
    if not units:
        return None
    return Q(step_agency_id__in=units, assignee__isnull=True, status__in=IN_HAND)


def _approval(scope: AccessScope, now: dt.datetime) -> Q | None:
    units = scope.where(Role.APPROVER)
    if not units:
        return None
    return (
        Q(step_agency_id__in=units, status=S.PROCESSING)
        & (Q(assignee__isnull=True) | Q(assignee_id=scope.user.pk))
        & Q(current_step_role_is(Role.APPROVER))
    )


def due_soon_horizon(now: dt.datetime) -> dt.datetime:
    """The end of the next working day from `now` (8 working hours of the default calendar)."""
    from ..workcalendar.django_calendar import calendar_for_agency

    return calendar_for_agency(None).due_at(now, hours=DUE_SOON_WORKING_HOURS, cutoff=None).due_at


# The receiving desk answers for the check and the appointment; the unit of the current step for
# its step's deadline and the appointment. One branch per (unit column, deadline column), each with
# its own agency and status conditions, so that PostgreSQL reads each from a composite index and ORs
# the results — not every visible dossier filtered afterwards.


def disjoint(condition: Q) -> Q:
    """Mark an OR whose branches share no dossier: its count may add up each branch's index-only
    count instead of reading the UNION of their ids (queue_reads.count_sql)."""
    condition.branches_disjoint = True
    return condition


def overseen_ids(scope: AccessScope) -> list[int]:
    """The agencies a leader or a head of unit oversees: the leader's subtree, the approver's units
    (the rule is onestop.access's)."""
    return overseen_agency_ids(scope)


def _everything(scope: AccessScope) -> bool:
    """The user's agencies hold every open dossier (a province's leader): the open-status queues may
    leave out the agency lists (onestop.access.leads_every_open_dossier)."""
    return leads_every_open_dossier(scope)


def deadline_ids(scope: AccessScope) -> list[int]:
    """The agencies whose deadlines the user answers for (processing staff) or oversees (leaders)."""
    return sorted(set(scope.processing_ids) | set(scope.led))


def _appointment_running() -> Q:
    """The statuses whose appointment runs (AFTER_RECEIPT_RUNNING), written for the appointment's
    partial indexes (dossier_running_desk_appt, dossier_running_unit_appt), whose condition is
    IN_PROGRESS — the same list with the paused supplement request: as their own list (implied by the
    index, so no other index is needed to prove it) less that one status (a filter on the rows read).
    Written as the three statuses, PostgreSQL proved them by ANDing the bitmap of the whole
    (status, step_due_at) index — 18,000 entries at 1M dossiers, 1.6 ms a branch — whenever it read
    the branches as bitmaps (a searched or filtered deadline queue: the desk's overdue search 3.9 → 1.6
    ms, docs/performance.md, eighth pass)."""
    return Q(status__in=IN_PROGRESS) & ~Q(status=S.SUPPLEMENT_REQUESTED)


def _due_soon(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = deadline_ids(scope)
    if not ids:
        return None
    horizon, running = due_soon_horizon(now), AFTER_RECEIPT_RUNNING
    # Nothing late yet: a dossier with a passed deadline the user answers for is in "overdue" only —
    # the appointment due soon at the desk, but the step late at a unit of the user's: overdue.
    step_not_late = Q(step_due_at__isnull=True) | Q(step_due_at__gte=now)
    due_not_late = Q(due_at__isnull=True) | Q(due_at__gte=now)
    if _everything(scope):
        # The same set without the agency lists (each branch an index range), its branches disjoint
        # (counted as a sum, not a UNION): the step's branch leaves out an appointment due soon too,
        # which the second branch holds already (its step is not late: due at or after now).
        return disjoint(
            Q(status=S.SUBMITTED, check_due_at__gte=now, check_due_at__lt=horizon)
            | (
                Q(status__in=running, due_at__gte=now, due_at__lt=horizon)
                & (step_not_late | Q(step_agency__isnull=True))
            )
            | (
                Q(step_agency__isnull=False, status__in=running, step_due_at__gte=now, step_due_at__lt=horizon)
                & (Q(due_at__isnull=True) | Q(due_at__gte=horizon))
            )
        )
    appointment = _appointment_running()
    return (
        Q(agency_id__in=ids, status=S.SUBMITTED, check_due_at__gte=now, check_due_at__lt=horizon)
        | (
            Q(agency_id__in=ids, due_at__gte=now, due_at__lt=horizon)
            & appointment
            & (step_not_late | ~Q(step_agency_id__in=ids) | Q(step_agency__isnull=True))
        )
        | (Q(step_agency_id__in=ids, status__in=running, step_due_at__gte=now, step_due_at__lt=horizon) & due_not_late)
        | (Q(step_agency_id__in=ids, due_at__gte=now, due_at__lt=horizon) & appointment & step_not_late)
    )


def _overdue(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = deadline_ids(scope)
    if not ids:
        return None
    running = AFTER_RECEIPT_RUNNING
    if _everything(scope):
        # The same set without the agency lists (each branch an index range), its branches disjoint:
        # late on its step and on its appointment, a dossier is counted in the appointment's branch.
        return disjoint(
            Q(status=S.SUBMITTED, check_due_at__lt=now)
            | Q(status__in=running, due_at__lt=now)
            | (
                Q(step_agency__isnull=False, status__in=running, step_due_at__lt=now)
                & (Q(due_at__isnull=True) | Q(due_at__gte=now))
            )
        )
    appointment = _appointment_running()
    return (
        Q(agency_id__in=ids, status=S.SUBMITTED, check_due_at__lt=now)
        | (Q(agency_id__in=ids, due_at__lt=now) & appointment)
        | Q(step_agency_id__in=ids, status__in=running, step_due_at__lt=now)
        | (Q(step_agency_id__in=ids, due_at__lt=now) & appointment)
    )


def _awaiting_payment(scope: AccessScope, now: dt.datetime) -> Q | None:
    """Waiting for the applicant's payment (national 6): the desk that records cash, and the unit
    that asked. The clock keeps running (DESIGN §4.3): these are also in the deadline queues."""
    desks = scope.where(Role.RECEPTIONIST)
    units = scope.where(Role.RECEPTIONIST, Role.SPECIALIST)
    if not desks and not units:
        return None
    return Q(agency_id__in=desks, status=S.AWAITING_PAYMENT) | Q(step_agency_id__in=units, status=S.AWAITING_PAYMENT)


def _to_return(scope: AccessScope, now: dt.datetime) -> Q | None:
    desks = scope.where(Role.RECEPTIONIST)
    # Decision 45/2016/QĐ-TTg: the postal clerk carries the results that go by post.
    post = [a for a in scope.where(Role.POSTAL_CLERK) if a not in desks]
    if not desks and not post:
        return None
    return Q(status=S.RESOLVED) & (Q(agency_id__in=desks) | Q(agency_id__in=post, delivery_method="post"))


# Received and not finished: the national "đang giải quyết" (statuses 2, 4, 5, 6) — the statistics' rule
# (onestop.statistics.selectors, "in progress at an instant"): received, neither resolved nor closed. Not
# a dossier asked to pay before it is received, nor one resolved and waiting for the fee before its
# result is handed over (the leader's home and the statistics count the same dossiers).
IN_PROGRESS = (S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)
RECEIVED_NOT_FINISHED = Q(status__in=IN_PROGRESS, received_at__isnull=False, resolved_at__isnull=True)


def _in_progress(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = overseen_ids(scope)
    if not ids:
        return None
    if _everything(scope):
        # The province's leader: an index-only count of the partial index of dossiers in hand
        # (dossier_in_hand_stock, whose condition names closed_at too; an open status never has it).
        return RECEIVED_NOT_FINISHED & Q(closed_at__isnull=True)
    # Two branches (receiving agency, unit of the step), each on its partial (agency, due_at) index, which
    # carries the dates (without closed_at, so that PostgreSQL does not take the province-wide index).
    return (Q(agency_id__in=ids) & RECEIVED_NOT_FINISHED) | (Q(step_agency_id__in=ids) & RECEIVED_NOT_FINISHED)


def start_of_day(now: dt.datetime) -> dt.datetime:
    """Local midnight (Asia/Ho_Chi_Minh) of `now`'s day, aware."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _received_today(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = overseen_ids(scope)
    if not ids:
        return None
    # A day's receipts are few: the range of the received_at index, then the agencies. Both ends of the
    # range are given: a prepared statement's generic plan (onestop.prepared) then knows it
    # for a narrow range, where `received_at >= $1` alone reads as a third of the table.
    today = Q(received_at__gte=start_of_day(now), received_at__lte=now)
    if not scope.not_led and scope.led:  # the whole tree (received today may be closed already)
        return today
    return today & (Q(agency_id__in=ids) | Q(step_agency_id__in=ids))


QUEUES: tuple[Queue, ...] = (
    Queue(
        "inbox",
        "cho-tiep-nhan",
        _("Waiting for reception"),
        _("Online dossiers to check: receive them, ask for a supplement or refuse them."),
        "check_due_at",
        _inbox,
    ),
    Queue("mine", "viec-cua-toi", _("My work"), _("Dossiers assigned to me."), "step_due_at", _mine),
    Queue(
        "pool",
        "cho-phan-cong",
        _("Waiting for assignment"),
        _("Dossiers of my units that nobody handles yet."),
        "step_due_at",
        _pool,
        assignable=True,
    ),
    Queue(
        "approval",
        "cho-phe-duyet",
        _("Waiting for approval"),
        _("Dossiers at an approval step of a unit I lead."),
        "step_due_at",
        _approval,
    ),
    Queue(
        "due_soon",
        "sap-den-han",
        _("Due soon"),
        _("A deadline falls within the next working day."),
        "due_at",
        _due_soon,
        oversight=True,
        by_branch=True,
        upcoming=True,
    ),
    Queue(
        "overdue",
        "qua-han",
        _("Overdue"),
        _("A deadline has passed."),
        "due_at",
        _overdue,
        oversight=True,
        by_branch=True,
    ),
    Queue(
        "awaiting_payment",
        "cho-thanh-toan",
        _("Waiting for payment"),
        _("The applicant was asked to pay; record a payment made at the counter."),
        "due_at",
        _awaiting_payment,
    ),
    Queue(
        "to_return",
        "cho-tra-ket-qua",
        _("Result to return"),
        _("Results ready to hand over at the counter, online or by post."),
        "due_at",
        _to_return,
    ),
    Queue(
        "in_progress",
        "dang-giai-quyet",
        _("In progress"),
        _("Received and not finished yet, in the agencies you oversee."),
        "due_at",
        _in_progress,
        oversight=True,
    ),
    Queue(
        "received_today",
        "tiep-nhan-hom-nay",
        _("Received today"),
        _("Received since midnight by, or now at, the agencies you oversee."),
        "received_at",
        _received_today,
        oversight=True,
    ),
)
QUEUES_BY_SLUG = {q.slug: q for q in QUEUES}
QUEUES_BY_KEY = {q.key: q for q in QUEUES}


def queue_condition(*, queue: Queue, scope: AccessScope, now: dt.datetime | None = None) -> Q | None:
    """The queue's WHERE clause for this user (None: the queue does not apply to their roles)."""
    return queue.condition(scope, now or timezone.now())


def queues_for(*, scope: AccessScope, now: dt.datetime | None = None) -> list[tuple[Queue, Q]]:
    """The queues that apply to this user's roles, each with its condition, in navigation order."""
    now = now or timezone.now()
    out = []
    for queue in QUEUES:
        condition = queue.condition(scope, now)
        if condition is not None:
            out.append((queue, condition))
    return out


def queue_dossiers(*, queue: Queue, scope: AccessScope, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    """The queue's dossiers in its default order (deadline first), with what a row shows."""
    condition = queue_condition(queue=queue, scope=scope, now=now)
    if condition is None:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(condition).select_related(*ROW_RELATIONS).only(*ROW_FIELDS).order_by(*queue_order(queue))
    )


def queue_order(queue: Queue) -> tuple:
    """A queue's default order: its deadline first (none last), then the id."""
    return (F(queue.deadline).asc(nulls_last=True), "pk")


def queue_parts(*, queue: Queue, scope: AccessScope, now: dt.datetime | None = None) -> list[QuerySet[Dossier]]:
    """The queue's dossiers as one QuerySet per OR-ed branch of its condition (`branches`), each in
    the queue's default order: QueueRows reads a page from the first rows of each. Empty for the
    queues not read by branch (Queue.by_branch)."""
    condition = queue_condition(queue=queue, scope=scope, now=now)
    if condition is None or not queue.by_branch:
        return []
    return [Dossier.objects.filter(branch).order_by(*queue_order(queue)) for branch in branches(condition)]


def branches(condition: Q) -> list[Q]:
    """The OR-ed branches of a queue's condition (one Q for a condition that is not an OR)."""
    if condition.connector != Q.OR or condition.negated or len(condition.children) < 2:
        return [condition]
    return [child if isinstance(child, Q) else Q(child) for child in condition.children]


# ------------------------------------------------------------ reads the pages need besides


def procedures_in_scope(*, scope: AccessScope) -> QuerySet[Procedure]:
    """Procedures whose dossiers the user may meet: received, or with a process step, at one of
    their agencies or the agencies they oversee (the queue pages' procedure filter)."""
    ids = sorted(set(scope.processing_ids) | set(scope.led))
    if not ids:
        return Procedure.objects.none()
    with_steps = ProcessStep.objects.filter(agency_id__in=ids).values("definition__procedure_id")
    return Procedure.objects.filter(Q(receiving_agency_id__in=ids) | Q(pk__in=with_steps)).order_by("name")


def procedures_received_at(*, agency: Agency) -> QuerySet[Procedure]:
    """Published procedures a desk takes in on paper: received by the agency, or whose process has a
    reception step there (a provincial centre receives for the departments)."""
    at_desk = Procedure.objects.filter(process__steps__agency=agency, process__steps__role=Role.RECEPTIONIST).values(
        "pk"
    )
    return (
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
        .filter(Q(receiving_agency=agency) | Q(pk__in=at_desk))
        .order_by("name")
    )


def receiving_agency_ids(*, agency_ids: Iterable[int]) -> set[int]:
    """Which of these agencies take dossiers in (a procedure's receiving agency, or a reception step
    there): their registers (form 07) have lines. One query on the catalogue."""
    ids = list(agency_ids)
    received = (
        Procedure.objects.filter(receiving_agency_id__in=ids).order_by().values_list("receiving_agency_id", flat=True)
    )
    at_steps = (
        ProcessStep.objects.filter(agency_id__in=ids, role=Role.RECEPTIONIST)
        .order_by()
        .values_list("agency_id", flat=True)
    )
    return set(received.union(at_steps))


def staff_of_units(*, agency_ids: Iterable[int], roles: Iterable[str]) -> QuerySet:
    """Active users holding one of `roles` in one of the units (the assignee choices)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__agency_id__in=list(agency_ids),
            staff_roles__role__in=list(roles),
            staff_roles__active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def applicant_by_cccd(*, cccd: str):
    """The account of a walk-in citizen whose CCCD is proven (None otherwise): the desk prefills
    the form from it. A number only typed into a profile finds nothing."""
    digits = "".join(ch for ch in cccd or "" if ch.isdigit())
    if len(digits) != 12:
        return None
    return get_user_model().objects.filter(cccd=digits, cccd_verified_at__isnull=False).first()
