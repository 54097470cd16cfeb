"""Working calendar: working days, holidays, overrides and due dates (pure Python, no Django)."""

from .engine import (
    DEFAULT_CUTOFF,
    VN_TZ,
    DayInfo,
    DayKind,
    Override,
    OverrideKind,
    WorkingCalendar,
)
from .explanation import CountedPeriod, DayNote, Explanation, SkippedDay
from .holiday_source import HolidaySource, VietnamHolidays
from .hours import DEFAULT_PERIODS, Period, WorkingHours

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_PERIODS",
    "VN_TZ",
    "CountedPeriod",
    "DayInfo",
    "DayKind",
    "DayNote",
    "Explanation",
    "HolidaySource",
    "Override",
    "OverrideKind",
    "Period",
    "SkippedDay",
    "VietnamHolidays",
    "WorkingCalendar",
    "WorkingHours",
]
