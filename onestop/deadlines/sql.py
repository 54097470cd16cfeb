"""The sweep's set-based SQL — the only raw SQL of the deadlines package; PostgreSQL and SQLite.

One statement per rule (onestop.deadlines.rules) records the new crossings and returns their ids:

    INSERT INTO onestop_deadlinecrossing (dossier_id, kind, deadline, created_at, queued_at)
    SELECT d.id, 'due_soon', d.due_at, :now, :now
      FROM onestop_dossier d
     WHERE d.status IN ('received', 'processing', 'awaiting_payment') AND d.paused_at IS NULL
       AND d.due_at > :now AND d.due_at <= :latest_threshold      -- index (status, due_at)
       AND d.due_at <= CASE WHEN d.agency_id IN (…) THEN :t1 … ELSE :t_default END
       AND NOT EXISTS (SELECT 1 FROM onestop_deadlinecrossing c
                        WHERE c.dossier_id = d.id AND c.kind = 'due_soon' AND c.deadline = d.due_at)
     ORDER BY d.id
    ON CONFLICT (dossier_id, kind, deadline) DO NOTHING
    RETURNING id

The candidate set is filtered in SQL by status and a deadline window, read through the indexes on
(status, check_due_at), (status, due_at) and (status, step_due_at); no Python loop over dossiers.

Several workers at once need no lock: the unique constraint (dossier, kind, deadline) decides.
NOT EXISTS skips what earlier sweeps recorded (cheap anti-join on the constraint's index); two
sweeps running at the same moment both try to insert the same new rows, and ON CONFLICT DO NOTHING
makes the second wait for the first to commit, then insert nothing — so RETURNING hands each new
crossing to exactly one sweep, which alone queues its notifications. ORDER BY d.id makes
concurrent sweeps insert in the same order, so they queue behind each other instead of deadlocking.
SQLite (3.35+) runs the same statement: its upsert needs the SELECT to have a WHERE clause, which
it always has, and RETURNING returns only the rows actually inserted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from ..models import DeadlineCrossing, Dossier
from .rules import Rule, Window
from .thresholds import Threshold

# Identifiers come from the models' metadata, quoted by the backend; every value is a parameter
# (agency ids excepted: integers from the database). Hence the `noqa: S608` below.


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(field_name: str, model=Dossier) -> str:
    return _q(model._meta.get_field(field_name).column)


def _dt(value: dt.datetime) -> Any:
    """A datetime as the backend stores it (SQLite: naive UTC text, as Django writes it)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_crossings(
    *, rule: Rule, now: dt.datetime, threshold: Threshold | None = None, since: dt.datetime | None = None
) -> list[int]:
    """Record the crossings of one rule at `now`; the ids of the rows inserted by this call.

    SOON rules need `threshold`; PASSED rules look back to `since` (exclusive).
    """
    crossing = _q(DeadlineCrossing._meta.db_table)
    dossier = _q(Dossier._meta.db_table)
    column = _column(rule.column)
    status, paused, pk = _column("status"), _column("paused_at"), _q(Dossier._meta.pk.column)
    c_pk = _q(DeadlineCrossing._meta.pk.column)
    agency = _column("agency")
    c_dossier, c_kind, c_deadline, c_created, c_queued = (
        _column(name, DeadlineCrossing) for name in ("dossier", "kind", "deadline", "created_at", "queued_at")
    )

    where = [f"d.{status} IN ({', '.join(['%s'] * len(rule.statuses))})", f"d.{paused} IS NULL"]
    params: list[Any] = [str(s) for s in rule.statuses]
    if rule.window is Window.SOON:
        if threshold is None:
            raise ValueError(f"rule {rule.kind} needs a threshold")
        where += [f"d.{column} > %s", f"d.{column} <= %s"]
        params += [_dt(now), _dt(threshold.latest)]
        if threshold.by_agencies:
            # Agency ids are integers read from the database: inlined, so that no parameter limit applies.
            cases = " ".join(
                f"WHEN d.{agency} IN ({', '.join(str(int(i)) for i in ids)}) THEN %s"
                for ids in threshold.by_agencies.values()
            )
            where.append(f"d.{column} <= CASE {cases} ELSE %s END")
            params += [_dt(value) for value in threshold.by_agencies] + [_dt(threshold.default)]
    else:
        if since is None:
            raise ValueError(f"rule {rule.kind} needs since=")
        where += [f"d.{column} > %s", f"d.{column} <= %s"]
        params += [_dt(since), _dt(now)]
    if rule.extra_sql:
        where.append(rule.extra_sql)
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {crossing} c WHERE c.{c_dossier} = d.{pk} AND c.{c_kind} = %s "  # noqa: S608
        f"AND c.{c_deadline} = d.{column})"
    )
    params.append(str(rule.kind))

    sql = (
        f"INSERT INTO {crossing} ({c_dossier}, {c_kind}, {c_deadline}, {c_created}, {c_queued}) "  # noqa: S608
        f"SELECT d.{pk}, %s, d.{column}, %s, %s FROM {dossier} d "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY d.{pk} "
        f"ON CONFLICT ({c_dossier}, {c_kind}, {c_deadline}) DO NOTHING "
        f"RETURNING {c_pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(rule.kind), _dt(now), _dt(now), *params])
        return [row[0] for row in cursor.fetchall()]


def requeue_pending(*, now: dt.datetime, older_than: dt.datetime, limit: int) -> list[int]:
    """Mark as queued again (at `now`) the crossings whose fan-out was queued before `older_than`
    and never finished; their ids, oldest first, at most `limit` (index deadlinecrossing_pending)."""
    crossing = _q(DeadlineCrossing._meta.db_table)
    pk = _q(DeadlineCrossing._meta.pk.column)
    queued, notified = _column("queued_at", DeadlineCrossing), _column("notified_at", DeadlineCrossing)
    sql = (
        f"UPDATE {crossing} SET {queued} = %s WHERE {pk} IN ("  # noqa: S608
        f"SELECT {pk} FROM {crossing} WHERE {notified} IS NULL AND {queued} < %s ORDER BY {queued}, {pk} LIMIT %s"
        f") RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_dt(now), _dt(older_than), int(limit)])
        return sorted(row[0] for row in cursor.fetchall())
