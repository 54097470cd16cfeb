"""How a national record leaves the province.

* `HttpTransport` — POST to NATIONAL_SYNC_URL in the national portal's request shape
  (`{"service": …, "isUpdating": …, "madonvi": …, "data": [record, …]}`), each record with its own
  idempotency key (`IdempotencyKey`; the `Idempotency-Key` header carries the keys of the request);
  a 2xx answer (or 409 "already applied") accepts every record of the request. One keep-alive
  session per process.
* `FileTransport` — the default when no URL is configured (the demo, a province not yet connected):
  appends the same request as a JSON line to NATIONAL_SYNC_FILE_DIR/YYYY-MM-DD.jsonl.

NATIONAL_SYNC_TRANSPORT may name another class (a dotted path) with the same `send(records)`.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import NationalSyncRecord


class SyncRejected(Exception):
    """The national side did not accept the record (the message says why)."""


def request_body(records: list[NationalSyncRecord]) -> dict:
    """One request: records of one service and one isUpdating (delivery groups them so)."""
    first = records[0]
    return {
        "service": first.service,
        "madonvi": settings.NATIONAL_SYNC_AGENCY_CODE,
        # The first record of a dossier creates it on the national side; every later one updates it.
        "isUpdating": "true" if first.is_update else "false",
        "data": [{**record.payload, "IdempotencyKey": str(record.idempotency_key)} for record in records],
    }


def request_key(records: list[NationalSyncRecord]) -> str:
    return ",".join(str(record.idempotency_key) for record in records)


class HttpTransport:
    _local = threading.local()

    def _session(self):
        import requests

        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxy look-up in the environment on every call
            if settings.NATIONAL_SYNC_TOKEN:
                session.headers["Authorization"] = f"Bearer {settings.NATIONAL_SYNC_TOKEN}"
            self._local.session = session
        return session

    def send(self, records: list[NationalSyncRecord]) -> None:
        import requests

        try:
            response = self._session().post(
                settings.NATIONAL_SYNC_URL,
                data=json.dumps(request_body(records), ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json", "Idempotency-Key": request_key(records)},
                timeout=settings.NATIONAL_SYNC_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise SyncRejected(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 409 or 200 <= response.status_code < 300:
            return
        raise SyncRejected(f"HTTP {response.status_code}: {response.text[:500]}")


class FileTransport:
    _lock = threading.Lock()

    def send(self, records: list[NationalSyncRecord]) -> None:
        folder = Path(settings.NATIONAL_SYNC_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(request_body(records), ensure_ascii=False) + "\n"
        path = folder / f"{timezone.localdate().isoformat()}.jsonl"
        with self._lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())


def get_transport():
    if settings.NATIONAL_SYNC_TRANSPORT:
        return import_string(settings.NATIONAL_SYNC_TRANSPORT)()
    return HttpTransport() if settings.NATIONAL_SYNC_URL else FileTransport()
