"""PostgreSQL only: the leaders' oversight queues read indexes, not the whole table (issue #12).

A province's leader oversees every agency, so the conditions alone narrow nothing: what keeps the
counts fast at a million dossiers is that each branch is a range of an index on the status and a
deadline (bench figures: docs/performance.md, "Leaders' oversight queues") or, for "received today",
a day's range of the received_at index (migration 0011)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from onestop import prepared
from onestop.access import access_scope
from onestop.backoffice.queue_reads import _first_ids, _moments
from onestop.backoffice.queues import QUEUES_BY_KEY, queue_dossiers
from onestop.models import Dossier, DossierStatus, Role
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import build_dossier, staff

pytestmark = [
    # Outside a test transaction, so that the table can be vacuumed: rows earlier tests rolled back
    # leave dead pages that skew the planner's costs on a table this small.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: query plans"),
]
org = support.org
fresh_calendar_cache = support.fresh_calendar_cache
S = DossierStatus


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many(org):
    """20,000 dossiers of three years, 3 % open — as in a living province (bench_seed's shape)."""
    now = timezone.now()
    rows = []
    for i in range(20_000):
        days = i % 1000
        open_ = i % 33 == 0
        rows.append(
            build_dossier(
                org,
                agency=(org.department, org.other)[i % 2],
                status=S.PROCESSING if open_ else S.RETURNED,
                received_at=now - dt.timedelta(days=days, hours=1),
                due_at=now + dt.timedelta(days=(i % 20) - 5),
                step_agency=org.unit if open_ and i % 2 == 0 else None,
            )
        )
    Dossier.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE onestop_dossier")
    # The province's leader (every agency: no agency list) and a department's (the lists).
    return staff(org.province, Role.LEADER), staff(org.department, Role.LEADER)


def test_received_today_reads_the_received_at_index(many):
    for leader in many:
        queryset = queue_dossiers(queue=QUEUES_BY_KEY["received_today"], scope=access_scope(leader)).order_by()
        plan = _plan(queryset.values("pk"))
        assert "dossier_received" in plan and "Seq Scan on onestop_dossier" not in plan, plan


def test_overdue_due_soon_and_in_progress_read_indexes(many):
    for leader in many:
        scope = access_scope(leader)
        for key in ("overdue", "due_soon", "in_progress"):
            plan = _plan(queue_dossiers(queue=QUEUES_BY_KEY[key], scope=scope).order_by().values("pk"))
            assert "Seq Scan on onestop_dossier" not in plan and "Index" in plan, (key, plan)
    # The province's in-progress condition is on the status alone (an index range; index-only
    # once the table is vacuumed, which a test's transaction cannot do).
    province = access_scope(many[0])
    plan = _plan(queue_dossiers(queue=QUEUES_BY_KEY["in_progress"], scope=province).order_by().values("pk"))
    assert "agency_id" not in plan, plan


def test_the_province_leaders_in_progress_page_is_the_first_rows_of_the_open_index(many):
    """In progress for the province's leader: the page's rows are read in the order of the partial
    index of the dossiers in hand by appointment (dossier_in_hand_by_due), stopping after a page — not every
    open dossier fetched and sorted (docs/performance.md, "Leaders' oversight queues")."""
    scope = access_scope(many[0])
    # The page's ids (onestop.backoffice.queue_reads.QueueRows: the rows are then read by id, 25 of them).
    # With 600 open dossiers an index-only scan and a sort of them all costs PostgreSQL less than the
    # ordered index (it is right: ≈ 0.2 ms); at 1M dossiers, 30,000 open, it reads dossier_in_hand_by_due
    # in order and stops after the page (0.15 ms, bench/queue_page.py --explain). What this test keeps
    # is that such an index exists and serves the order: with sorts discouraged, the plan is that one.
    with connection.cursor() as cursor:
        cursor.execute("SET enable_sort = off")
    try:
        plan = _plan(queue_dossiers(queue=QUEUES_BY_KEY["in_progress"], scope=scope).values("pk")[:25])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_sort")
    assert "dossier_in_hand_by_due" in plan and "Sort" not in plan, plan


def test_the_live_stock_reads_the_in_hand_index(many):
    """The statistics' live stock (a period in progress) reads the dossiers in hand from the partial
    index dossier_in_hand_stock, which carries every column it counts."""
    from django.core.cache import cache

    from onestop.statistics import selectors

    cache.clear()  # the stock "now" is kept a minute: an earlier test's would answer without SQL
    captured = []
    with connection.execute_wrapper(lambda execute, sql, params, many_, context: captured.append((sql, params))
                                    or execute(sql, params, many_, context)):  # fmt: skip
        selectors.stock(agency_ids=None, at=timezone.now())
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dossier_in_hand_stock" in plan, plan


def test_the_province_leaders_deadline_counts_are_index_only(many):
    """The province's leader's overdue and due-soon counts (no agency lists): each branch an
    index-only range of its partial index (dossier_running_by_due, dossier_running_by_step_due,
    migration 0027) — before them PostgreSQL fetched each candidate from the heap (40 → 15 ms for
    the counts at 1M dossiers, docs/performance.md)."""
    from onestop.backoffice.queue_reads import count_sql
    from onestop.backoffice.queues import queues_for

    scope = access_scope(many[0])
    conditions = dict(queues_for(scope=scope))
    for key in ("overdue", "due_soon"):
        sql, params = count_sql(conditions[QUEUES_BY_KEY[key]])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        for index in ("dossier_running_by_due", "dossier_running_by_step_due"):
            assert f"Index Only Scan using {index}" in plan, (key, plan)
        assert "Heap Scan" not in plan, (key, plan)


def test_the_province_leaders_first_late_checks_are_read_in_appointment_order_from_the_index(org, many):
    """The home's first overdue rows for the province's leader: the branch of online dossiers whose check
    is late walks the submitted dossiers by appointment in their own partial index, the check's
    deadline read there (dossier_submitted_by_due, migration 0030) — not (status, due_at), which fetched
    every submitted dossier whose check is not due yet from the heap to leave it out (3.8 ms at 1M)."""
    now = timezone.now()
    submitted = [
        build_dossier(
            org,
            status=S.SUBMITTED,
            check_due_at=now + dt.timedelta(hours=(i % 30) - 2),  # one in fifteen late
            due_at=now + dt.timedelta(days=i % 20),
        )
        for i in range(3_000)
    ]
    Dossier.objects.bulk_create(submitted, batch_size=3000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE onestop_dossier")
    scope = access_scope(many[0])
    # The home's first ids, as the page runs them: prepared, with the generic plan of a new session.
    connection.close()
    home = _first_ids(scope=scope, queues=[QUEUES_BY_KEY["overdue"]], now=now, limit=5)
    [(name, _text, order)] = [entry for entry in prepared._TEXTS.values() if "check_due_at" in entry[1]][-1:]
    moments = _moments(now)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN EXECUTE {name} ({', '.join(['%s'] * len(order))})", [moments[m] for m in order])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using dossier_submitted_by_due" in plan, plan
    expected = queue_dossiers(queue=QUEUES_BY_KEY["overdue"], scope=scope, now=now).values_list("pk", flat=True)[:5]
    assert home["overdue"] == list(expected)
