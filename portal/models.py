"""Accounts: the custom user model (citizens and staff alike).

Staff roles are held per agency in onestop.StaffRole (DESIGN §1); a user without any role is a
citizen or an organisation's representative.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.validators import validate_cccd, validate_vn_mobile


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Decree 13/2023: identity data is personal data; collected for identifying the applicant.
    # A CCCD typed into a profile is only declared: it binds the account to the person only once
    # proven — by the national e-ID (VNeID) or by an officer checking the card at the counter
    # (cccd_verified_at). Only proven numbers are unique and are used to find a person's account.
    cccd = models.CharField(
        _("citizen ID (CCCD) number"), max_length=12, blank=True, null=True, validators=[validate_cccd]
    )
    cccd_verified_at = models.DateTimeField(_("CCCD proven at"), null=True, blank=True)
    cccd_verified_by = models.CharField(
        _("CCCD proven by"), max_length=10, blank=True, choices=[("vneid", "VNeID"), ("counter", _("counter"))]
    )
    date_of_birth = models.DateField(_("date of birth"), blank=True, null=True)
    phone = models.CharField(_("mobile phone"), max_length=15, blank=True, validators=[validate_vn_mobile])
    address = models.CharField(_("address"), max_length=300, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["cccd"], condition=models.Q(cccd_verified_at__isnull=False), name="user_cccd_unique_when_proven"
            )
        ]
        indexes = [models.Index(fields=["cccd"], name="user_cccd")]

    @property
    def cccd_proven(self) -> bool:
        return self.cccd_verified_at is not None and bool(self.cccd)

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.email.split("@")[0]
