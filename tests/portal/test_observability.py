"""Structured JSON logs with a request id that Celery tasks carry on (portal/observability.py)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

from portal.observability import JsonFormatter, RequestIdFilter, request_id_var
from tests.portal.test_celery_worker import _start_worker, _stop
from tests.tools import embedded_broker_options

ROOT = Path(__file__).resolve().parents[2]
HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log(settings):
    """The root logger as production configures it: JSON lines into a buffer."""
    settings.LOG_REQUESTS = True
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_incoming_request_id_is_echoed_and_logged(client, json_log):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"
    [line] = [entry for entry in json_log() if entry["logger"] == "portal.request"]
    assert set(line) >= {"time", "level", "logger", "message", "request_id"}
    assert line["request_id"] == "lb-7f3a.42"
    assert line["message"] == "GET /robots.txt 200" and line["status"] == 200 and line["level"] == "INFO"
    assert request_id_var.get() is None  # nothing leaks past the request


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "", "bad id with spaces", "x" * 129, "évil", "a\nb"])
def test_missing_or_insane_request_id_is_replaced(client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    response = client.get("/robots.txt", **headers)
    assert HEX32.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_error_pages_carry_the_request_id_too(client):
    response = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="abc-404")
    assert response.status_code == 404 and response["X-Request-ID"] == "abc-404"


def test_json_lines_by_default_in_production():
    env = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "INFO"}
    env.pop("LOG_FORMAT", None)
    code = "import logging; logging.getLogger('dvc.test').warning('xin chào')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["logger"] == "dvc.test" and line["message"] == "xin chào" and line["level"] == "WARNING"
    assert line["request_id"] is None and line["time"].endswith("+00:00")


def test_a_task_logs_with_the_request_id_of_the_request_that_queued_it(tmp_path):
    """A real worker (embedded broker, JSON logs): the id travels in the message headers."""
    queue_dir = tmp_path / "celery"
    options = embedded_broker_options(queue_dir)
    queue = f"test-{uuid.uuid4().hex}"
    worker = _start_worker(
        {"CELERY_BROKER_URL": "", "CELERY_QUEUE_DIR": str(queue_dir), "CELERY_QUEUE": queue, "LOG_FORMAT": "json"},
        loglevel="INFO",
    )
    token = uuid.uuid4().hex
    try:
        client = Celery(broker="filesystem://", broker_transport_options=options)
        reset = request_id_var.set("req-from-the-web-1")  # as RequestContextMiddleware does
        try:
            client.send_task("portal.ping", args=[token], queue=queue)
        finally:
            request_id_var.reset(reset)
        client.send_task("portal.ping", args=[token + "-beat"], queue=queue)  # queued outside any request
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any((queue_dir / "queue").iterdir()):
            time.sleep(0.2)
        time.sleep(1)
    finally:
        output = _stop(worker)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    pings = {line["message"]: line for line in lines if line["logger"] == "portal.tasks"}
    assert pings[f"ping {token}"]["request_id"] == "req-from-the-web-1", output
    assert pings[f"ping {token}"]["task_name"] == "portal.ping"
    assert pings[f"ping {token}-beat"]["request_id"] is None  # the previous task's id does not stick
