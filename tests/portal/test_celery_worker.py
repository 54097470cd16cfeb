"""A task round-trip through a real broker and a real `celery -A portal worker` process.

Redis: CI and this machine always have one (127.0.0.1:6379, TEST_REDIS_URL); without it the Redis
test fails (deselect it explicitly with -m 'not redis').
The embedded file-system broker of `make run` is exercised the same way.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

from tests.tools import REDIS_URL, embedded_broker_options, require_redis

ROOT = Path(__file__).resolve().parents[2]


def _start_worker(env_overrides: dict[str, str], *, loglevel: str = "WARNING") -> subprocess.Popen:
    env = {**os.environ, **env_overrides}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            f"--loglevel={loglevel}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)
    try:
        out, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, _ = worker.communicate()
    return out


@pytest.mark.redis
def test_task_round_trip_through_redis_and_a_real_worker():
    require_redis()
    queue = f"test-{uuid.uuid4().hex}"
    worker = _start_worker({"CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL, "CELERY_QUEUE": queue})
    client = Celery(broker=REDIS_URL, backend=REDIS_URL)
    try:
        token = uuid.uuid4().hex
        result = client.send_task("portal.ping", args=[token], queue=queue)
        assert result.get(timeout=60) == token
    finally:
        output = _stop(worker)
    assert "Traceback" not in output, output


def test_task_round_trip_through_the_embedded_broker(tmp_path):
    """`make run`'s default: kombu's file-system transport, no external service."""
    queue_dir = tmp_path / "celery"
    options = embedded_broker_options(queue_dir)
    queue = f"test-{uuid.uuid4().hex}"
    worker = _start_worker({"CELERY_BROKER_URL": "", "CELERY_QUEUE_DIR": str(queue_dir), "CELERY_QUEUE": queue})
    try:
        client = Celery(broker="filesystem://", broker_transport_options=options)
        client.send_task("portal.ping", args=["embedded"], queue=queue)
        # The file-system transport keeps no results: the worker proves consumption by emptying
        # the queue folder; wait for it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any((queue_dir / "queue").iterdir()):
            time.sleep(0.2)
        assert not any((queue_dir / "queue").iterdir()), "the worker did not consume the message"
    finally:
        output = _stop(worker)
    assert "Traceback" not in output, output
