import contextlib
import logging
import os
import time

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="portal.ping")
def ping(value: str = "pong") -> str:
    """A round-trip probe: proves a worker consumes the broker (tests and /healthz checks)."""
    logger.info("ping %s", value)
    return value


@shared_task(bind=True, name="portal.probe", acks_late=True)
def probe(self, token: str, seconds: float = 0.0) -> dict:
    """A slow probe for scripts/stack-smoke: says which worker started it (state STARTED, with a
    result backend), sleeps, and returns which worker finished it — after a worker is killed
    mid-task, another one must finish it (acks_late + the broker's visibility timeout)."""
    info = {
        "token": token,
        "hostname": self.request.hostname,
        "pid": os.getpid(),
        "redelivered": bool((self.request.delivery_info or {}).get("redelivered")),
    }
    with contextlib.suppress(NotImplementedError):  # no result backend
        self.update_state(state="STARTED", meta=info)
    time.sleep(min(float(seconds), 600.0))
    return info
