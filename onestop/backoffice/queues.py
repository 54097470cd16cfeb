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
ids, so that PostgreSQL picks the matching composite index of onestop_dossier. The navigation's
counts are one SQL statement (`queue_counts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Procedure, ProcedureStatus, ProcessStep

from ..access import AccessScope, leads_every_open_dossier, overseen_agency_ids
from ..models import Dossier, DossierChannel, DossierStatus, Role
from ..models.dossiers import CurrentStepRole, current_step_role_is  # noqa: F401 — queues' vocabulary
from . import prepared

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


def _due_soon(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = deadline_ids(scope)
    if not ids:
        return None
    horizon, running = due_soon_horizon(now), AFTER_RECEIPT_RUNNING
    # Nothing late yet: a dossier with a passed deadline is in "overdue" only.
    step_not_late = Q(step_due_at__isnull=True) | Q(step_due_at__gte=now)
    due_not_late = Q(due_at__isnull=True) | Q(due_at__gte=now)
    if _everything(scope):  # the same set without the agency lists (each branch an index range)
        return (
            Q(status=S.SUBMITTED, check_due_at__gte=now, check_due_at__lt=horizon)
            | Q(status__in=running, due_at__gte=now, due_at__lt=horizon)
            | (
                Q(step_agency__isnull=False, status__in=running, step_due_at__gte=now, step_due_at__lt=horizon)
                & due_not_late
            )
        )
    return (
        Q(agency_id__in=ids, status=S.SUBMITTED, check_due_at__gte=now, check_due_at__lt=horizon)
        | Q(agency_id__in=ids, status__in=running, due_at__gte=now, due_at__lt=horizon)
        | (Q(step_agency_id__in=ids, status__in=running, step_due_at__gte=now, step_due_at__lt=horizon) & due_not_late)
        | (Q(step_agency_id__in=ids, status__in=running, due_at__gte=now, due_at__lt=horizon) & step_not_late)
    )


def _overdue(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = deadline_ids(scope)
    if not ids:
        return None
    running = AFTER_RECEIPT_RUNNING
    if _everything(scope):  # the same set without the agency lists (each branch an index range)
        return (
            Q(status=S.SUBMITTED, check_due_at__lt=now)
            | Q(status__in=running, due_at__lt=now)
            | Q(step_agency__isnull=False, status__in=running, step_due_at__lt=now)
        )
    return (
        Q(agency_id__in=ids, status=S.SUBMITTED, check_due_at__lt=now)
        | Q(agency_id__in=ids, status__in=running, due_at__lt=now)
        | Q(step_agency_id__in=ids, status__in=running, step_due_at__lt=now)
        | Q(step_agency_id__in=ids, status__in=running, due_at__lt=now)
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


# Received and not finished: the national "đang giải quyết" (statuses 2, 4, 5, 6).
IN_PROGRESS = (S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)


def _in_progress(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = overseen_ids(scope)
    if not ids:
        return None
    if _everything(scope):  # the province's leader: counted from the (status, due_at) index alone
        return Q(status__in=IN_PROGRESS)
    # Two branches (receiving agency, unit of the step), each on its (agency, status, due_at) index.
    return Q(agency_id__in=ids, status__in=IN_PROGRESS) | Q(step_agency_id__in=ids, status__in=IN_PROGRESS)


def start_of_day(now: dt.datetime) -> dt.datetime:
    """Local midnight (Asia/Ho_Chi_Minh) of `now`'s day, aware."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _received_today(scope: AccessScope, now: dt.datetime) -> Q | None:
    ids = overseen_ids(scope)
    if not ids:
        return None
    # A day's receipts are few: the range of the received_at index, then the agencies.
    if not scope.not_led and scope.led:  # the whole tree (received today may be closed already)
        return Q(received_at__gte=start_of_day(now))
    return Q(received_at__gte=start_of_day(now)) & (Q(agency_id__in=ids) | Q(step_agency_id__in=ids))


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
    ),
    Queue("overdue", "qua-han", _("Overdue"), _("A deadline has passed."), "due_at", _overdue, oversight=True),
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


# A table row as plain values (no model instances: a quarter of the page's time at 25 rows): the
# dossier's own columns, and the names of its procedure, agencies and officer (ROW_NAMES).
ROW_COLUMNS = (
    "id", "code", "status", "channel", "applicant_name", "organisation_name", "applicant_phone", "submitted_at",
    "received_at", "check_due_at", "due_at", "step_due_at", "current_step", "agency_id", "step_agency_id",
    "assignee_id",
)  # fmt: skip
ROW_NAMES = {  # row key → (model, column, the dossier's foreign key)
    "procedure_code": (Procedure, "code", "procedure_id"),
    "procedure_name": (Procedure, "name", "procedure_id"),
    "agency_name": (Agency, "name", "agency_id"),
    "step_agency_name": (Agency, "name", "step_agency_id"),
    "assignee_name": (get_user_model(), "full_name", "assignee_id"),
    "assignee_email": (get_user_model(), "email", "assignee_id"),
}
ROW_VALUES = (*ROW_COLUMNS, *ROW_NAMES)


def row_values(ids: Iterable[int]) -> dict[int, dict]:
    """The table rows (ROW_VALUES) of these dossiers, by id, in ONE query: the dossiers by primary
    key, each name a scalar sub-select on a primary key. No joins: with a join per relation,
    PostgreSQL spent ≈ 3 ms planning the join order over onestop_dossier's indexes, more than the
    page's rows took to read (docs/performance.md, "Queue rows: the page's ids first"). On PostgreSQL
    the statement is compiled once (`id = ANY(%s)`: one text whatever the number of ids)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    if connection.vendor != "postgresql":  # SQLite's dates need the ORM's converters
        return {row["id"]: row for row in _row_values_query(ids)}
    global _ROW_VALUES_SQL
    if _ROW_VALUES_SQL is None:
        sql, params = _row_values_query([0]).query.sql_with_params()
        marker = '"onestop_dossier"."id" IN (%s)'
        if params != (0,) or sql.count(marker) != 1:  # the ORM compiled it otherwise: no shortcut
            return {row["id"]: row for row in _row_values_query(ids)}
        _ROW_VALUES_SQL = sql.replace(marker, '"onestop_dossier"."id" = ANY(%s)')
    with connection.cursor() as cursor:
        cursor.execute(_ROW_VALUES_SQL, [ids])
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


_ROW_VALUES_SQL: str | None = None


def _row_values_query(ids: list[int]) -> QuerySet[dict]:
    names = {
        key: Subquery(model.objects.filter(pk=OuterRef(foreign_key)).order_by().values(column))
        for key, (model, column, foreign_key) in ROW_NAMES.items()
    }
    return Dossier.objects.filter(pk__in=ids).order_by().values(*ROW_COLUMNS, **names)


class QueueRows:
    """A queue's dossiers (filtered and ordered) as table rows, for a Paginator: a page is read in two
    steps — the page's ids in the queue's order, a query on the dossier table alone that PostgreSQL
    answers from the queue's indexes, then those rows with their names (`row_values`). Written as
    one query with the joins, PostgreSQL fetched and joined every candidate dossier (420 for the
    receptionist's inbox at 1M) to keep 25.

    `parts` (optional): the same dossiers as one QuerySet per branch of the queue's condition, each in
    the same order (`queue_parts`). On PostgreSQL the page's ids are then the first rows of the UNION
    of each branch's first rows (`page_ids_sql`): each branch is read in the order of its own index
    and stops early, where the OR of the branches made PostgreSQL fetch every candidate from the heap
    and sort them all (the desk's overdue queue: 10 ms → 1.3 ms at 1M dossiers)."""

    ordered = True

    def __init__(self, dossiers: QuerySet[Dossier], *, parts: list[QuerySet[Dossier]] | None = None,
                 deadline: str = "") -> None:  # fmt: skip
        self.dossiers = dossiers
        self.parts = parts if parts and len(parts) > 1 and deadline else None
        self.deadline = deadline

    def count(self) -> int:
        return self.dossiers.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        if not isinstance(window, slice) or window.step is not None or window.stop is None:
            raise TypeError("QueueRows reads pages: slice it [start:stop]")
        start = window.start or 0
        if self.parts is not None and connection.vendor == "postgresql":
            statement = page_ids_sql(self.parts, self.deadline, start, window.stop)
            ids = []
            if statement is not None:
                with connection.cursor() as cursor:
                    cursor.execute(*statement)
                    ids = [row[0] for row in cursor.fetchall()]
        else:
            ids = list(self.dossiers.values_list("pk", flat=True)[start : window.stop])
        found = row_values(ids)
        return [found[pk] for pk in ids if pk in found]  # a dossier deleted in between is left out


def as_rows(dossiers: QuerySet[Dossier], **kwargs) -> QueueRows:
    """A queue's dossiers as the values a table row shows (ROW_VALUES), read a page at a time."""
    return QueueRows(dossiers, **kwargs)


def queue_order(queue: Queue) -> tuple:
    """A queue's default order: its deadline first (none last), then the id."""
    return (F(queue.deadline).asc(nulls_last=True), "pk")


def queue_parts(*, queue: Queue, scope: AccessScope, now: dt.datetime | None = None) -> list[QuerySet[Dossier]]:
    """The queue's dossiers as one QuerySet per OR-ed branch of its condition (`branches`), each in
    the queue's default order: QueueRows reads a page from the first rows of each."""
    condition = queue_condition(queue=queue, scope=scope, now=now)
    if condition is None:
        return []
    return [Dossier.objects.filter(branch).order_by(*queue_order(queue)) for branch in branches(condition)]


def page_ids_sql(parts: list[QuerySet[Dossier]], deadline: str, start: int, stop: int) -> tuple[str, list] | None:
    """(SQL, parameters) of the ids [start:stop] of the union of `parts` in the order (deadline, none
    last; id): the page is among the first `stop` rows of each part, so each part stops there."""
    pieces, params = [], []
    for part in parts:
        try:
            sql, part_params = part.values("id", deadline)[:stop].query.sql_with_params()
        except EmptyResultSet:  # a branch on an empty list of agencies
            continue
        pieces.append(f"({sql})")
        params.extend(part_params)
    if not pieces:
        return None
    union = " UNION ".join(pieces)  # UNION, not ALL: a dossier in two branches is one row
    order = f'page."{deadline}" ASC NULLS LAST, page."id" ASC'
    window = f"LIMIT {int(stop) - int(start)} OFFSET {int(start)}"
    return f"SELECT page.id FROM ({union}) AS page ORDER BY {order} {window}", params  # noqa: S608 — Django's SQL


def branches(condition: Q) -> list[Q]:
    """The OR-ed branches of a queue's condition (one Q for a condition that is not an OR)."""
    if condition.connector != Q.OR or condition.negated or len(condition.children) < 2:
        return [condition]
    return [child if isinstance(child, Q) else Q(child) for child in condition.children]


def _statuses(branch: Q) -> frozenset[str] | None:
    """The statuses a branch is limited to (None: not limited, as far as its own terms say)."""
    if branch.connector != Q.AND or branch.negated:
        return None
    for child in branch.children:
        if isinstance(child, tuple) and child[0] == "status":
            return frozenset([child[1]])
        if isinstance(child, tuple) and child[0] == "status__in":
            return frozenset(child[1])
    return None


def count_sql(condition: Q) -> tuple[str, list]:
    """`SELECT COUNT(*)` of the dossiers matching `condition`, each OR-ed branch on its own index.

    Written as one WHERE … OR …, PostgreSQL ORs bitmaps and must then visit every candidate row in
    the heap (a bitmap scan is never index-only): 2,500 heap pages for the head of unit's "due soon"
    at 1M dossiers (docs/performance.md, issue #17). Branches limited to disjoint statuses (the inbox:
    submitted, or received by post) are counted apart and added up — each an index-only count; others
    may share dossiers (overdue on the appointment and on the step) and are counted as the UNION of
    each branch's ids, each an index-only scan of a partial index that includes the id."""
    parts = []
    for branch in branches(condition):
        try:
            parts.append((branch, Dossier.objects.filter(branch).order_by().values("pk").query.sql_with_params()))
        except EmptyResultSet:  # a branch on an empty list of agencies: nothing to count there
            continue
    if not parts:
        return "SELECT 0", []
    statuses = [_statuses(branch) for branch, _sql in parts]
    disjoint = all(s is not None for s in statuses) and sum(len(s) for s in statuses) == len(
        frozenset().union(*statuses)
    )
    params = [p for _branch, (_sql, query_params) in parts for p in query_params]
    if disjoint:
        counts = [f"(SELECT COUNT(*) FROM ({sql}) AS part)" for _branch, (sql, _params) in parts]  # noqa: S608
        return "SELECT " + " + ".join(counts), params
    union = " UNION ".join(sql for _branch, (sql, _params) in parts)  # no ORDER BY or LIMIT: SQLite takes it too
    return f"SELECT COUNT(*) FROM ({union}) AS found", params  # noqa: S608


# Compiled count statements per scope (the SQL text and where the request's times go in its
# parameters): compiling the queues' conditions through the ORM cost ≈ 3 ms of CPU a page, more than
# the counts themselves. The text depends only on the user's roles; the times are set per request.
_COUNT_STATEMENTS: dict[tuple, tuple[str, list, list[tuple[int, str]], list]] = {}
_COUNT_STATEMENTS_MAX = 2048


def _scope_key(scope: AccessScope) -> tuple:
    """Everything a queue's condition reads of the scope (onestop.access), as a hashable key."""
    return (
        scope.user.pk,
        tuple(sorted((role, tuple(sorted(ids))) for role, ids in scope.roles.items())),
        tuple(sorted(scope.led)),
        tuple(sorted(scope.not_led)),
        leads_every_open_dossier(scope),
    )


def _moments(now: dt.datetime) -> dict[str, dt.datetime]:
    """The times a condition derives from `now`: itself, the due-soon horizon, local midnight."""
    return {"now": now, "horizon": due_soon_horizon(now), "midnight": start_of_day(now)}


def _counts_statement(scope: AccessScope, now: dt.datetime) -> tuple[str, list, list, list]:
    """(SQL, parameters, the slots of the request's times in them, the applicable queues) of
    queue_counts, compiled once per scope."""
    # PostgreSQL only: there the compiled parameters are the datetimes themselves (SQLite's are
    # already strings, which cannot be told apart safely); the embedded SQLite demo compiles each time.
    reuse = connection.vendor == "postgresql"
    key = _scope_key(scope) if reuse else None
    entry = _COUNT_STATEMENTS.get(key) if reuse else None
    if entry is None:
        moments = _moments(now)
        applicable = queues_for(scope=scope, now=now)
        parts: list[str] = []
        params: list = []
        for _queue, condition in applicable:
            sql, query_params = count_sql(condition)
            parts.append(f"({sql})")
            params.extend(query_params)
        by_value = {value: name for name, value in moments.items()}
        slots = [(i, by_value[p]) for i, p in enumerate(params) if isinstance(p, dt.datetime) and p in by_value]
        if not reuse or any(isinstance(p, dt.datetime) and p not in by_value for p in params):
            return "SELECT " + ", ".join(parts), params, [], [queue for queue, _c in applicable]  # not reusable
        entry = ("SELECT " + ", ".join(parts), params, slots, [queue.key for queue, _c in applicable])
        if len(_COUNT_STATEMENTS) >= _COUNT_STATEMENTS_MAX:
            _COUNT_STATEMENTS.clear()
        _COUNT_STATEMENTS[key] = entry
    sql, params, slots, keys = entry
    return sql, params, slots, [QUEUES_BY_KEY[k] for k in keys]


def queue_counts(*, scope: AccessScope, now: dt.datetime | None = None) -> dict[str, int]:
    """The number of dossiers in each applicable queue, in ONE SQL statement.

    One scalar sub-select per queue (`SELECT (SELECT COUNT(*) …), (SELECT COUNT(*) …), …`): each
    counts on its own indexes (`count_sql`). A single scan with conditional aggregates
    (`COUNT(*) FILTER (WHERE …)`) would have to read the union of all queues — every visible dossier
    due or in hand — and was slower at 1M dossiers (docs/performance.md, "Back-office queue"). On
    PostgreSQL a prepared statement per scope and connection (onestop.backoffice.prepared).
    """
    now = now or timezone.now()
    sql, params, slots, applicable = _counts_statement(scope, now)
    if not applicable:
        return {}
    with connection.cursor() as cursor:
        # The fragments are Django-compiled queries with placeholders; the values go as parameters.
        prepared.execute(cursor, sql, params, slots, _moments(now) if slots else {})
        row = cursor.fetchone()
    return {queue.key: int(value) for queue, value in zip(applicable, row, strict=True)}


_ROW_STATEMENTS: dict[tuple, tuple[str, list, list[tuple[int, str]]]] = {}


def first_rows(*, scope: AccessScope, queues: list[Queue], now: dt.datetime, limit: int) -> dict[str, list[dict]]:
    """The first `limit` rows (ROW_VALUES) of each queue — the back office's home.

    On PostgreSQL in two statements: every queue's first ids in one (`SELECT 'inbox', t.id FROM (…
    LIMIT 5) t UNION ALL …`, compiled once per scope like the counts: the ORM compiled seven queries
    a home page, ≈ 7 ms of CPU, issue #17), then their rows (`row_values`); elsewhere the ids one
    query per queue."""
    if connection.vendor != "postgresql" or not queues:
        ids = {q.key: list(queue_dossiers(queue=q, scope=scope, now=now).values_list("pk", flat=True)[:limit])
               for q in queues}  # fmt: skip
    else:
        ids = _first_ids(scope=scope, queues=queues, now=now, limit=limit)
    found = row_values({pk for keys in ids.values() for pk in keys})
    out = {}
    for queue in queues:
        rows = [found[pk] for pk in ids[queue.key] if pk in found]
        # The queue's order (deadline, nulls last, then id), whatever order the statement gave.
        rows.sort(key=lambda row, column=queue.deadline: (row[column] is None, row[column] or now, row["id"]))
        out[queue.key] = rows
    return out


def _first_ids(*, scope: AccessScope, queues: list[Queue], now: dt.datetime, limit: int) -> dict[str, list[int]]:
    key = (_scope_key(scope), tuple(q.key for q in queues), limit)
    moments = _moments(now)
    entry = _ROW_STATEMENTS.get(key)
    if entry is None:
        parts, params = [], []
        for queue in queues:
            branch_parts = queue_parts(queue=queue, scope=scope, now=now)
            if len(branch_parts) > 1:  # each branch on its own index (QueueRows)
                statement = page_ids_sql(branch_parts, queue.deadline, 0, limit)
                if statement is None:
                    continue
                sql, query_params = statement
            else:
                ids = queue_dossiers(queue=queue, scope=scope, now=now).values("id")[:limit]
                sql, query_params = ids.query.sql_with_params()
            parts.append(f"SELECT %s AS queue_key, t.id FROM ({sql}) AS t")  # noqa: S608 — compiled by Django
            params.extend([queue.key, *query_params])
        by_value = {value: name for name, value in moments.items()}
        slots = [(i, by_value[p]) for i, p in enumerate(params) if isinstance(p, dt.datetime) and p in by_value]
        if any(isinstance(p, dt.datetime) and p not in by_value for p in params):  # not reusable
            entry = (" UNION ALL ".join(parts), params, [])
        else:
            entry = (" UNION ALL ".join(parts), params, slots)
            if len(_ROW_STATEMENTS) >= _COUNT_STATEMENTS_MAX:
                _ROW_STATEMENTS.clear()
            _ROW_STATEMENTS[key] = entry
    sql, params, slots = entry
    out: dict[str, list[int]] = {q.key: [] for q in queues}
    if not sql:  # every queue on an empty list of agencies
        return out
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params, slots, moments)
        for queue_key, pk in cursor.fetchall():
            out[queue_key].append(pk)
    return out


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
