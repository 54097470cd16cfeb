from celery import shared_task


@shared_task(name="portal.ping")
def ping(value: str = "pong") -> str:
    """A round-trip probe: proves a worker consumes the broker (tests and /healthz checks)."""
    return value
