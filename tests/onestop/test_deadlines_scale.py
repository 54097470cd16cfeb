"""The sweep is set-based: its number of queries does not grow with the number of dossiers.

Timings belong to bench/deadline_sweep.py (DESIGN §6: never timed unit tests); here we count queries.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from onestop.deadlines.services import deadline_crossings_notify, deadline_sweep
from onestop.models import AgencyWorkingHours, DeadlineCrossing, Dossier, DossierStatus
from onestop.models import DeadlineKind as K
from procedures.models import Agency
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import (
    NOW,
    ONE_DAY,
    build_dossier,
    mixed_dossiers,
    settle_calendar,
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
