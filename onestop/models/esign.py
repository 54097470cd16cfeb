"""Signed e-results: which result PDF was signed, by which agency and officer, and its verification code."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Unambiguous letters and digits (no 0/O, 1/I/L): the code is typed from paper at /xac-thuc/.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class SignedResult(models.Model):
    document = models.OneToOneField(
        "onestop.DossierDocument", on_delete=models.PROTECT, related_name="signature", verbose_name=_("result")
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=new_verification_code)
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("signing agency")
    )
    # The certificate's agency code (the agency whose certificate signed; a unit signs with its parent's).
    certificate_agency_code = models.CharField(max_length=40)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("signed result")
        verbose_name_plural = _("signed results")

    def __str__(self) -> str:
        return self.code
