"""The counting (issue 12, DESIGN §2): set-based SQL over indexed columns of dossiers and events.

Every figure is an aggregate computed by the database (GROUP BY receiving agency, procedure and
channel, and the Vietnam date when the roll-up asks for days); Python only merges the few aggregate
rows. Nothing reads `DossierEvent.data` (JSON): the events' `action`, `created_at`, `step` and `unit`
columns and the dossiers' `received_at`, `resolved_at`, `closed_at`, `due_at`, `paused_at`,
`supplement_requests` columns carry what the national rules need.

The rules (REFERENCE.md "National statistics rules"; Decree 118/2025/NĐ-CP, Circular 01/2018/TT-VPCP
as carried into Circular 03/2025/TT-VPCP; indicator groups of Decision 766/QĐ-TTg of 2022):

* **received** on the day of `received_at` (the receipt, form 01), by channel (KenhThucHien 1/2/3);
* **resolved** on the day of `resolved_at` (national 9): *late* if `resolved_at > due_at`, or if the
  dossier had more than one supplement request whatever the dates (the national rule); otherwise
  *early* when resolved on a day before the due date's day, else *on time*. `due_at` already excludes
  the citizen's supplement time (the clock pauses and resumes, onestop.workflow.clock) and carries an
  extension's new date (form 04);
* **withdrawn / refused / stopped** on the day of `closed_at` with that status;
* **supplement requests / extensions**: the events `request_supplement` / `extend` of the day;
* **in progress at an instant T**: received before T and neither resolved nor closed before T;
  *overdue* if its due date is before T, unless its clock was paused for a supplement at T;
* **digitised**: a received dossier with its documents as files; a resolved one with an e-result.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from procedures.models import OnlineLevel, Procedure, ProcedureStatus

from ..models import (
    FLOW_FIELDS,
    IN_PROGRESS_STATUSES,
    DocumentRole,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    StatisticsDay,
    StatisticsMonth,
    StatisticsOpenDay,
)
from .periods import VN_TZ, add_months, instant

# A flow key: (agency_id, procedure_id, channel), with the Vietnam date first when by day.
FlowKey = tuple
# A stock key: (agency_id, unit_id, procedure_id, channel).
StockKey = tuple[int, int, int, int]

IN_HAND = tuple(str(s) for s in IN_PROGRESS_STATUSES)
CLOSING = {DossierStatus.WITHDRAWN: "withdrawn", DossierStatus.REJECTED: "refused", DossierStatus.STOPPED: "stopped"}
EVENT_COUNTERS = {"request_supplement": "supplement_requests", "extend": "extensions"}


def _keys(by_day: bool, day_field: str | None) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if by_day:
        keys["d"] = TruncDate(day_field, tzinfo=VN_TZ)
    return keys


def _scoped(queryset, agency_ids: Iterable[int] | None, field: str = "agency_id"):
    return queryset if agency_ids is None else queryset.filter(**{f"{field}__in": sorted(agency_ids)})


def _collect(out: dict, rows, by_day: bool, fields: Iterable[str]) -> None:
    for row in rows:
        key = (row["d"], row["a"], row["p"], row["c"]) if by_day else (row["a"], row["p"], row["c"])
        counters = out.setdefault(key, Counter())
        for name in fields:
            if row[name]:
                counters[name] += row[name]


def _flow_queries(
    *, agency_ids: Iterable[int] | None, start: dt.datetime, end: dt.datetime, by_day: bool
) -> list[tuple[Any, tuple[str, ...]]]:
    """The four grouped queries of the flows of [start, end) per (agency, procedure, channel) — per
    day first when `by_day` —, each on an index (received_at, resolved_at, closed_at, (action,
    created_at)), with the counters each one gives."""
    agency_ids = None if agency_ids is None else list(agency_ids)
    out: list[tuple[Any, tuple[str, ...]]] = []
    ids = {"a": F("agency_id"), "p": F("procedure_id"), "c": F("channel")}

    # Received (form 01), and whether the documents came as files (digitised).
    received = _scoped(Dossier.objects.filter(received_at__gte=start, received_at__lt=end), agency_ids)
    rows = (
        received.annotate(
            has_files=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), role=DocumentRole.SUBMITTED))
        )
        .values(**_keys(by_day, "received_at"), **ids)
        .annotate(received=Count("pk"), digitised=Count("pk", filter=Q(has_files=True)))
        .order_by()
    )
    out.append((rows, ("received", "digitised")))

    # Resolved (national 9) before, on or after the due date; more than one supplement request is late.
    in_time = (Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at"))) & Q(supplement_requests__lte=1)
    late = Q(resolved_at__gt=F("due_at")) | Q(supplement_requests__gt=1)
    early_day = Q(due_day__isnull=False) & Q(resolved_day__lt=F("due_day"))
    resolved = _scoped(Dossier.objects.filter(resolved_at__gte=start, resolved_at__lt=end), agency_ids)
    rows = (
        resolved.annotate(
            resolved_day=TruncDate("resolved_at", tzinfo=VN_TZ),
            due_day=TruncDate("due_at", tzinfo=VN_TZ),
            has_result=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), role=DocumentRole.RESULT)),
        )
        .values(**_keys(by_day, "resolved_at"), **ids)
        .annotate(
            resolved_early=Count("pk", filter=in_time & early_day),
            resolved_on_time=Count("pk", filter=in_time & ~early_day),
            resolved_late=Count("pk", filter=late),
            late_by_supplement=Count(
                "pk",
                filter=Q(supplement_requests__gt=1) & (Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at"))),
            ),
            results_digitised=Count("pk", filter=Q(has_result=True)),
        )
        .order_by()
    )
    out.append((rows, ("resolved_early", "resolved_on_time", "resolved_late", "late_by_supplement",
                       "results_digitised")))  # fmt: skip

    # Withdrawn, refused (form 03), stopped (form 05).
    closed = _scoped(
        Dossier.objects.filter(closed_at__gte=start, closed_at__lt=end, status__in=list(CLOSING)), agency_ids
    )
    rows = (
        closed.values(**_keys(by_day, "closed_at"), **ids)
        .annotate(**{name: Count("pk", filter=Q(status=status)) for status, name in CLOSING.items()})
        .order_by()
    )
    out.append((rows, tuple(CLOSING.values())))

    # Supplement requests (form 02) and extensions with apology (form 04): the events' action column.
    events = _scoped(
        DossierEvent.objects.filter(action__in=list(EVENT_COUNTERS), created_at__gte=start, created_at__lt=end),
        agency_ids,
        "dossier__agency_id",
    )
    rows = (
        events.values(
            **_keys(by_day, "created_at"),
            a=F("dossier__agency_id"),
            p=F("dossier__procedure_id"),
            c=F("dossier__channel"),
        )
        .annotate(**{name: Count("pk", filter=Q(action=action)) for action, name in EVENT_COUNTERS.items()})
        .order_by()
    )
    out.append((rows, tuple(EVENT_COUNTERS.values())))
    return out


def flows(
    *, agency_ids: Iterable[int] | None, start: dt.datetime, end: dt.datetime, by_day: bool = False
) -> dict[FlowKey, Counter]:
    """The flow counters of [start, end) per (agency, procedure, channel) — per day first when
    `by_day` — computed from the dossiers and events: four grouped queries (`_flow_queries`)."""
    out: dict[FlowKey, Counter] = {}
    for rows, fields in _flow_queries(agency_ids=agency_ids, start=start, end=end, by_day=by_day):
        _collect(out, rows, by_day, fields)
    return out


def flows_into_rollup(*, start: dt.datetime, end: dt.datetime) -> None:
    """Store the flow counters of each day of [start, end) (StatisticsDay) set-based: the same four
    grouped queries (`_flow_queries`, by day) each as an INSERT … SELECT that adds its counters to
    the day's row (ON CONFLICT on the day, agency, procedure and channel). The caller has deleted the
    range's rows."""
    q = connection.ops.quote_name
    table = q(StatisticsDay._meta.db_table)
    keys = ("day", "agency_id", "procedure_id", "channel")
    for rows, fields in _flow_queries(agency_ids=None, start=start, end=end, by_day=True):
        sql, params = rows.query.sql_with_params()
        columns = ", ".join(q(c) for c in (*keys, *fields))
        chosen = ", ".join(f"r.{q(c)}" for c in ("d", "a", "p", "c", *fields))
        updates = ", ".join(f"{q(f)} = EXCLUDED.{q(f)}" for f in fields)
        others = [f for f in FLOW_FIELDS if f not in fields]
        insert = (
            f"INSERT INTO {table} ({columns}{''.join(', ' + q(f) for f in others)}) "  # noqa: S608 — compiled by Django
            f"SELECT {chosen}{', 0' * len(others)} FROM ({sql}) r WHERE true "
            f"ON CONFLICT ({', '.join(q(c) for c in keys)}) DO UPDATE SET {updates}"
        )
        with connection.cursor() as cursor:
            cursor.execute(insert, params)


