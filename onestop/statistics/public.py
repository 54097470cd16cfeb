"""The public figures (no login): per agency and month, received, resolved on time, overdue,
online share, satisfaction — the publicity the national rules expect (Decree 118/2025/NĐ-CP; the
"publicity" group of Decision 766/QĐ-TTg). Aggregates and agency names only: no personal data."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from procedures.models import Agency

from .figures import statistics_report
from .periods import Period, local_today, month

PUBLIC_KEYS = [
    "received", "received_online", "resolved", "resolved_on_time_total", "resolved_late", "on_time_rate",
    "open_overdue", "online_share", "satisfaction",
]  # fmt: skip


def parse_month(value: str | None, *, today: dt.date, strict: bool = False) -> Period:
    """'2026-11' → November 2026; nothing → the current month; anything else (or a future month) → the
    current month, or ValueError when `strict` (the open-data API answers 400 rather than another month)."""
    try:
        year, number = (int(part) for part in (value or "").split("-"))
        chosen = month(year, number)
    except (ValueError, TypeError):
        if strict and value:
            raise ValueError(value) from None
        return month(today.year, today.month)
    if chosen.start > today and strict:
        raise ValueError(value)
    return chosen if chosen.start <= today else month(today.year, today.month)


def public_rows(*, period: Period, now: dt.datetime | None = None) -> tuple[list[dict], dict]:
    """One row per receiving agency with figures in the month, and the province's total."""
    now = now or timezone.now()
    ids = list(Agency.objects.filter(active=True).values_list("pk", flat=True))
    report = statistics_report(agency_ids=ids, period=period, now=now, detail=False)
    table = report.tables["agency"]

    def public(row: dict) -> dict:
        return {
            "agency_code": row.get("code", ""),
            "agency_name": row.get("name", ""),
            "received": row["received"],
            "received_online": row["received_online"],
            "resolved": row["resolved"],
            "resolved_on_time": row["resolved_early"] + row["resolved_on_time"],
            "resolved_late": row["resolved_late"],
            "on_time_rate": row["on_time_rate"],
            "in_progress_overdue": row["open_overdue"],
            "online_share": row["online_share"],
            "evaluations": row.get("evaluations", 0),
            "satisfied_pct": row.get("satisfaction"),
        }

    rows = [public(r) for r in table.rows if r["received"] or r["resolved"] or r["open_overdue"] or r["carried_over"]]
    return rows, public({**table.total, "code": "", "name": ""})


def current_today() -> dt.date:
    return local_today(timezone.now())
