"""Notifications (DESIGN §4.6): one row per message, recipient and channel — the delivery log.

Nothing is silently lost: every e-mail, SMS and in-app message is a row that says whether it was
queued, sent or failed, after how many attempts and with which last error. `dedup_key` is unique,
so turning the same event into messages twice creates nothing more.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import prepared


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    INAPP = "inapp", _("In the back office")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def inapp(self) -> NotificationQuerySet:
        return self.filter(channel=NotificationChannel.INAPP)

    def unread(self) -> NotificationQuerySet:
        return self.inapp().filter(read_at__isnull=True)


class NotificationManager(models.Manager.from_queryset(NotificationQuerySet)):
    def unread_count(self) -> int:
        """`{{ user.notifications.unread_count }}`: the bell's one query (index recipient/channel/read_at),
        on every staff page. For a user's messages on PostgreSQL, `unread()` compiled once and prepared
        once per database session (onestop.prepared.rows_by_ids): the ORM's compiling was ≈ 0.6 ms of
        its 0.7 (issue #17)."""
        recipient = getattr(self, "instance", None)  # set on the related manager: user.notifications
        if recipient is not None:
            found = prepared.rows_by_ids(
                "bell", _unread_counts, '"onestop_notification"."recipient_id"', [recipient.pk]
            )
            if found is not None:
                return found[1][0][0] if found[1] else 0  # no row: nothing unread
        return self.get_queryset().unread().count()


def _unread_counts(recipient_ids: list[int]) -> models.QuerySet:
    """The number of unread in-app messages of each recipient that has some (`unread()`'s rule)."""
    return (
        Notification.objects.filter(recipient_id__in=recipient_ids)
        .unread()
        .order_by()
        .values("recipient_id")
        .annotate(unread=models.Count("pk"))
        .values_list("unread")
    )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    # e.g. "dossier.submitted", "staff.assigned", "deadline.due_soon", "digest.daily"
    kind = models.CharField(_("kind"), max_length=50)
    event = models.ForeignKey(
        "onestop.DossierEvent",
        verbose_name=_("dossier event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    dossier = models.ForeignKey(
        "onestop.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # event × recipient × channel, or kind × subject × date for sweeps and digests.
    dedup_key = models.CharField(max_length=200, unique=True)
    to = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the next delivery attempt is due: the re-queue sweep finds rows whose task was lost.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=NotificationChannel.values), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_pending"),
            models.Index(fields=["-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.channel}, {self.status})"

    @property
    def site_path(self) -> str:
        """The link without its scheme and host, for the in-app list: an in-app message is read on
        the portal itself, so it opens on the host being used — whatever SITE_URL or PORT was when
        the message was written (an e-mail or SMS keeps the absolute link)."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.link or "")
        if not parts.path.startswith("/"):
            return self.link
        query = f"?{parts.query}" if parts.query else ""
        return parts.path + query + (f"#{parts.fragment}" if parts.fragment else "")


class NotificationPreference(models.Model):
    """The channels a citizen chooses. Without a row: e-mail on, SMS on when a phone is known."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="vi")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: email={self.email} sms={self.sms}"