# Overdue at `at`: the appointment passed, and the clock not paused for a supplement at `at`.
OVERDUE = "d.due_at < {at} AND (d.paused_at IS NULL OR d.paused_at > {at})"


def _stock_sql(at: str, at_params: list, agency_ids: list[int] | None) -> tuple[str, list, list[tuple[str, list]]]:
    """The rule of the stock, written once for the live count (`stock`: `at` a placeholder, its value
    in `at_params`) and the roll-up (`stock_into_rollup`: `at` a column of the days, no parameter),
    for `onestop_dossier d`: (the counters' SQL and parameters, disjoint conditions with their
    parameters whose union is the dossiers in progress at `at`).

    In progress at the instant `at`: received before it, neither resolved nor closed before it —
    either still in hand (open status, neither date set: the partial index dossier_in_hand_stock
    holds them with every column the stock reads), or resolved after `at` (and not closed before
    it), or closed after `at` without a resolution (the resolved_at and closed_at indexes). Overdue
    if the due date is before `at`, unless the clock was paused for a supplement at `at`. Grouped per
    (agency, unit holding it now, procedure, channel)."""
    statuses = ", ".join(["%s"] * len(IN_HAND))
    agencies, agency_params = "", []
    if agency_ids is not None:
        # A filter, not an index condition ("+ 0"): each part's own index range is narrow, and
        # PostgreSQL would otherwise AND it with the agency index's million entries for a province.
        agencies = f" AND d.agency_id + 0 IN ({', '.join(['%s'] * len(agency_ids)) or 'NULL'})"
        agency_params = list(agency_ids)
    parts = [
        (
            f"d.status IN ({statuses}) AND d.resolved_at IS NULL AND d.closed_at IS NULL AND d.received_at < {at}",
            [*IN_HAND, *at_params],
        ),
        # The other two read one date's range only: "not closed before" as a COALESCE and "not
        # resolved" as a CASE, which PostgreSQL does not AND with the index's tens of thousands of NULLs.
        (
            f"d.resolved_at >= {at} AND COALESCE(d.closed_at, d.resolved_at) >= {at} AND d.received_at < {at}",
            at_params * 3,
        ),
        (
            f"d.closed_at >= {at} AND (CASE WHEN d.resolved_at IS NULL THEN 1 ELSE 0 END) = 1 AND d.received_at < {at}",
            at_params * 2,
        ),
    ]
    columns = (
        "d.agency_id, COALESCE(d.step_agency_id, d.agency_id), d.procedure_id, d.channel, COUNT(*), "
        f"COUNT(CASE WHEN {OVERDUE.format(at=at)} THEN 1 END)"
    )
    return columns, at_params * 2, [(sql + agencies, [*params, *agency_params]) for sql, params in parts]


