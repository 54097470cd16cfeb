"""Probes for load balancers and monitoring, as JSON.

* ``/healthz`` — liveness: the process answers, with the database and the broker.
* ``/readyz`` — readiness: database, broker and file storage reachable (503 when one is not), plus
  backlog figures (notifications queued for longer than READYZ_BACKLOG_MINUTES; the national-portal
  sync: pending rows, the oldest one's age, failing and dead rows) for monitoring; a
  backlog alone does not make the process unready — more web processes would not drain it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    if settings.CELERY_EMBEDDED_BROKER:
        import os

        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        ok = os.path.isdir(folder) and os.access(folder, os.W_OK)
        return ok, "filesystem"
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "broker"
    except Exception as exc:
        return False, type(exc).__name__


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if healthy else 503,
    )


def _storage_ok() -> tuple[bool, str]:
    """Write, read back and delete a probe file in the storage of the citizens' documents."""
    name = f"_readyz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(saved) as probe:
                ok = probe.read() == b"ok"
        finally:
            default_storage.delete(saved)
        return ok, default_storage.__class__.__name__
    except Exception as exc:
        return False, type(exc).__name__


def _backlog() -> dict:
    from onestop.notifications.selectors import notification_backlog

    minutes = settings.READYZ_BACKLOG_MINUTES
    from onestop.national.selectors import national_sync_backlog

    figures = notification_backlog(older_than=timezone.now() - dt.timedelta(minutes=minutes))
    from onestop.integration.selectors import webhooks_backlog

    return {
        "notifications": {**figures, "older_than_minutes": minutes},
        "national_sync": national_sync_backlog(),
        "webhooks": webhooks_backlog(),
    }


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    storage_ok, storage_detail = _storage_ok()
    ready = db_ok and broker_ok and storage_ok
    body = {
        "status": "ok" if ready else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "storage": {"ok": storage_ok, "detail": storage_detail},
    }
    if db_ok:
        try:
            body["backlog"] = _backlog()
        except Exception as exc:  # figures for monitoring: never the reason for a 503
            body["backlog"] = {"error": type(exc).__name__}
    return JsonResponse(body, status=200 if ready else 503)
