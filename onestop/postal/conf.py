"""Postal settings (portal/settings.py, the `# --- Postal` block), read when used."""

from __future__ import annotations

from django.conf import settings


def item_prefix(agency) -> str:
    """The S10 service indicator for an agency's shipments (per agency code, else the default)."""
    per_agency = getattr(settings, "POSTAL_ITEM_PREFIXES", {}) or {}
    return (per_agency.get(agency.code) or getattr(settings, "POSTAL_ITEM_PREFIX", "RR")).upper()


def max_attempts() -> int:
    """Failed delivery attempts before the post returns the item to the agency."""
    return max(1, int(getattr(settings, "POSTAL_MAX_ATTEMPTS", 3)))