STOCK_GROUP = "d.agency_id, COALESCE(d.step_agency_id, d.agency_id), d.procedure_id, d.channel"


def _live(parts: list[tuple[str, list]], at: dt.datetime) -> list[tuple[str, list]]:
    """The stock's parts worth reading at `at`: at the present moment (or later) nothing has been
    resolved or closed after it, so only the dossiers in hand count — the other two parts would
    read today's resolutions and closures from the heap to keep none (7 of the leader's home's
    9 ms at 1M dossiers, docs/performance.md)."""
    return parts[:1] if at >= timezone.now() - dt.timedelta(seconds=1) else parts


def stock(*, agency_ids: Iterable[int] | None, at: dt.datetime) -> dict[StockKey, Counter]:
    """The dossiers in progress at the instant `at`, and the overdue among them, per (agency, unit
    holding it now, procedure, channel). One query (the rule: `_stock_sql`): the union of its
    disjoint parts, each read from its own index, then grouped."""
    ids = None if agency_ids is None else sorted(agency_ids)
    value = connection.ops.adapt_datetimefield_value(at)
    columns, column_params, parts = _stock_sql("%s", [value], ids)
    parts = _live(parts, at)
    table = connection.ops.quote_name(Dossier._meta.db_table)
    read = "d.agency_id, d.step_agency_id, d.procedure_id, d.channel, d.due_at, d.paused_at"
    union = " UNION ALL ".join(
        f"SELECT {read} FROM {table} d WHERE {where}"  # noqa: S608 — values as parameters
        for where, _params in parts
    )
    sql = f"SELECT {columns} FROM ({union}) d GROUP BY {STOCK_GROUP}"  # noqa: S608 — values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *(p for _where, params in parts for p in params)])
        rows = cursor.fetchall()
    return {(a, u, p, c): Counter(open=o, overdue=d) for a, u, p, c, o, d in rows}


