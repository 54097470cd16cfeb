"""Reporting periods: a month, a quarter, a year or a custom range of Vietnam dates, [start, end)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | custom
    start: dt.date  # first day
    end: dt.date  # the day after the last one

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}
        if self.kind == "quarter":
            return _("quarter %(quarter)s/%(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("year %(year)s") % {"year": self.start.year}
        return _("%(start)s to %(last)s") % {"start": f"{self.start:%d/%m/%Y}", "last": f"{self.last:%d/%m/%Y}"}

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.last:%Y%m%d}"


def instant(day: dt.date) -> dt.datetime:
    """The first moment of a Vietnam date (aware)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=VN_TZ)


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(tz=VN_TZ)).astimezone(VN_TZ).date()


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    return Period("month", start, add_months(start, 1))


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * (number - 1) + 1, 1)
    return Period("quarter", start, add_months(start, 3))


def year(number: int) -> Period:
    return Period("year", dt.date(number, 1, 1), dt.date(number + 1, 1, 1))


def custom(first: dt.date, last: dt.date) -> Period:
    if last < first:
        first, last = last, first
    return Period("custom", first, last + dt.timedelta(days=1))


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months touching [start, end)."""
    out, current = [], start.replace(day=1)
    while current < end:
        out.append(current)
        current = add_months(current, 1)
    return out
