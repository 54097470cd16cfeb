"""/readyz: database, broker and storage reachable (503 otherwise), with backlog figures."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from onestop.models import Notification, NotificationStatus
from tests.onestop.test_notifications_support import make_dossier

pytestmark = pytest.mark.django_db


def test_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["storage"] == {"ok": True, "detail": "FileSystemStorage"}
    assert body["backlog"]["notifications"] == {
        "queued_stale": 0,
        "oldest_queued_at": None,
        "failed": 0,
        "older_than_minutes": 15,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_backlog_counts_notifications_queued_too_long(client, citizen, agency, settings):
    settings.READYZ_BACKLOG_MINUTES = 10
    dossier = make_dossier(applicant=citizen, agency=agency)
    now = timezone.now()
    for i, (status, age) in enumerate(
        [(NotificationStatus.QUEUED, 30), (NotificationStatus.QUEUED, 2), (NotificationStatus.FAILED, 60)]
    ):
        row = Notification.objects.create(
            recipient=citizen, channel="email", kind="dossier.received", dossier=dossier,
            dedup_key=f"k{i}", to="a@example.vn", subject="s", body="b", status=status,
        )  # fmt: skip
        Notification.objects.filter(pk=row.pk).update(created_at=now - dt.timedelta(minutes=age))
    body = client.get("/readyz").json()
    assert client.get("/readyz").status_code == 200  # a backlog is a figure, not unreadiness
    figures = body["backlog"]["notifications"]
    assert figures["queued_stale"] == 1 and figures["failed"] == 1 and figures["older_than_minutes"] == 10
    assert figures["oldest_queued_at"].startswith((now - dt.timedelta(minutes=30)).isoformat()[:16])


def test_storage_unreachable_gives_503(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)},
    }}  # fmt: skip
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"]["ok"] is False


def test_database_down_gives_503(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError"}
    assert "backlog" not in response.json()


def test_unreachable_broker_gives_503(client, settings):
    from portal.celery import app

    settings.CELERY_EMBEDDED_BROKER = False
    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
