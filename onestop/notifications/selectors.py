"""Reads for notifications: a user's channel choices, the staff inbox, the bell's count."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from ..models import Notification, NotificationPreference


def preference_for(*, user) -> NotificationPreference:
    """The user's choices; without a saved row, the defaults (unsaved): e-mail on, SMS on if a phone is known."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(
            user=user, email=True, sms=bool(getattr(user, "phone", "")), language=settings.LANGUAGE_CODE
        )


def inbox_for(*, user) -> QuerySet[Notification]:
    """A staff member's in-app messages, newest first (index notification_inbox)."""
    return Notification.objects.filter(recipient=user).inapp().select_related("dossier").order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    """The bell's figure (Notification's manager: one rule, one statement)."""
    if not user.is_authenticated:
        return 0
    return user.notifications.unread_count()


def notification_backlog(*, older_than) -> dict[str, int | str | None]:
    """For /readyz: queued messages older than ``older_than`` (a datetime), the oldest one, failed ones.

    Two small queries on the (status, next_attempt_at) index.
    """
    from django.db.models import Count, Min, Q

    from ..models import NotificationStatus

    queued = Notification.objects.filter(status=NotificationStatus.QUEUED).aggregate(
        stale=Count("pk", filter=Q(created_at__lt=older_than)), oldest=Min("created_at")
    )
    failed = Notification.objects.filter(status=NotificationStatus.FAILED).count()
    oldest = queued["oldest"]
    return {
        "queued_stale": queued["stale"],
        "oldest_queued_at": oldest.isoformat() if oldest else None,
        "failed": failed,
    }
