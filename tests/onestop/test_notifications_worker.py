"""End to end: a real `celery -A portal worker` on Redis turns an event into a delivered e-mail.

The worker is another process: it must open the test database, which pytest's in-memory SQLite
cannot offer. So it is PostgreSQL only: on SQLite it is skipped with that reason; on PostgreSQL a
missing Redis fails it (CI has both, DESIGN §5).
"""

from __future__ import annotations

import email
import os
import time
import uuid
from email import policy
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection

from onestop.models import Notification, NotificationStatus
from tests.onestop.test_notifications_support import make_dossier, make_event
from tests.portal.test_celery_worker import _start_worker, _stop
from tests.tools import REDIS_URL, require_redis

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.redis
@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="PostgreSQL only: DATABASE_URL=postgres://… (a worker process cannot see the in-memory SQLite); CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_delivers_an_email(tmp_path, citizen, agency):
    require_redis()
    dossier = make_dossier(applicant=citizen, agency=agency)
    event = make_event(dossier, "receive")  # committed: the worker sees it
    mail_dir = tmp_path / "mail"
    queue = f"test-{uuid.uuid4().hex}"
    worker = _start_worker(
        {
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_RESULT_BACKEND": "",
            "CELERY_QUEUE": queue,
            "DATABASE_URL": _database_url(),  # pytest-django's test database (test_<name>)
            "EMAIL_URL": f"filemail:///{mail_dir}",
        }
    )
    client = Celery(broker=REDIS_URL)
    try:
        # The same message dossier_transition queues on commit; the worker then queues the
        # delivery task itself (on Redis, in the same queue) and sends the e-mail.
        client.send_task("onestop.notify_dossier_event", args=[event.pk], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Notification.objects.filter(event=event, status=NotificationStatus.SENT).exists():
                break
            time.sleep(0.3)
    finally:
        output = _stop(worker)
        client.close()
    assert "Traceback" not in output, output
    row = Notification.objects.get(event=event)
    assert (row.status, row.attempts, row.to) == (NotificationStatus.SENT, 1, citizen.email), output
    [file] = list(mail_dir.iterdir())
    message = email.message_from_bytes(file.read_bytes(), policy=policy.default)
    assert message["To"] == citizen.email
    assert str(message["Subject"]).strip().startswith(f"Hồ sơ {dossier.code} đã được tiếp nhận")
    assert "Kính gửi Ông/Bà Nguyễn Văn An" in message.get_content()
