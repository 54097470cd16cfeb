"""Master data shared by every part of the system ("danh mục dùng chung").

The agency tree is data of any depth (DESIGN §2: since 1/7/2025 local government has two tiers,
and provinces were merged): never hard-code levels.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _("Provincial People's Committee")
    SERVICE_CENTRE = "service_centre", _("Public administrative service centre")
    DEPARTMENT = "department", _("Department")
    COMMUNE = "commune", _("Commune / ward People's Committee")
    UNIT = "unit", _("Unit (office, division)")
    OTHER = "other", _("Other")


class Agency(models.Model):
    # Decision 20/2020/QĐ-TTg electronic identifiers look like 000.00.00.H12; lower units
    # extend them (e.g. 000.01.12.H12), so any dotted alphanumeric code is accepted.
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$", _("Use letters and digits separated by dots."))],
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A parent chain must never loop back to itself.
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("An agency cannot be placed under itself or its own sub-agency.")})
            seen.add(node.pk)
            node = node.parent
