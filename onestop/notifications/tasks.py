"""Celery tasks of the notifications: thin — take ids, call a service, safe to run twice.

They import their services lazily; the services queue them from `transaction.on_commit` (STYLE §18).
"""

from celery import shared_task


@shared_task(name="onestop.notify_dossier_event", acks_late=True)
def notify_dossier_event_task(event_id: int) -> None:
    """Turn a dossier event into notifications again (safe to run twice: nothing is created twice).
    Actions write their rows in their own transaction (notifications/receivers.py); this is for
    events recorded before that, or by hand."""
    from .services import dossier_event_notify

    dossier_event_notify(event_id=event_id)


@shared_task(bind=True, name="onestop.deliver_notification", acks_late=True, max_retries=None)
def deliver_notification_task(self, notification_id: int) -> None:
    """Send one notification; after a failed attempt, retry with exponential backoff.

    The attempt count lives on the row (not in Celery's retry counter), so a redelivered or
    duplicated message neither sends twice nor resets the limit (NOTIFICATION_MAX_ATTEMPTS).
    """
    from ..models import NotificationStatus
    from .delivery import notification_deliver, retry_delay

    notification = notification_deliver(notification_id=notification_id)
    if notification is not None and notification.status == NotificationStatus.QUEUED and notification.attempts:
        raise self.retry(countdown=retry_delay(notification.attempts))


@shared_task(name="onestop.requeue_stale_notifications")
def requeue_stale_notifications_task() -> int:
    """Periodic: queue again the notifications whose delivery task was lost."""
    from .delivery import notifications_requeue_stale

    return notifications_requeue_stale()
