"""The demo's signing certificates: a test CA and one PKCS#12 per agency under ESIGN_PKCS12_DIR,
so that results approved in `make run` are signed and /xac-thuc/ can check them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from onestop.esign.pki import demo_pki
from procedures.models import Agency


def seed_signing_certificates() -> int:
    """Creates what is missing (idempotent); 0 when signing is off (no ESIGN_PKCS12_DIR)."""
    if not settings.ESIGN_PKCS12_DIR:
        return 0
    folder = Path(settings.ESIGN_PKCS12_DIR)
    # A unit signs with its nearest ancestor's certificate: the agencies without a parent and
    # their direct children (departments, wards) are enough.
    agencies = list(Agency.objects.filter(parent__parent__isnull=True).only("code", "name"))
    demo_pki(folder, agencies, settings.ESIGN_PKCS12_PASSWORD)
    return len(agencies)
