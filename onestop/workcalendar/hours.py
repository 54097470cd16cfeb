"""Working hours of an agency: the periods of each weekday and the length of a working day.

Pure Python (no Django). The default follows the usual schedule of Vietnamese state agencies:
Monday–Friday 07:30–11:30 and 13:00–17:00, Saturday and Sunday off (the 40-hour week of
Decision 188/1999/QĐ-TTg; the weekly rest day is Labour Code 2019 art. 111). Both are
configurable per agency (DESIGN §4.3), so nothing here is hard-coded in the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import NamedTuple

__all__ = ["DEFAULT_PERIODS", "Period", "WorkingHours", "format_periods", "parse_periods"]


class Period(NamedTuple):
    """One working period of a day, in local wall-clock time, ``start`` < ``end``."""

    start: time
    end: time

    @property
    def minutes(self) -> int:
        return _minutes_of(self.end) - _minutes_of(self.start)


def _minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


# Morning and afternoon sessions of a state agency; the lunch break 11:30–13:00 does not count.
DEFAULT_PERIODS: tuple[Period, ...] = (
    Period(time(7, 30), time(11, 30)),
    Period(time(13, 0), time(17, 0)),
)

_WEEK = 7


@dataclass(frozen=True)
class WorkingHours:
    """Working periods per weekday (index 0 = Monday … 6 = Sunday) and the working-day length.

    ``hours_per_day``: one working day of a procedure's processing time is this many working
    hours (8 by default; Labour Code 2019 art. 105 caps normal hours at 8 a day). It converts
    "N working days" into working minutes; it does not have to equal the sum of the periods.

    ``makeup_periods``: the periods used on a day that normally has none but is made a working
    day (a Saturday worked under the Prime Minister's swap, or a "working_day" override). By
    default: Monday's periods, i.e. the normal weekday schedule.
    """

    periods: tuple[tuple[Period, ...], ...] = (DEFAULT_PERIODS,) * 5 + ((), ())
    hours_per_day: float = 8
    makeup_periods: tuple[Period, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.periods) != _WEEK:
            raise ValueError("WorkingHours.periods needs 7 entries (Monday … Sunday)")
        object.__setattr__(
            self,
            "periods",
            tuple(_normalise_day(day, f"weekday {i}") for i, day in enumerate(self.periods)),
        )
        if self.makeup_periods is not None:
            object.__setattr__(
                self,
                "makeup_periods",
                _normalise_day(self.makeup_periods, "makeup_periods"),
            )
        if self.hours_per_day <= 0:
            raise ValueError("hours_per_day must be positive")
        if self.hours_per_day * 60 != round(self.hours_per_day * 60):
            raise ValueError("hours_per_day must be a whole number of minutes")

    @classmethod
    def uniform(
        cls,
        periods: Sequence[tuple[time, time]] = DEFAULT_PERIODS,
        weekdays: Iterable[int] = range(5),
        hours_per_day: float = 8,
    ) -> WorkingHours:
        """The same periods on each of ``weekdays`` (0 = Monday), none on the other days."""
        days = set(weekdays)
        normalised = _normalise_day(periods, "periods")
        return cls(
            periods=tuple(normalised if i in days else () for i in range(_WEEK)),
            hours_per_day=hours_per_day,
        )

    @property
    def minutes_per_day(self) -> int:
        return round(self.hours_per_day * 60)

    def for_weekday(self, weekday: int) -> tuple[Period, ...]:
        return self.periods[weekday]

    @property
    def working_day_periods(self) -> tuple[Period, ...]:
        """Periods of a rest day turned into a working day (default: the Monday schedule)."""
        if self.makeup_periods is not None:
            return self.makeup_periods
        for day in self.periods:  # Monday first; the first weekday that has a schedule.
            if day:
                return day
        return DEFAULT_PERIODS


def _normalise_day(day: Iterable[tuple[time, time]], where: str) -> tuple[Period, ...]:
    result = tuple(Period(*p) for p in day)
    previous_end: time | None = None
    for p in result:
        if not isinstance(p.start, time) or not isinstance(p.end, time):
            raise TypeError(f"{where}: periods are (datetime.time, datetime.time) pairs")
        if p.start.tzinfo is not None or p.end.tzinfo is not None:
            raise ValueError(f"{where}: period times are local wall-clock times, without tzinfo")
        if p.start.second or p.start.microsecond or p.end.second or p.end.microsecond:
            raise ValueError(f"{where}: period times are whole minutes")
        if p.start >= p.end:
            raise ValueError(f"{where}: period {p.start}–{p.end} must end after it starts")
        if previous_end is not None and p.start < previous_end:
            raise ValueError(f"{where}: periods must be sorted and must not overlap")
        previous_end = p.end
    return result


# "07:30-11:30"; an en dash or em dash is accepted too, as people type "07:30–11:30".
_PERIOD_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$")


def parse_periods(text: str) -> tuple[Period, ...]:
    """The periods of one day written as text: ``"07:30-11:30, 13:00-17:00"``; empty = no work that day.

    The text form is how ``AgencyWorkingHours`` stores a weekday (one readable field per weekday in
    the admin). Raises ValueError with an English message on anything else.
    """
    text = text.strip()
    if not text:
        return ()
    periods: list[tuple[time, time]] = []
    for chunk in re.split(r"[,;]", text):
        chunk = chunk.strip()
        match = _PERIOD_RE.match(chunk)
        if match is None:
            raise ValueError(f"{chunk!r} is not a period like 07:30-11:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            periods.append((time(h1, m1), time(h2, m2)))
        except ValueError:
            raise ValueError(f"{chunk!r}: hours are 00–23 and minutes 00–59") from None
    return _normalise_day(periods, repr(text))


def format_periods(periods: Iterable[tuple[time, time]]) -> str:
    """The inverse of ``parse_periods``: ``"07:30-11:30, 13:00-17:00"``."""
    return ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in periods)
