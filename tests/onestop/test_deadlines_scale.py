"""The sweep is set-based: its number of queries does not grow with the number of dossiers.

Timings belong to bench/deadline_sweep.py (DESIGN §6: never timed unit tests); here we count queries.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.deadlines.services import deadline_crossings_notify, deadline_sweep
from onestop.models import AgencyWorkingHours, DeadlineCrossing, Dossier, DossierStatus, Notification, Role
from onestop.models import DeadlineKind as K
from procedures.models import Agency
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import (
    NOW,
    ONE_DAY,
    build_dossier,
    mixed_dossiers,
    settle_calendar,
    staff,
)

pytestmark = pytest.mark.django_db
fresh_calendar_cache = support.fresh_calendar_cache
org = support.org

# 1 read of the agencies' working hours, 6 INSERT … SELECT (one per kind), 1 UPDATE (lost batches),
# and the SAVEPOINT / RELEASE of the sweep's atomic block inside the test's transaction.
SWEEP_QUERIES = 10
# With an agency on its own hours: + 1 read of the agency tree.
SWEEP_QUERIES_WITH_OWN_HOURS = 11


def expected_kinds(n: int) -> dict[str, int]:
    """What mixed_dossiers(n) crosses at NOW (shapes in test_deadlines_support.py, 7 of them in turn)."""
    count = [len(range(i, n, 7)) for i in range(7)]
    return {
        K.CHECK_OVERDUE: count[2],
        K.DUE_SOON: count[0],
        K.APOLOGY_REMINDER: count[0] + count[5],
        K.OVERDUE: count[1],
        K.STEP_DUE_SOON: 0,
        K.STEP_OVERDUE: count[0],
    }


@pytest.mark.parametrize("n", [50, 500])
def test_the_sweep_runs_a_fixed_number_of_queries(org, n, django_assert_num_queries):
    mixed_dossiers(org, n)
    settle_calendar()  # the process's calendar snapshot is loaded once, not per sweep
    with django_assert_num_queries(SWEEP_QUERIES):
        report = deadline_sweep(now=NOW)
    assert report.crossings == expected_kinds(n)
    with django_assert_num_queries(SWEEP_QUERIES):
        assert deadline_sweep(now=NOW).total == 0


@pytest.mark.parametrize("n", [50, 500])
def test_agencies_with_their_own_hours_add_one_query(org, n, django_assert_num_queries):
    AgencyWorkingHours.objects.create(agency=org.unit, saturday="07:30-11:30")
    mixed_dossiers(org, n)
    settle_calendar()
    with django_assert_num_queries(SWEEP_QUERIES_WITH_OWN_HOURS):
        deadline_sweep(now=NOW)


@pytest.mark.parametrize("n", [10, 100])
def test_recipients_are_looked_up_once_per_batch(org, n, django_assert_num_queries):
    """Nobody holds a role here: what remains is the batch's own queries, whatever its size."""
    mixed_dossiers(org, n)
    deadline_sweep(now=NOW)
    ids = list(DeadlineCrossing.objects.values_list("pk", flat=True))
    # SAVEPOINT, the crossings (locked) with their dossiers, the agency tree, the roles, the
    # UPDATE notified_at, RELEASE.
    with django_assert_num_queries(6):
        assert deadline_crossings_notify(crossing_ids=ids) == 0


# SAVEPOINT, the crossings (locked) with their dossiers, the agency tree, the role holders, their
# access scopes (onestop.access.access_scopes), the dedup keys already recorded, SAVEPOINT + the one
# INSERT of the messages + RELEASE, the UPDATE notified_at, RELEASE — 9 in a worker's own transaction.
FANOUT_QUERIES = 11


def insert_statements(rows: int) -> int:
    """PostgreSQL takes every row in one INSERT; SQLite's parameter limit splits it (999 per statement)."""
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    per_statement = connection.ops.bulk_batch_size(fields, [None] * rows)
    return -(-rows // per_statement)


@pytest.mark.parametrize("n", [14, 140])
def test_the_fan_out_runs_a_fixed_number_of_queries(org, n):
    """Messages for every crossing of a batch, in the same number of queries whatever its size."""
    specialist = staff(org.unit, Role.SPECIALIST)
    for agency, role in [
        (org.unit, Role.APPROVER),
        (org.department, Role.APPROVER),
        (org.department, Role.RECEPTIONIST),
        (org.department, Role.LEADER),
        (org.province, Role.LEADER),
        (org.other, Role.LEADER),  # another branch: never a recipient here
    ]:
        staff(agency, role)
    mixed_dossiers(org, n)
    Dossier.objects.filter(step_agency=org.unit).update(assignee=specialist)
    deadline_sweep(now=NOW)
    ids = list(DeadlineCrossing.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        sent = deadline_crossings_notify(crossing_ids=ids)
    assert sent == Notification.objects.count()
    if connection.vendor == "postgresql":
        assert len(queries) == FANOUT_QUERIES
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert (len(queries) - len(inserts), len(inserts)) == (FANOUT_QUERIES - 1, insert_statements(sent))
    # Per 7 dossiers (test_deadlines_support.mixed_dossiers): at the unit, due soon and step overdue
    # (specialist + unit head each) and the apology reminder (unit head); at the desk, overdue
    # (department head + the department's and the province's leaders), the apology reminder
    # (department head) and a late check (receptionist) — 10 messages, in-app and e-mail each.
    assert sent == 2 * 10 * (n // 7)
    assert not DeadlineCrossing.objects.filter(notified_at__isnull=True).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (CI runs PostgreSQL)")
def test_twenty_thousand_dossiers_in_a_bounded_number_of_queries(org, django_assert_num_queries):
    n = 20_000
    agencies = [org.department, org.unit, org.other, org.province]
    dossiers = []
    for i in range(n):
        shape = i % 5
        agency = agencies[i % len(agencies)]
        if shape == 0:
            fields = {"status": DossierStatus.SUBMITTED, "check_due_at": NOW - dt.timedelta(minutes=1 + i % 600)}
        elif shape == 1:
            fields = {"due_at": ONE_DAY - dt.timedelta(minutes=i % 400), "extensions": i % 2}
        elif shape == 2:
            fields = {"due_at": NOW - dt.timedelta(minutes=1 + i % 5000), "step_due_at": NOW - dt.timedelta(hours=1)}
        elif shape == 3:
            fields = {"status": DossierStatus.SUPPLEMENT_REQUESTED, "paused_at": NOW, "due_at": NOW}
        else:
            fields = {"status": DossierStatus.RECEIVED, "due_at": NOW + dt.timedelta(days=30)}
        dossiers.append(build_dossier(org, agency=agency, **fields))
    Dossier.objects.bulk_create(dossiers, batch_size=5000)
    settle_calendar()

    with django_assert_num_queries(SWEEP_QUERIES):
        report = deadline_sweep(now=NOW)
    per_shape = n // 5
    assert report.crossings == {
        K.CHECK_OVERDUE: per_shape,
        K.DUE_SOON: per_shape,
        K.APOLOGY_REMINDER: per_shape // 2,
        K.OVERDUE: per_shape,
        K.STEP_DUE_SOON: 0,
        K.STEP_OVERDUE: per_shape,
    }
    assert report.batches == -(-report.total // 200)
    with django_assert_num_queries(SWEEP_QUERIES):
        again = deadline_sweep(now=NOW)
    assert (again.total, again.batches) == (0, 0)
    assert DeadlineCrossing.objects.count() == report.total
    assert Agency.objects.count() == 4
