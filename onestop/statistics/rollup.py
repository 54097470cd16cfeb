"""Keeping the daily roll-up current (onestop.models.statistics): recompute whole days from the
dossiers and events with the counting of onestop.statistics.selectors, replacing what was stored.

Idempotent: a range of days is deleted and inserted again in one transaction, so running it twice,
or late, gives the same rows. The beat task recomputes every hour the flows of the last
STATISTICS_ROLLUP_DAYS whole days (a closed day's flows do not change, unless data were corrected) and
the stock of yesterday only: the stock at the end of a day is counted with the due dates known then,
and is not recounted later with dates moved since (an extension). `manage.py statistics_rebuild
--from … --to …` rebuilds any range, stock included, with the due dates as they are now.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import FLOW_FIELDS, StatisticsDay, StatisticsMonth, StatisticsOpenDay, StatisticsStamp
from .periods import add_months, instant, local_today
from .selectors import flows_into_rollup, stock_into_rollup

# Days of stock per INSERT … SELECT of a rebuild.
STOCK_DAYS = 31


@dataclass
class RollupResult:
    days: int
    flow_rows: int
    stock_rows: int

    def as_dict(self) -> dict:
        return {"days": self.days, "flow_rows": self.flow_rows, "stock_rows": self.stock_rows}


@transaction.atomic
def statistics_rollup(*, first: dt.date, end: dt.date, stock_first: dt.date | None = None) -> RollupResult:
    """Recompute the whole days [first, end) (Vietnam dates) that are over; today and later are
    skipped. The stock is recomputed from `stock_first` (default: `first`)."""
    end = min(end, local_today())
    if first >= end:
        return RollupResult(0, 0, 0)
    raise_stamp()
    StatisticsDay.objects.filter(day__gte=first, day__lt=end).delete()
    stock_first = max(first, stock_first or first)
    StatisticsOpenDay.objects.filter(day__gte=stock_first, day__lt=end).delete()
    flows_into_rollup(start=instant(first), end=instant(end))  # set-based: four INSERT … SELECT
    flow_rows = StatisticsDay.objects.filter(day__gte=first, day__lt=end).count()
    _months_from_days(first=first.replace(day=1), end=add_months((end - dt.timedelta(days=1)).replace(day=1), 1))
    stock_rows = 0
    chunk = stock_first
    while chunk < end:  # set-based: one statement per STOCK_DAYS days (the rows of a statement stay bounded)
        chunk_end = min(chunk + dt.timedelta(days=STOCK_DAYS), end)
        stock_rows += stock_into_rollup(first=chunk, end=chunk_end)
        chunk = chunk_end
    return RollupResult((end - first).days, flow_rows, stock_rows)


def raise_stamp() -> None:
    """A new roll-up version (StatisticsStamp), in the caller's transaction: whatever the pages
    cached from the roll-up before is not read again once this run commits."""
    StatisticsStamp.objects.update_or_create(pk=1, defaults={"version": uuid.uuid4(), "rolled_at": timezone.now()})


def statistics_rollup_recent(*, days: int) -> RollupResult:
    today = local_today()
    return statistics_rollup(first=today - dt.timedelta(days=days), end=today, stock_first=today - dt.timedelta(days=1))


def _months_from_days(*, first: dt.date, end: dt.date) -> None:
    """Replace the month rows of [first, end) (first days of months) by the sums of their stored days
    (one grouped INSERT's worth of rows; the current month holds the days rolled up so far)."""
    StatisticsMonth.objects.filter(month__gte=first, month__lt=end).delete()
    rows = (
        StatisticsDay.objects.filter(day__gte=first, day__lt=end)
        .annotate(m=TruncMonth("day"))
        .values("m", "agency_id", "procedure_id", "channel")
        .annotate(**{f"sum_{n}": Sum(n) for n in FLOW_FIELDS})
        .order_by()
    )
    StatisticsMonth.objects.bulk_create(
        [
            StatisticsMonth(
                month=r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"],
                agency_id=r["agency_id"],
                procedure_id=r["procedure_id"],
                channel=r["channel"],
                **{n: r[f"sum_{n}"] for n in FLOW_FIELDS},
            )
            for r in rows
        ],
        batch_size=2000,
    )
