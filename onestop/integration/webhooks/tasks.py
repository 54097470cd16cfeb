"""Celery tasks of the webhooks: thin, safe to run twice or at once (rows are leased)."""

from celery import shared_task


@shared_task(name="onestop.webhook_deliver", acks_late=True)
def webhook_deliver_task(delivery_id: str) -> int:
    """Send one delivery (queued after the event's commit)."""
    from .delivery import webhooks_drain

    return webhooks_drain(delivery_id=delivery_id).sent


@shared_task(name="onestop.webhooks_drain")
def webhooks_drain_task() -> int:
    """Periodic: send everything due — retries after backoff, deliveries whose task was lost."""
    from .delivery import webhooks_drain

    return webhooks_drain().sent


@shared_task(name="onestop.integration_logs_purge")
def integration_logs_purge_task() -> int:
    """Daily: forget API calls older than API_CALL_LOG_RETENTION_DAYS and accepted webhook
    deliveries older than WEBHOOK_LOG_RETENTION_DAYS."""
    from ..services import api_call_log_purge, webhook_log_purge

    return api_call_log_purge() + webhook_log_purge()
