"""SMS backends, chosen by the SMS_BACKEND setting (docs/configuration.md).

A backend has one method, `send(*, to, text) -> str` (the gateway's message id, or ""), and
raises SMSError — or any exception — when the message was not accepted; the delivery task then
retries with backoff. Development: ConsoleSMSBackend (the log) or FileSMSBackend (JSON lines under
var/). Production: HttpSMSBackend, a JSON or form POST to the province's SMS gateway (brandname).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The message was not accepted; the text says why (kept as the notification's last error)."""


class SMSBackend(Protocol):
    def send(self, *, to: str, text: str) -> str: ...


@lru_cache(maxsize=8)
def _backend_class(path: str) -> type:
    return import_string(path)


def get_sms_backend() -> SMSBackend:
    return _backend_class(settings.SMS_BACKEND)()


def international_number(phone: str) -> str:
    """0912345678 → 84912345678: the form Vietnamese gateways expect."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        return "84" + digits[1:]
    return digits


class ConsoleSMSBackend:
    """Writes the message to the log (the embedded demo's worker log: var/log/celery.log)."""

    def send(self, *, to: str, text: str) -> str:
        logger.info("SMS to %s from %s: %s", to, settings.SMS_SENDER_NAME, text)
        return ""


class FileSMSBackend:
    """Appends one JSON line per message to SMS_FILE_PATH (development and demos)."""

    _lock = threading.Lock()

    def send(self, *, to: str, text: str) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"to": to, "sender": settings.SMS_SENDER_NAME, "text": text, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return ""


class HttpSMSBackend:
    """POST to an HTTP SMS gateway.

    Request (SMS_GATEWAY_FORMAT=json, the default; `form` sends the same fields form-encoded):
        POST SMS_GATEWAY_URL
        Authorization: Basic <SMS_GATEWAY_USERNAME:SMS_GATEWAY_PASSWORD>   (or Bearer SMS_GATEWAY_TOKEN)
        {"from": SMS_SENDER_NAME, "to": "849…", "text": "…"}
    Accepted: a 2xx answer whose JSON (if any) has no error — `{"id": "…"}` or `{"message_id": …}`.
    Refused: any other status, or a JSON answer with a truthy `error`, or `status` of
    "error"/"failed"/"rejected"; the gateway's own message becomes the error text.
    """

    def send(self, *, to: str, text: str) -> str:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SMSError("SMS_GATEWAY_URL is not set")
        fields = {"from": settings.SMS_SENDER_NAME, "to": international_number(to), "text": text}
        headers = {"Accept": "application/json", "User-Agent": "dvc-portal-sms/1"}
        if settings.SMS_GATEWAY_FORMAT == "form":
            data = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(fields, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        elif settings.SMS_GATEWAY_USERNAME:
            pair = f"{settings.SMS_GATEWAY_USERNAME}:{settings.SMS_GATEWAY_PASSWORD}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            raise SMSError(f"gateway answered HTTP {exc.code}: {_short(exc.read())}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SMSError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SMSError(f"gateway answered HTTP {status}: {_short(raw)}")
        return _message_id(raw)


def _short(raw: bytes) -> str:
    return raw[:300].decode("utf-8", "replace")


def _message_id(raw: bytes) -> str:
    if not raw.strip():
        return ""
    try:
        answer = json.loads(raw)
    except ValueError:
        return ""  # a plain "OK" body
    if not isinstance(answer, dict):
        return ""
    status = str(answer.get("status", "")).lower()
    if answer.get("error") or status in {"error", "failed", "rejected"}:
        detail = answer.get("message") or answer.get("error") or status
        raise SMSError(f"gateway refused the message: {detail}")
    return str(answer.get("id") or answer.get("message_id") or "")
