"""Each work queue's count reads the index meant for it (issue #17), on PostgreSQL.

The counts are a UNION of one index-only scan per branch of the queue's condition (queue_reads.count_sql)
over partial indexes of the open dossiers (migration dossier_queue_partial_indexes): with the full
(status, deadline) indexes PostgreSQL misjudged "running AND deadline passed" (correlated columns)
and read the province's whole range, then the heap — 10 to 35 ms at 1M dossiers instead of < 1 ms
(docs/performance.md). A plan that stops using them is a regression these tests name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from onestop.access import access_scope
from onestop.backoffice.queue_reads import count_sql
from onestop.backoffice.queues import QUEUES_BY_KEY, queue_condition
from onestop.models import Dossier, DossierStatus, Role, StaffRole
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import build_dossier, staff

pytestmark = [
    # Outside a test transaction, so that the table can be vacuumed: the rows earlier tests rolled back
    # leave dead pages that skew the planner's costs on a table this small (the plan then depends on
    # which tests ran before).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: query plans"),
]
org = support.org
S = DossierStatus

# The indexes each queue's count must read: every group, one index of each group (on a small table the
# planner may take a desk's full index for a branch; the partial ones are what make 1M fast).
# The appointment branches (desk, unit): their partial index, or — on this small table, where the desk and the unit hold
# half of the open dossiers — the province-wide partial index of dossiers in hand by appointment (the leaders'
# dossier_in_hand_by_due), also a range of open dossiers only (migration 0027). At 1M dossiers their own indexes are
# read (bench/queue_page.py --explain, docs/performance.md). Neither is the full (status, deadline)
# index whose misjudged ranges this test exists to keep out.
# Likewise the province leader's partial ranges of running dossiers by appointment or by step
# deadline (migration 0027) may stand in for a desk's or a unit's own here.
DESK_APPT = ("dossier_running_desk_appt", "dossier_in_hand_by_due", "dossier_running_by_due")
UNIT_APPT = ("dossier_running_unit_appt", "dossier_in_hand_by_due", "dossier_running_by_due")
UNIT_STEP = ("dossier_running_unit_step", "dossier_running_by_step_due")
INTENDED = {
    # The queue's exact partial index (both branches), and the parcels' own for their count (migration 0031).
    "inbox": [("dossier_inbox",), ("dossier_inbox_parcels",)],
    "pool": [("dossier_pool",)],
    "approval": [("dossier_approval",)],
    "mine": [("dossier_mine",)],  # migration 0029: index-only with the agencies it checks
    "overdue": [UNIT_STEP, DESK_APPT],
    "due_soon": [UNIT_STEP, DESK_APPT, UNIT_APPT],
    "in_progress": [("dossier_running_unit_appt", "dossier_running_desk_appt")],
}


@pytest.fixture
def officer(org):
    """6,000 dossiers over three years, 3 % open, at two desks and a unit; an officer holding every
    processing role at the department and its unit (so that every queue applies)."""
    now = timezone.now()
    snapshot = {"process": [{"role": "receptionist"}, {"role": "specialist"}, {"role": "approver"}]}
    rows = []
    for i in range(6_000):
        open_ = i % 33 == 0
        status = (S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT)[i % 4] if open_ else S.RETURNED
        rows.append(
            build_dossier(
                org,
                agency=(org.department, org.other)[i % 2],
                status=status,
                received_at=now - dt.timedelta(days=i % 1000, hours=1),
                check_due_at=now + dt.timedelta(hours=(i % 48) - 24),
                due_at=now + dt.timedelta(days=(i % 20) - 5),
                step_agency=org.unit if open_ and status != S.SUBMITTED else None,
                step_due_at=now + dt.timedelta(hours=(i % 60) - 20) if open_ else None,
                current_step=(i % 3) + 1 if open_ else None,
                snapshot=snapshot,
            )
        )
    Dossier.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE onestop_dossier")
    user = staff(org.department, Role.RECEPTIONIST)
    for agency, role in ((org.department, Role.SPECIALIST), (org.unit, Role.SPECIALIST), (org.unit, Role.APPROVER)):
        StaffRole.objects.create(user=user, agency=agency, role=role)
    return user


def _plans(user) -> dict[str, str]:
    scope = access_scope(user, fresh=True)
    plans = {}
    for key in INTENDED:
        condition = queue_condition(queue=QUEUES_BY_KEY[key], scope=scope)
        assert condition is not None, key
        sql, params = count_sql(condition)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plans[key] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def test_each_queue_is_counted_from_its_own_index(officer):
    plans = _plans(officer)
    for key, groups in INTENDED.items():
        for group in groups:
            assert any(index in plans[key] for index in group), (key, group, plans[key])
        assert "Seq Scan on onestop_dossier" not in plans[key], (key, plans[key])
    # The queues whose counts need no heap at all.
    for key, index in (("pool", "dossier_pool"), ("approval", "dossier_approval"), ("mine", "dossier_mine"),
                       ("inbox", "dossier_inbox"), ("inbox", "dossier_inbox_parcels")):  # fmt: skip
        assert f"Index Only Scan using {index}" in plans[key], plans[key]


def test_the_prepared_counts_run_one_generic_plan_on_the_intended_indexes(officer):
    """A database session plans the prepared counts generically (onestop.prepared): three
    requests at three moments run the same plan, never re-planned, and that plan reads the queues'
    partial indexes — "received today" included, whose range has both ends (queues._received_today):
    open-ended, the generic plan read a whole agency's dossiers (34 ms at 1M dossiers)."""
    from onestop import prepared
    from onestop.backoffice.queue_reads import _moments, queue_counts

    connection.close()  # a new session, set up as every session is (connection_created)
    now = timezone.now()
    scope = access_scope(officer, fresh=True)
    counts = [queue_counts(scope=scope, now=now + dt.timedelta(minutes=m)) for m in range(3)]
    assert counts[0]["received_today"] == 0 and counts[0]["in_progress"] > 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        # The counts' statement (the roles' statement of access_scope is prepared on the session too).
        names = [entry[0] for entry in prepared._TEXTS.values()]
        cursor.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name = ANY(%s)", [names]
        )
        [(name, generic, custom)] = cursor.fetchall()
        assert (generic, custom) == (3, 0)
        [order] = [entry[2] for entry in prepared._TEXTS.values() if entry[0] == name]
        moments = _moments(now)
        cursor.execute(f"EXPLAIN EXECUTE {name} ({', '.join(['%s'] * len(order))})", [moments[m] for m in order])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    # Received today: a narrow range of the received_at index, both ends in its condition.
    assert re.search(r"Index Cond: \(\(received_at >= \$\d\) AND \(received_at <= \$\d\)\)", plan), plan
    for index in ("dossier_inbox", "dossier_pool", "dossier_approval", "dossier_mine"):
        assert index in plan, (index, plan)


def test_a_fixed_read_by_ids_gives_the_orms_values(org):
    """prepared.rows_by_ids returns what the ORM's query returns, its converters applied (a JSON column
    parsed: psycopg2 hands Django its text), whatever the ids, by one prepared text."""
    from onestop import prepared
    from onestop.models import DossierEvent

    dossiers = Dossier.objects.bulk_create([build_dossier(org) for _ in range(3)])
    for i, dossier in enumerate(dossiers):
        DossierEvent.objects.create(
            dossier=dossier, action="submit", to_status=S.SUBMITTED, data={"n": i, "tên": "Bình"}
        )

    def query(ids):
        return DossierEvent.objects.filter(dossier_id__in=ids).order_by("pk").values_list("dossier_id", "data")

    for ids in ([dossiers[1].pk], [d.pk for d in dossiers], [0]):
        names, rows = prepared.rows_by_ids("test: event data", query, '"onestop_dossierevent"."dossier_id"', ids)
        assert names == ["dossier_id", "data"] and rows == list(query(ids)), ids
    assert prepared.rows_by_ids("test: event data", query, '"onestop_dossierevent"."dossier_id"', [dossiers[1].pk])[
        1
    ] == [(dossiers[1].pk, {"n": 1, "tên": "Bình"})]
