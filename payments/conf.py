"""The payments settings, read in one place (defaults in portal/settings.py, documented in docs/payments.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def expiry() -> dt.timedelta:
    return dt.timedelta(minutes=settings.PAYMENT_EXPIRY_MINUTES)


def sandbox_enabled() -> bool:
    """The simulated bank answers only while it is the configured gateway."""
    return settings.PAYMENT_PROVIDER == "sandbox"
