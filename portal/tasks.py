import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="portal.ping")
def ping(value: str = "pong") -> str:
    """A round-trip probe: proves a worker consumes the broker (tests and /healthz checks)."""
    logger.info("ping %s", value)
    return value
