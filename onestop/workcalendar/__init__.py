"""Working calendar: working days, holidays, overrides and due dates.

The package itself is pure Python (no Django) and imports nothing from Django here; the database
side lives in ``django_calendar`` (the selector ``calendar_for_agency`` and its cache),
``services`` (writes) and ``selectors`` (reads), imported by their full module path.
"""

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
from .hours import DEFAULT_PERIODS, Period, WorkingHours, format_periods, parse_periods

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
    "format_periods",
    "parse_periods",
]
