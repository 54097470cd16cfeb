"""The national public-service portal's sync outbox (DESIGN §4.7, REFERENCE.md DongBoHoSoMC).

Every dossier event the national portal (Cổng Dịch vụ công quốc gia) must know writes one row here
in the event's own transaction, with the record already in the national shape: the report exists
exactly when the change does. Workers deliver the rows of one dossier strictly in order (a later
status never overtakes an earlier one); every row carries an idempotency key so that sending it twice
— a worker killed after the national portal accepted it, before we wrote that down — has one effect.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class NationalService(models.TextChoices):
    # The national portal's services (REFERENCE.md): the whole dossier, or one progress line.
    DOSSIER = "DongBoHoSoMC", _("Dossier record (DongBoHoSoMC)")
    PROGRESS = "CapNhatTienDoHoSoMC", _("Progress update (CapNhatTienDoHoSoMC)")


class NationalSyncState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Accepted by the national portal")
    DEAD = "dead", _("Stopped after repeated failures")


class NationalSyncRecord(models.Model):
    dossier = models.ForeignKey("onestop.Dossier", on_delete=models.CASCADE, related_name="national_records")
    # One record per event: recording the same event twice creates nothing more.
    event = models.OneToOneField("onestop.DossierEvent", on_delete=models.CASCADE, related_name="national_record")
    service = models.CharField(_("service"), max_length=30, choices=NationalService.choices)
    # Sent as the Idempotency-Key header and inside the record: the national side applies a key once.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("record"))
    # isUpdating: false for the dossier's first record (it creates the dossier nationally), true after.
    is_update = models.BooleanField(default=True)
    state = models.CharField(
        _("state"), max_length=10, choices=NationalSyncState.choices, default=NationalSyncState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker claims a row until this time; a worker killed mid-send leaves the claim to expire.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("national portal record")
        verbose_name_plural = _("national portal sync")
        ordering = ["pk"]
        indexes = [
            # The heads to send: unsent rows in order, and "is an earlier row of this dossier unsent?".
            models.Index(
                fields=["dossier", "id"],
                name="national_unsent_by_dossier",
                condition=~models.Q(state="sent"),
            ),
            # In id order (a plain index scan, which also skips the entries of rows already sent,
            # where a bitmap scan would visit each of them again until VACUUM runs).
            models.Index(fields=["id"], name="national_pending", condition=models.Q(state="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.service} #{self.pk} ({self.state})"