def overdue_in_progress(*, agency_ids: Iterable[int], at: dt.datetime) -> int:
    """How many dossiers of these receiving agencies are in progress and past their appointment at
    `at` — the statistics' "In progress, past the appointment" (`open_overdue`), the same rule
    (`_stock_sql`), counted alone for the leaders' home. One query."""
    value = connection.ops.adapt_datetimefield_value(at)
    _columns, _params, parts = _stock_sql("%s", [value], sorted(agency_ids))
    parts = _live(parts, at)
    table = connection.ops.quote_name(Dossier._meta.db_table)
    overdue = OVERDUE.format(at="%s")
    counts = [f"(SELECT COUNT(*) FROM {table} d WHERE {where} AND {overdue})" for where, _params in parts]  # noqa: S608
    sql = "SELECT " + " + ".join(counts)
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _where, params in parts for p in (*params, value, value)])
        return cursor.fetchone()[0]


def stock_into_rollup(*, first: dt.date, end: dt.date) -> int:
    """Store the stock at the end of each day of [first, end) (StatisticsOpenDay) set-based: one
    INSERT … SELECT for the whole range — the days as a list of (day, first moment of the next day),
    the dossiers in progress at the end of some day of the range joined to the days whose end they
    span, grouped. Returns the number of rows stored."""
    days = []
    day = first
    while day < end:
        days.append((day, instant(day + dt.timedelta(days=1))))
        day += dt.timedelta(days=1)
    if not days:
        return 0
    ops = connection.ops
    q = ops.quote_name
    columns, column_params, parts = _stock_sql("s.at", [], None)
    values = ", ".join(["(%s, %s)"] * len(days))
    day_params = [v for d, a in days for v in (ops.adapt_datefield_value(d), ops.adapt_datetimefield_value(a))]
    first_at, last_at = ops.adapt_datetimefield_value(days[0][1]), ops.adapt_datetimefield_value(days[-1][1])
    statuses = ", ".join(["%s"] * len(IN_HAND))
    sql = f"""WITH s(day, at) AS (VALUES {values}),
candidates AS (
    SELECT * FROM {q(Dossier._meta.db_table)}
     WHERE received_at < %s
       AND ((status IN ({statuses}) AND resolved_at IS NULL AND closed_at IS NULL)
            OR resolved_at >= %s OR closed_at >= %s)
)
INSERT INTO {q(StatisticsOpenDay._meta.db_table)} (day, agency_id, unit_id, procedure_id, channel, {q("open")}, overdue)
SELECT s.day, {columns}
  FROM s JOIN candidates d ON {" OR ".join(f"({where})" for where, _params in parts)}
 GROUP BY s.day, {STOCK_GROUP}"""  # noqa: S608 — names from the models' metadata, values as parameters
    params = [*day_params, last_at, *IN_HAND, first_at, first_at, *column_params]
    params += [p for _where, part_params in parts for p in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# ---------------------------------------------------------------------------------- the roll-up


GROUPS = {
    None: {"a": F("agency_id"), "p": F("procedure_id"), "c": F("channel")},
    "agency": {"a": F("agency_id"), "c": F("channel")},
    "procedure": {"p": F("procedure_id"), "c": F("channel")},
}


def rollup_flows(
    *, agency_ids: Iterable[int], first: dt.date, end: dt.date, by: str | None = None
) -> dict[FlowKey, Counter]:
    """The stored counters of the whole days [first, end), summed by the database per (agency,
    procedure, channel), or per (agency, channel) / (procedure, channel) with `by`. Whole months come
    from the month table (twelve rows a year per agency, procedure and channel), the days of a month
    cut by the range from the day table: two queries at most."""
    keys = GROUPS[by]
    ids = sorted(agency_ids)
    whole_first = first if first.day == 1 else add_months(first, 1)
    whole_end = end.replace(day=1)
    sources = []
    if whole_first < whole_end:
        sources.append(StatisticsMonth.objects.filter(agency_id__in=ids, month__gte=whole_first, month__lt=whole_end))
        days = Q(day__gte=first, day__lt=whole_first) | Q(day__gte=whole_end, day__lt=end)
    else:
        days = Q(day__gte=first, day__lt=end)
    sources.append(StatisticsDay.objects.filter(days, agency_id__in=ids))
    width = len(keys)
    out: dict[FlowKey, Counter] = {}
    for source in sources:
        rows = (
            source.values(**keys)
            .annotate(**{name: Sum(name) for name in FLOW_FIELDS})
            .order_by()
            .values_list(*keys, *FLOW_FIELDS)
        )
        for row in rows:
            counters = out.setdefault(row[:width], Counter())
            counters.update({n: v for n, v in zip(FLOW_FIELDS, row[width:], strict=True) if v})
    return out


def rollup_stock(*, agency_ids: Iterable[int], day: dt.date) -> dict[StockKey, Counter]:
    """The stored stock at the end of `day`."""
    rows = StatisticsOpenDay.objects.filter(agency_id__in=sorted(agency_ids), day=day).values_list(
        "agency_id", "unit_id", "procedure_id", "channel", "open", "overdue"
    )
    return {(a, u, p, c): Counter(open=o, overdue=d) for a, u, p, c, o, d in rows}


def rollup_months(*, agency_ids: Iterable[int], first: dt.date, end: dt.date) -> dict[dt.date, Counter]:
    """Received and resolved per month (the chart) for the months from `first` (a first day) to
    `end`, from the month table: one query (the current month holds the days rolled up so far)."""
    rows = (
        StatisticsMonth.objects.filter(agency_id__in=sorted(agency_ids), month__gte=first, month__lt=end)
        .values("month")
        .annotate(
            received=Sum("received"),
            early=Sum("resolved_early"),
            on_time=Sum("resolved_on_time"),
            late=Sum("resolved_late"),
        )
        .order_by("month")
    )
    return {
        r["month"]: Counter(
            received=r["received"] or 0, resolved=(r["early"] or 0) + (r["on_time"] or 0) + (r["late"] or 0)
        )
        for r in rows
    }


# ------------------------------------------------------------------------------ other figures


def full_online_procedures(*, agency_ids: Iterable[int]) -> tuple[int, int]:
    """(published procedures received by these agencies, of which fully online — Decree 42/2022)."""
    totals = Procedure.objects.filter(
        status=ProcedureStatus.PUBLISHED, receiving_agency_id__in=sorted(agency_ids)
    ).aggregate(total=Count("pk"), full=Count("pk", filter=Q(online_level=OnlineLevel.FULL)))
    return totals["total"], totals["full"]


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


# Events that put the dossier at a step (its unit holds it from then on) and the one that ends processing.
MOVES = ("register", "receive", "forward", "send_back", "transfer", "resolve")


def processing_times(*, agency_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[str, list[dict]]:
    """Average and 90th-percentile time of each step and each unit, for the dossiers resolved in
    [start, end): from one event that puts the dossier at a step (`unit`, `step`) to the next one,
    minus the supplement pauses inside it (from `request_supplement` to the next `supplement`: the
    citizen's time does not count, Decree 118/2025/NĐ-CP). Elapsed hours,
    not working hours. The 90th percentile is the nearest rank (ceil(0.9·n)-th smallest). Two queries
    (per unit, per procedure step), window functions on PostgreSQL and SQLite alike."""
    ids = sorted(agency_ids)
    if not ids:
        return {"units": [], "steps": []}
    q = connection.ops.quote_name
    dossier, event = q(Dossier._meta.db_table), q(DossierEvent._meta.db_table)
    span = _seconds("m.ended", "m.started")
    pause = _seconds("p.resumed", "p.paused")
    placeholders = ", ".join(["%s"] * len(ids))
    moves = ", ".join(["%s"] * len(MOVES))
    base = f"""
WITH scope AS (
    SELECT d.id, d.procedure_id FROM {dossier} d
     WHERE d.resolved_at >= %s AND d.resolved_at < %s AND d.agency_id IN ({placeholders})
), moves AS (
    SELECT e.dossier_id, s.procedure_id, e.unit_id, e.step, e.created_at AS started,
           LEAD(e.created_at) OVER (PARTITION BY e.dossier_id ORDER BY e.created_at, e.id) AS ended
      FROM {event} e JOIN scope s ON s.id = e.dossier_id
     WHERE e.action IN ({moves})
), pauses AS (
    SELECT e.dossier_id, e.action, e.created_at AS paused,
           LEAD(e.created_at) OVER (PARTITION BY e.dossier_id ORDER BY e.created_at, e.id) AS resumed
      FROM {event} e JOIN scope s ON s.id = e.dossier_id
     WHERE e.action IN ('request_supplement', 'supplement')
), spans AS (
    SELECT m.procedure_id, m.unit_id, m.step,
           {span} - COALESCE(SUM({pause}), 0) AS seconds
      FROM moves m
      LEFT JOIN pauses p ON p.dossier_id = m.dossier_id AND p.action = 'request_supplement'
                        AND p.resumed IS NOT NULL AND p.paused >= m.started AND p.paused < m.ended
     WHERE m.ended IS NOT NULL AND m.unit_id IS NOT NULL
     GROUP BY m.dossier_id, m.procedure_id, m.unit_id, m.step, m.started, m.ended
)"""  # noqa: S608 — table names from the models' metadata, values as parameters
    params = [start, end, *ids, *MOVES]
    params = [connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v for v in params]
    out: dict[str, list[dict]] = {}
    for name, group in (("units", ["unit_id"]), ("steps", ["procedure_id", "step", "unit_id"])):
        columns = ", ".join(group)
        sql = f"""{base}, ranked AS (
    SELECT {columns}, seconds,
           ROW_NUMBER() OVER (PARTITION BY {columns} ORDER BY seconds) AS rn,
           COUNT(*) OVER (PARTITION BY {columns}) AS n
      FROM spans
)
SELECT {columns}, MAX(n), AVG(seconds), MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN seconds END)
  FROM ranked GROUP BY {columns} ORDER BY {columns}"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out[name] = [
            {
                **dict(zip(group, row[: len(group)], strict=True)),
                "count": row[len(group)],
                "average_hours": float(row[len(group) + 1]) / 3600,
                "p90_hours": float(row[len(group) + 2]) / 3600,
            }
            for row in rows
        ]
    return out


def merge(target: dict, source: dict) -> dict:
    for key, counters in source.items():
        target.setdefault(key, Counter()).update(counters)
    return target


def by(rows: dict, key) -> dict:
    """Sum counters over a function of their keys (agency, sector, procedure…)."""
    out: dict = defaultdict(Counter)
    for k, counters in rows.items():
        out[key(k)].update(counters)
    return out
