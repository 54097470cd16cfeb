"""Structured logs with a request id that follows the work from the request into Celery tasks.

* ``RequestContextMiddleware`` (portal/middleware.py) takes the id from an incoming ``X-Request-ID``
  when it is sane (letters, digits, ``._:-``, at most 128 characters), else makes one, keeps it in
  ``request_id_var`` for the request's log lines and echoes it in the response header.
* A task queued while a request is served carries the id in its message headers
  (``before_task_publish``); the worker puts it back in ``request_id_var`` for the task's log lines
  (``task_prerun``), and a task queued by that task passes it on again.
* ``JsonFormatter``: one JSON object per line — time, level, logger, message, request_id (and the
  task's id and name in a worker, the exception when there is one). ``LOG_FORMAT=json`` (the default
  when DEBUG is false) or ``console``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from contextvars import ContextVar

from celery import signals

request_id_var: ContextVar[str | None] = ContextVar("dvc_request_id", default=None)

TASK_HEADER = "x_request_id"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    """An incoming id is kept only if it cannot break a log line or a header."""
    if value and _SANE.fullmatch(value):
        return value
    return None


# ------------------------------------------------------------------------------------ logging

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id"}
_EXTRA_TYPES = (str, int, float, bool, type(None))


def _current_task():
    try:
        from celery import current_task

        task = current_task._get_current_object()
    except Exception:  # no Celery app or no task: a web process
        return None
    return task if task is not None and getattr(task, "request", None) is not None else None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (and, in a worker, ``task_id`` / ``task_name``) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        task = _current_task()
        if task is not None and getattr(task.request, "id", None):
            record.task_id = task.request.id
            record.task_name = task.name
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and isinstance(value, _EXTRA_TYPES):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# ----------------------------------------------------------------------------------- celery


@signals.before_task_publish.connect(weak=False)
def _carry_request_id(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_tokens: dict[str, object] = {}


@signals.task_prerun.connect(weak=False)
def _restore_request_id(task_id=None, task=None, **kwargs) -> None:
    request_id = sane_request_id(getattr(task.request, TASK_HEADER, None)) if task is not None else None
    if request_id is None and task is not None and getattr(task.request, "is_eager", False):
        return  # run inline (eager): the caller's id is already there
    _tokens[task_id] = request_id_var.set(request_id)


@signals.task_postrun.connect(weak=False)
def _forget_request_id(task_id=None, **kwargs) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)


def _json_wanted() -> bool:
    from django.conf import settings

    return getattr(settings, "LOG_FORMAT", "console") == "json"


@signals.after_setup_logger.connect(weak=False)
@signals.after_setup_task_logger.connect(weak=False)
def _worker_log_format(logger=None, **kwargs) -> None:
    """The worker configures its own handlers (keeping --logfile): give them our id and format."""
    for handler in getattr(logger, "handlers", []):
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        if _json_wanted():
            handler.setFormatter(JsonFormatter())
