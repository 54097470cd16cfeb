"""Celery tasks of the back office: thin — take ids, call a service, safe to run twice."""

from celery import shared_task


@shared_task(name="onestop.notify_dossier_event", acks_late=True)
def notify_dossier_event_task(event_id: int) -> None:
    """Turn a dossier event into notifications (onestop/notifications)."""
    from .notifications.services import dossier_event_notify

    dossier_event_notify(event_id=event_id)


@shared_task(bind=True, name="onestop.deliver_notification", acks_late=True, max_retries=None)
def deliver_notification_task(self, notification_id: int) -> None:
    """Send one notification; after a failed attempt, retry with exponential backoff.

    The attempt count lives on the row (not in Celery's retry counter), so a redelivered or
    duplicated message neither sends twice nor resets the limit (NOTIFICATION_MAX_ATTEMPTS).
    """
    from .models import NotificationStatus
    from .notifications.delivery import notification_deliver, retry_delay

    notification = notification_deliver(notification_id=notification_id)
    if notification is not None and notification.status == NotificationStatus.QUEUED and notification.attempts:
        raise self.retry(countdown=retry_delay(notification.attempts))


@shared_task(name="onestop.requeue_stale_notifications")
def requeue_stale_notifications_task() -> int:
    """Periodic: queue again the notifications whose delivery task was lost."""
    from .notifications.delivery import notifications_requeue_stale

    return notifications_requeue_stale()


# --- Deadlines (onestop/deadlines): the periodic sweep, its notification batches, the daily digest.


@shared_task(name="onestop.deadline_sweep")
def deadline_sweep_task() -> dict:
    """Periodic (beat, every few minutes): record the deadlines crossed and queue their warnings."""
    from .deadlines.services import deadline_sweep

    return deadline_sweep().as_dict()


@shared_task(name="onestop.deadline_notify", acks_late=True)
def deadline_notify_task(crossing_ids: list[int]) -> int:
    """Warn the people concerned by one batch of deadline crossings (safe to run twice)."""
    from .deadlines.services import deadline_crossings_notify

    return deadline_crossings_notify(crossing_ids=crossing_ids)


@shared_task(name="onestop.deadline_digest")
def deadline_digest_task() -> int:
    """Periodic (beat, once a day): each leader's counts of open, due-soon, overdue and late-checked dossiers."""
    from .deadlines.services import deadline_digest_send

    return deadline_digest_send()


# --- Storage (onestop/uploads/cleanup.py)


@shared_task(name="onestop.storage_cleanup")
def storage_cleanup_task() -> dict:
    """Periodic (beat, nightly): delete orphan stored files and objects (safe to run twice)."""
    from .uploads.cleanup import storage_cleanup

    return storage_cleanup().as_dict()
