"""Figures that other parts of the project own, read through one small door each.

* **Satisfaction** (the citizen's evaluation, issue 12):
  `onestop.satisfaction.selectors.satisfaction_summary(agency_ids, start, end)`
  → `{agency_id: {"count": int, "satisfied_pct": float | None}}`, one GROUP BY query.
* **Payments**: payments/ imports onestop/, never the reverse (import-linter), so the function is
  named in settings (STATISTICS_PAYMENT_SUMMARY, like AGENCY_ADMIN_SCOPE) and imported when called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.module_loading import import_string


def satisfaction_by_agency(*, agency_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, dict]:
    """{agency_id: {"count": evaluations, "satisfied_pct": float | None}} for [start, end)."""
    from ..satisfaction.selectors import satisfaction_summary

    return satisfaction_summary(agency_ids, start, end)


def payments_by_agency(*, agency_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, dict]:
    """{agency_id: {"paid": n, "online": n}}: payments settled in [start, end) (one query), or {}
    when no payments app is installed."""
    name = getattr(settings, "STATISTICS_PAYMENT_SUMMARY", "")
    if not name:
        return {}
    return import_string(name)(agency_ids=list(agency_ids), start=start, end=end)
