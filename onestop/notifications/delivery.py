"""Sending recorded notifications: one attempt at a time, logged on the row (DESIGN §4.6).

The Celery task (onestop.notifications.tasks.deliver_notification_task) is a thin adapter: it calls
`notification_deliver` and, when the row is still queued after a failed attempt, retries with
exponential backoff. Several workers are safe: the row is locked while it is sent, and a row
already sent is never sent again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..models import Notification, NotificationChannel, NotificationStatus
from .rendering import strip_diacritics
from .sms import get_sms_backend

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY_SECONDS = 6 * 3600


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: base, 2×base, 4×base… (capped)."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY_SECONDS)


def send_through_channel(notification: Notification) -> None:
    """One delivery attempt; raises when the message was not accepted."""
    if notification.channel == NotificationChannel.EMAIL:
        send_mail(
            subject=notification.subject,
            message=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.to],
            fail_silently=False,
        )
    elif notification.channel == NotificationChannel.SMS:
        text = notification.body
        if settings.SMS_ASCII_ONLY:
            text = strip_diacritics(text)
        get_sms_backend().send(to=notification.to, text=text)
    # In-app messages are delivered by being recorded: nothing to send.


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Try to send one queued notification and record the outcome.

    Sent and failed rows are left alone (an admin's "retry" puts failed ones back in the queue).
    After NOTIFICATION_MAX_ATTEMPTS failed attempts the row is marked failed for good.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.status != NotificationStatus.QUEUED:
            return notification
        now = timezone.now()
        try:
            send_through_channel(notification)
        except Exception as exc:
            notification.attempts += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
                notification.next_attempt_at = None
                logger.error("notification %s failed for good: %s", notification.pk, notification.last_error)
            else:
                notification.next_attempt_at = now + timedelta(seconds=retry_delay(notification.attempts))
                logger.warning("notification %s attempt %s failed: %s", notification.pk, notification.attempts, exc)
        else:
            notification.attempts += 1
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
    return notification


def notifications_retry(*, ids) -> int:
    """Put failed notifications back in the queue with a fresh set of attempts (admin action)."""
    from .services import queue_delivery

    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(ids), status=NotificationStatus.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=rows).update(
            status=NotificationStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in rows:
            queue_delivery(notification_id=pk)
    return len(rows)


def notifications_requeue_stale(*, grace: timedelta = timedelta(minutes=10)) -> int:
    """Queue again what should have been attempted by now (a broker outage lost the task).

    Periodic (CELERY_BEAT_SCHEDULE): one indexed query on (status, next_attempt_at). A task that
    was only late is harmless: delivery locks the row and never sends a sent row twice.
    """
    from .services import queue_delivery

    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(status=NotificationStatus.QUEUED, next_attempt_at__lt=now - grace)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:1000]
        )
        # Not again before another grace period, however long the queue takes to drain.
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for pk in ids:
            queue_delivery(notification_id=pk)
    return len(ids)
