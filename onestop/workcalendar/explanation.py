"""Why a due date is what it is: the periods counted and the days skipped (DESIGN §4.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import NamedTuple

__all__ = [
    "WEEKDAY_VI",
    "CountedPeriod",
    "DayNote",
    "Explanation",
    "SkippedDay",
    "format_moment",
    "format_week",
    "weekday_vi",
]

WEEKDAY_VI: tuple[str, ...] = (
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ nhật",
)


def weekday_vi(day: date) -> str:
    return WEEKDAY_VI[day.weekday()]


def format_day(day: date) -> str:
    """'Thứ Hai, 03/02/2025'."""
    return f"{weekday_vi(day)}, {day:%d/%m/%Y}"


def format_moment(moment: datetime) -> str:
    """'07:30 Thứ Hai, 03/02/2025' (in the moment's own time zone)."""
    return f"{moment:%H:%M} {format_day(moment.date())}"


def format_week(periods_by_weekday: Sequence[Sequence[tuple[time, time]]]) -> str:
    """A weekly schedule (Monday first) in one line, consecutive weekdays with the same periods grouped.

    'Thứ Hai–Thứ Sáu: 07:30–11:30, 13:00–17:00; Thứ Bảy: 07:30–11:30'. Rest days are left out.
    """
    groups: list[tuple[int, int, Sequence[tuple[time, time]]]] = []
    for index, periods in enumerate(periods_by_weekday):
        if groups and groups[-1][1] == index - 1 and tuple(groups[-1][2]) == tuple(periods):
            groups[-1] = (groups[-1][0], index, periods)
        else:
            groups.append((index, index, periods))
    parts = []
    for first, last, periods in groups:
        if not periods:
            continue
        days = WEEKDAY_VI[first] if first == last else f"{WEEKDAY_VI[first]}–{WEEKDAY_VI[last]}"
        spans = ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in periods)
        parts.append(f"{days}: {spans}")
    return "; ".join(parts) or "không có ngày làm việc"


def format_number(value: float) -> str:
    """Vietnamese number style: '.' groups thousands, ',' is the decimal mark."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:g}".replace(".", ",")


class CountedPeriod(NamedTuple):
    """A stretch of working time that was counted, with its length in working minutes."""

    start: datetime
    end: datetime
    minutes: int


class DayNote(NamedTuple):
    """A day and a Vietnamese reason: why it did not count, or why a rest day counted."""

    date: date
    reason: str


SkippedDay = DayNote


@dataclass(frozen=True)
class Explanation:
    """A computed due moment and how it was reached. All datetimes are in the calendar's time zone."""

    due_at: datetime
    counting_started_at: datetime
    received_at: datetime
    working_minutes: int
    periods: list[CountedPeriod]
    skipped: list[SkippedDay]
    start_note: str
    duration_text: str
    minutes_per_day: int
    # "Thời điểm tiếp nhận", or "Thời điểm bổ sung hồ sơ" after a resume.
    event_label: str = "Thời điểm tiếp nhận"
    # Rest days that counted as working days (Saturday worked under a swap, "working_day" override).
    extra_working_days: list[DayNote] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable Vietnamese lines (a management command prints the ISO due date first)."""
        out = [
            f"{self.event_label}: {format_moment(self.received_at)}",
            f"Bắt đầu tính: {format_moment(self.counting_started_at)} ({self.start_note})",
            (
                f"Thời gian giải quyết: {self.duration_text} = {format_number(self.working_minutes)} phút làm việc"
                f" (1 ngày làm việc = {format_number(self.minutes_per_day / 60)} giờ làm việc)"
            ),
        ]
        if self.periods:
            out.append("Thời gian làm việc được tính:")
            out.extend(self._period_lines())
        if self.extra_working_days:
            out.append("Ngày nghỉ được tính là ngày làm việc:")
            out.extend(f"  - {format_day(d.date)}: {d.reason}" for d in self.extra_working_days)
        if self.skipped:
            out.append("Ngày không tính:")
            for day in self.skipped:
                if day.reason == weekday_vi(day.date):
                    out.append(f"  - {day.date:%d/%m/%Y}: {day.reason} (nghỉ hằng tuần)")
                else:
                    out.append(f"  - {format_day(day.date)}: {day.reason}")
        out.append(f"Hạn trả kết quả: {format_moment(self.due_at)}")
        return out

    def _period_lines(self) -> list[str]:
        """One line per day: 'Thứ Hai, 03/02/2025: 07:30–11:30, 13:00–17:00 (480 phút)'."""
        by_day: dict[date, list[CountedPeriod]] = {}
        for period in self.periods:
            by_day.setdefault(period.start.date(), []).append(period)
        lines = []
        for day, periods in by_day.items():
            spans = ", ".join(f"{p.start:%H:%M}–{p.end:%H:%M}" for p in periods)
            total = sum(p.minutes for p in periods)
            lines.append(f"  - {format_day(day)}: {spans} ({format_number(total)} phút)")
        return lines
