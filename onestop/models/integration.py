"""Partners' systems (issue #13): token clients with scopes, their call log, and signed webhooks.

One client model for every outside system that calls /api/v1/ with a bearer token — the post's
operator (shipments), the provincial integration platform (LGSP), another agency's system. An
agency admin creates it in /admin/; the token is shown once and only its SHA-256 is kept. A client
acts for its agency (and, unless told otherwise, every agency below it): nothing else answers.
Webhook subscriptions belong to a client and receive only what its scopes and agencies let it read.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    CATALOGUE_READ = "catalogue:read", _("Read the catalogue")
    DOSSIERS_READ = "dossiers:read", _("Read the agencies' dossiers")
    DOSSIERS_WRITE = "dossiers:write", _("Add documents, notes and inter-agency results to dossiers")
    SHIPMENTS_READ = "shipments:read", _("Read shipments")
    SHIPMENTS_WRITE = "shipments:write", _("Report shipment events")
    PAYMENTS_READ = "payments:read", _("Read payments")


class ApiClient(models.Model):
    """An outside system calling /api/v1/ with `Authorization: Bearer <token>`."""

    name = models.CharField(_("name"), max_length=150)
    # The agency the client acts for (and whose admins manage it); with `include_subtree`, every
    # agency below it too (a department's client sees its units' dossiers).
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="api_clients"
    )
    include_subtree = models.BooleanField(_("also the agencies below it"), default=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    token_prefix = models.CharField(_("token starts with"), max_length=12, editable=False, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.active and self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiCallLog(models.Model):
    """One row per call of a token client (Decree 13/2023/NĐ-CP art. 27: processing is logged) —
    one INSERT, kept API_CALL_LOG_RETENTION_DAYS (purged daily, docs/integration.md)."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="calls", db_index=False
    )
    scope = models.CharField(_("scope"), max_length=30, blank=True)
    method = models.CharField(_("HTTP method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    object_id = models.CharField(_("object"), max_length=100, blank=True)
    status = models.PositiveSmallIntegerField(_("answer"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["client", "-at"], name="apicall_by_client"),
            models.Index(fields=["at"], name="apicall_at"),  # the retention purge
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class WebhookKind(models.TextChoices):
    STATUS_CHANGED = "dossier.status_changed", _("A dossier's status changed")
    HANDED_OVER = "dossier.handed_over", _("A dossier was handed to another officer or unit")
    DOCUMENT_ADDED = "dossier.document_added", _("A document was added to a dossier")
    NOTE_ADDED = "dossier.note_added", _("A note was added to a dossier")
    INTERAGENCY_RESULT = "dossier.interagency_result", _("An inter-agency result was recorded")
    SHIPMENT = "shipment.updated", _("A shipment moved")
    PAYMENT = "payment.updated", _("A payment was attempted or refunded")


class WebhookSubscription(models.Model):
    """A client's endpoint for events of the kinds it chose (signed: docs/integration.md)."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    url = models.URLField(_("URL"), max_length=500)
    kinds = models.JSONField(_("event kinds"), default=list, blank=True)
    # The signing secret is derived (HMAC of WEBHOOK_SECRET_KEY with this salt), never stored: a new
    # salt is a new secret, shown once in the admin.
    secret_salt = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"


class WebhookState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Accepted by the receiver")
    DEAD = "dead", _("Stopped after repeated failures")


class WebhookDelivery(models.Model):
    """The outbox: one row per (subscription, event), written in the event's own transaction and
    delivered after commit with a lease, backoff and a dead state (onestop/outbox.py)."""

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("onestop.DossierEvent", on_delete=models.CASCADE, related_name="+", db_index=False)
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40, choices=WebhookKind.choices)
    payload = models.JSONField(_("body"))
    state = models.CharField(_("state"), max_length=10, choices=WebhookState.choices, default=WebhookState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["subscription", "event"], name="webhook_once_per_event")]
        indexes = [
            # The drain's claim (pending rows in id order) and the backlog's figures (unsent rows).
            models.Index(fields=["id"], name="webhook_pending", condition=Q(state="pending")),
            models.Index(fields=["id"], name="webhook_unsent", condition=~Q(state="sent")),
            models.Index(fields=["sent_at"], name="webhook_sent_at"),  # the retention purge
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class WebhookAttempt(models.Model):
    """The delivery log: every POST, its answer and how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="log"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status or self.error[:60]}"
