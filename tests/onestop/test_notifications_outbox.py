"""Notifications are an outbox: the rows of an event are written in the event's own transaction, so a
worker that dies can delay a message, never lose it (security review, finding 9: three SIGKILLs
during 45 submissions used to leave three events with no notification at all).

The kill test runs real worker processes, on the embedded file-system broker and on Redis. A worker
is another process and must open the test database: PostgreSQL only (CI runs it).
"""

from __future__ import annotations

import datetime as dt
import signal
import time
import uuid

import pytest
from celery import Celery
from django.db import transaction
from django.utils import timezone

from onestop import workflow
from onestop.models import Dossier, Notification, NotificationStatus
from tests.onestop.test_notifications_worker import ON_POSTGRES, _database_url
from tests.portal.test_celery_worker import _start_worker, _stop
from tests.tools import REDIS_URL, embedded_broker_options, require_redis

pytestmark = pytest.mark.django_db


def test_the_rows_exist_when_the_action_commits_before_any_worker(office):
    dossier = office.submitted()
    with transaction.atomic():
        workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
        rows = Notification.objects.filter(event__dossier=dossier, event__action="receive")
        assert rows.exists()  # written in the action's transaction, not by a task after it
    assert set(rows.values_list("status", flat=True)) == {NotificationStatus.QUEUED}


def test_an_action_that_rolls_back_leaves_no_message(office):
    dossier = office.submitted()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
        raise RuntimeError("the request failed after the action")
    assert not Notification.objects.filter(event__dossier=dossier, event__action="receive").exists()


def _broker(kind: str, tmp_path) -> tuple[dict[str, str], Celery]:
    """The worker's environment and a client speaking to the same broker."""
    queue = f"outbox-{uuid.uuid4().hex[:8]}"
    if kind == "redis":
        require_redis()
        env = {"CELERY_BROKER_URL": REDIS_URL, "CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_RESTORE_INTERVAL": "1"}
        client = Celery(broker=REDIS_URL)
    else:
        env = {"CELERY_BROKER_URL": "", "CELERY_QUEUE_DIR": str(tmp_path / "broker")}
        client = Celery(broker="filesystem://", broker_transport_options=embedded_broker_options(tmp_path / "broker"))
    return {**env, "CELERY_QUEUE": queue, "CELERY_RESULT_BACKEND": ""}, client


@pytest.mark.redis
@pytest.mark.parametrize("kind", ["filesystem", "redis"])
@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="PostgreSQL only: DATABASE_URL=postgres://… (a worker process cannot see the in-memory SQLite); CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_killed_workers_delay_notifications_never_lose_them(office, tmp_path, kind):
    env, client = _broker(kind, tmp_path)
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
            "SMS_BACKEND": "tests.slow_backends.SlowSMSBackend",  # 0.4 s a message: the kills land mid-way
        }
    )
    dossiers = [office.submitted() for _ in range(12)]
    for dossier in dossiers:  # each receipt writes its e-mail (and SMS) rows as it commits
        workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    rows = Notification.objects.filter(event__action="receive")
    assert rows.count() >= len(dossiers)
    for pk in rows.values_list("pk", flat=True):
        client.send_task("onestop.deliver_notification", args=[pk], queue=env["CELERY_QUEUE"])

    outputs = []
    try:
        for _ in range(3):  # three workers killed mid-stream
            worker = _start_worker(env)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not rows.filter(status=NotificationStatus.SENT).exists():
                time.sleep(0.05)
            worker.send_signal(signal.SIGKILL)
            outputs.append(worker.communicate()[0])
        assert rows.filter(status=NotificationStatus.QUEUED).exists(), "the kills came too late to prove anything"
        # The periodic sweep re-queues what is overdue (here: made overdue) and a fresh worker delivers.
        rows.filter(status=NotificationStatus.QUEUED).update(next_attempt_at=timezone.now() - dt.timedelta(hours=1))
        client.send_task("onestop.requeue_stale_notifications", queue=env["CELERY_QUEUE"])
        worker = _start_worker(env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and rows.exclude(status=NotificationStatus.SENT).exists():
            time.sleep(0.3)
        outputs.append(_stop(worker))
    finally:
        client.close()
    assert not rows.exclude(status=NotificationStatus.SENT).exists(), "\n".join(outputs)[-3000:]
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        assert rows.filter(event__dossier=dossier, channel="email").count() == 1
    # Every e-mail row reached the (file) mail server: at least once — a kill between sending and
    # recording may send one twice, never none. (One file may hold several messages.)
    sent = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert sent.count("Message-ID:") >= rows.filter(channel="email").count()
