"""The record of staff reads of citizens' dossiers (Decree 13/2023/NĐ-CP: personal data is seen only
by those whose work needs it, and its processing is logged)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    PAGE = "page", _("Dossier page")
    FILE = "file", _("Document")
    FORM = "form", _("Printed form")


class DossierAccessLog(models.Model):
    """One staff read: who, which dossier (and file), what, when. Written by onestop.access only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "onestop.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="access_log"
    )
    kind = models.CharField(_("what"), max_length=8, choices=AccessKind.choices)
    document = models.ForeignKey(
        "onestop.DossierDocument",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("address"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("staff access to a dossier")
        verbose_name_plural = _("staff access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["dossier", "-at"], name="accesslog_dossier_time")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.dossier} {self.at:%Y-%m-%d %H:%M}"
