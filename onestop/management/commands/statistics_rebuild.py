"""Rebuild the statistics roll-up for a range of days.

    manage.py statistics_rebuild --from 2025-07-01 --to 2026-11-30

Each month is recomputed in its own transaction (idempotent: a month's rows are replaced).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from onestop.statistics.periods import add_months, local_today
from onestop.statistics.rollup import statistics_rollup


class Command(BaseCommand):
    help = "Recompute the statistics roll-up (daily counters) for a range of Vietnam dates, both inclusive."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="last", type=dt.date.fromisoformat, help="default: yesterday")

    def handle(self, *args, first: dt.date, last: dt.date | None, **options) -> None:
        last = last or local_today() - dt.timedelta(days=1)
        if last < first:
            raise CommandError("--to is before --from.")
        started = time.monotonic()
        day, total = first, 0
        while day <= last:
            end = min(add_months(day, 1), last + dt.timedelta(days=1))
            result = statistics_rollup(first=day, end=end)
            total += result.flow_rows
            self.stdout.write(
                f"{day} – {end - dt.timedelta(days=1)}: {result.flow_rows} rows, {result.stock_rows} stock rows"
            )
            day = end
        self.stdout.write(
            self.style.SUCCESS(f"Roll-up rebuilt from {first} to {last} in {time.monotonic() - started:.1f} s.")
        )
