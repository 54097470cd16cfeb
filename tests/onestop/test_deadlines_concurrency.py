"""Two workers at once never send a deadline warning twice (PostgreSQL: real transactions and locks).

- two workers handed the same batch: the crossings' row locks (SKIP LOCKED) split it, each message
  is recorded once;
- two sweeps at the same moment, each fanning out what it recorded: the crossings' unique constraint
  gives each crossing to one sweep;
- a message recorded by another worker between our read of the dedup keys and our INSERT: the bulk
  INSERT fails on the unique dedup key and the rows go in one by one, skipping the other's.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection, connections, transaction

from onestop.deadlines.services import deadline_crossings_notify, deadline_sweep
from onestop.models import DeadlineCrossing, Dossier, Notification, Role
from onestop.notifications import services
from onestop.notifications.services import STAFF_CHANNELS, Outgoing, notify_users
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import NOW, mixed_dossiers, staff

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite serialises every writer"),
]
fresh_calendar_cache = support.fresh_calendar_cache
org = support.org


@pytest.fixture
def people(org):
    return SimpleNamespace(
        specialist=staff(org.unit, Role.SPECIALIST),
        unit_head=staff(org.unit, Role.APPROVER),
        department_head=staff(org.department, Role.APPROVER),
        receptionist=staff(org.department, Role.RECEPTIONIST),
        leader=staff(org.province, Role.LEADER),
        department_leader=staff(org.department, Role.LEADER),
    )


def dossiers(org, people, n: int = 70) -> int:
    """`n` mixed dossiers (test_deadlines_support); the messages their crossings make at NOW."""
    mixed_dossiers(org, n)
    Dossier.objects.filter(step_agency=org.unit).update(assignee=people.specialist)
    return 2 * 10 * (n // 7)  # as counted in test_deadlines_scale.test_the_fan_out_runs_a_fixed_number_of_queries


def in_threads(*calls) -> list:
    """Run the calls at the same moment, each on its own connection; their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # collected and asserted by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def assert_each_message_once() -> None:
    """One row per dossier, kind of warning, person and channel."""
    rows = list(Notification.objects.values_list("dossier_id", "kind", "recipient_id", "channel"))
    assert len(set(rows)) == len(rows)


def test_two_workers_with_the_same_batch_send_each_message_once(org, people):
    expected = dossiers(org, people)
    deadline_sweep(now=NOW)
    ids = list(DeadlineCrossing.objects.values_list("pk", flat=True))
    first, second = in_threads(
        lambda: deadline_crossings_notify(crossing_ids=ids), lambda: deadline_crossings_notify(crossing_ids=ids)
    )
    assert isinstance(first, int) and isinstance(second, int), (first, second)
    assert first + second == Notification.objects.count() == expected
    assert not DeadlineCrossing.objects.filter(notified_at__isnull=True).exists()
    assert_each_message_once()
    # And a third run, later, of the whole batch: nothing more.
    assert deadline_crossings_notify(crossing_ids=ids) == 0


def test_two_sweeps_at_once_each_fan_out_what_they_recorded(org, people):
    expected = dossiers(org, people)

    def notify_now(batch):  # the worker picks the batch up at once
        deadline_crossings_notify(crossing_ids=batch)

    with mock.patch("onestop.deadlines.tasks.deadline_notify_task.delay", side_effect=notify_now):
        reports = in_threads(lambda: deadline_sweep(now=NOW), lambda: deadline_sweep(now=NOW))
    assert not any(isinstance(r, Exception) for r in reports), reports
    crossings = DeadlineCrossing.objects.count()
    assert sum(r.total for r in reports) == crossings > 0
    assert Notification.objects.count() == expected
    assert not DeadlineCrossing.objects.filter(notified_at__isnull=True).exists()
    assert_each_message_once()


def test_a_message_recorded_meanwhile_by_another_worker_is_not_recorded_twice(org, people):
    def messages(user):
        return [
            Outgoing(user, "digest.daily", {"date": NOW.date(), "summary": [], "link": ""}, STAFF_CHANNELS, "race:1")
        ]

    recorded = threading.Event()
    release = threading.Event()

    def other_worker():
        with transaction.atomic():
            rows = notify_users(messages=messages(people.leader) + messages(people.unit_head))
            recorded.set()
            release.wait(timeout=10)  # holds its rows uncommitted while we read and insert
        return len(rows)

    def ours():
        recorded.wait(timeout=10)
        # Our read does not see the other's uncommitted rows; our INSERT waits for its commit, then
        # fails on the unique dedup key: the rows go in one by one and the other's are skipped.
        timer = threading.Timer(1.0, release.set)
        timer.start()
        return len(notify_users(messages=messages(people.leader) + messages(people.receptionist)))

    with mock.patch.object(services, "_insert_one_by_one", wraps=services._insert_one_by_one) as one_by_one:
        theirs, mine = in_threads(other_worker, ours)
    one_by_one.assert_called_once()
    assert (theirs, mine) == (4, 2)  # in-app and e-mail each; ours: only the receptionist's
    assert Notification.objects.filter(dedup_key__startswith="race:1").count() == 6
