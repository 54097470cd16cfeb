"""Staff roles, held per agency (DESIGN §1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles, held per agency (DESIGN §1)."""

    RECEPTIONIST = "receptionist", _("Receptionist (one-stop desk)")
    SPECIALIST = "specialist", _("Specialist")
    APPROVER = "approver", _("Approver (head of unit)")
    POSTAL_CLERK = "postal_clerk", _("Postal clerk")
    LEADER = "leader", _("Leader")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")


class StaffRole(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="staffrole_unique_user_agency_role"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="staffrole_role_valid"),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="staffrole_agency_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
