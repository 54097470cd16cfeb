"""Deadline crossings: the periodic sweep's record of each deadline a dossier crossed (DESIGN §4.3).

Deadlines are stored on the dossier (`check_due_at`, `due_at`, `step_due_at`) and never scheduled
(STYLE §5): every few minutes the sweep (onestop.deadlines) compares them with now and records a
row per crossing. The unique constraint on (dossier, kind, deadline) makes the sweep idempotent —
running it twice, or on two workers at once, records and announces each crossing once — while a
NEW deadline (an extension, the next process step, a restart after a supplement) crosses again.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    # Decree 118/2025/NĐ-CP practice: an online dossier is checked within 8 working hours.
    CHECK_OVERDUE = "check_overdue", _("Online dossier not checked in time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    STEP_DUE_SOON = "step_due_soon", _("Processing step due soon")
    STEP_OVERDUE = "step_overdue", _("Processing step overdue")
    # Circular 03/2025 form 04: the apology and new date, at least one working day before the due date.
    APOLOGY_REMINDER = "apology_reminder", _("Reminder to issue the apology (form 04)")


class DeadlineCrossing(models.Model):
    # No separate index: the unique constraint's index starts with dossier_id.
    dossier = models.ForeignKey(
        "onestop.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="deadline_crossings",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    # The deadline value that was crossed (not the moment of the sweep): a new value crosses again.
    deadline = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # When the notification fan-out was last queued, and when it finished: a crossing whose task was
    # lost (broker down at commit, worker killed) is queued again by the next sweeps.
    queued_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline crossing")
        verbose_name_plural = _("deadline crossings")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "deadline"], name="deadlinecrossing_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=DeadlineKind.values), name="deadlinecrossing_kind_valid"
            ),
        ]
        indexes = [
            # The sweep's re-queue of lost fan-outs reads only the few rows not yet notified.
            models.Index(
                fields=["queued_at"], condition=models.Q(notified_at__isnull=True), name="deadlinecrossing_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.deadline:%Y-%m-%d %H:%M}"
