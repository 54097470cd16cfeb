"""Reads of the deadlines package: the per-agency counts of the leaders' daily digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, F, Q, Value, When

from ..models import OPEN_STATUSES, Dossier
from .rules import CLOCK_RUNNING
from .thresholds import Threshold


@dataclass
class AgencyCounts:
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    checked_late: int = 0

    def add(self, other: AgencyCounts) -> None:
        self.open += other.open
        self.due_soon += other.due_soon
        self.overdue += other.overdue
        self.checked_late += other.checked_late

    def __bool__(self) -> bool:
        return bool(self.open or self.due_soon or self.overdue or self.checked_late)


def deadline_counts_by_agency(*, now: dt.datetime, due_soon: Threshold) -> dict[int, AgencyCounts]:
    """Open dossiers per receiving agency: open, due soon, overdue, checked late — one aggregate query.

    - due soon / overdue: the processing clock runs (not paused) and `due_at` is within the due-soon
      threshold / has passed (the same definitions as the sweep's crossings);
    - checked late: online dossiers whose check (Decree 118/2025/NĐ-CP practice: within 8 working hours)
      came after `check_due_at`, or has not come and is late now.
    """
    running = Q(status__in=CLOCK_RUNNING, paused_at__isnull=True, due_at__isnull=False)
    if due_soon.by_agencies:
        limit = Case(
            *[When(agency_id__in=ids, then=Value(value)) for value, ids in due_soon.by_agencies.items()],
            default=Value(due_soon.default),
            output_field=DateTimeField(),
        )
        soon = running & Q(due_at__gt=now, due_at__lte=limit)
    else:
        soon = running & Q(due_at__gt=now, due_at__lte=due_soon.default)
    late_check = Q(check_due_at__isnull=False) & (
        Q(received_at__gt=F("check_due_at")) | Q(received_at__isnull=True, check_due_at__lte=now)
    )
    rows = (
        Dossier.objects.filter(status__in=OPEN_STATUSES)
        .values("agency_id")
        .annotate(
            n_open=Count("pk"),
            n_soon=Count("pk", filter=soon),
            n_overdue=Count("pk", filter=running & Q(due_at__lte=now)),
            n_checked_late=Count("pk", filter=late_check),
        )
        .order_by()
    )
    return {
        row["agency_id"]: AgencyCounts(row["n_open"], row["n_soon"], row["n_overdue"], row["n_checked_late"])
        for row in rows
    }


def roll_up(counts: dict[int, AgencyCounts], parents: dict[int, int | None]) -> dict[int, AgencyCounts]:
    """Each agency's counts plus those of all its sub-agencies (the tree is data of any depth)."""
    totals: dict[int, AgencyCounts] = {}
    for agency_id, own in counts.items():
        node: int | None = agency_id
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            totals.setdefault(node, AgencyCounts()).add(own)
            node = parents.get(node)
    return totals
