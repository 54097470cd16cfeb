"""Vietnam public holidays from the ``holidays`` package, cached per year.

What the package (0.109) provides for Vietnam, and what this module relies on:

* Labour Code 2019 art. 112 holidays: 1/1, Tết Nguyên Đán (5 days around the lunar new year),
  Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, 2/9 plus one adjacent day (since 2021, placed by a
  fixed weekday rule), and — since 2026 — 24/11 "Ngày Văn hóa Việt Nam".
* Compensatory days of art. 111(3) (a holiday on the weekly rest day is taken on the next working
  day): listed as separate holidays labelled "… (nghỉ bù)"; for Tết, the days falling on a
  weekend are moved to the nearest working day ("29 Tết", "Mùng năm Tết Nguyên Đán").
* The Prime Minister's swaps already decreed when the release was made (e.g. 2024, 2025, 2026):
  the weekday given off appears as a holiday "Ngày nghỉ (thay cho ngày dd/mm/yyyy)", and the
  Saturday worked instead is in ``weekend_workdays``. Future swaps are unknown to the package;
  they come as overrides (DESIGN §4.3).

Names are Vietnamese (``language="vi"``, the package's default for VN); if a future release drops
Vietnamese, English is used instead.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Protocol

import holidays
from holidays.holiday_base import HolidayBase

__all__ = ["HolidaySource", "VietnamHolidays"]


class HolidaySource(Protocol):
    """What the calendar needs to know about public holidays."""

    def holiday_name(self, day: date) -> str | None:
        """The holiday name(s) of ``day`` ("; "-joined), or None if it is not a public holiday."""
        ...

    def state_working_day_note(self, day: date) -> str | None:
        """If the State decreed this weekly rest day a working day (swap), a Vietnamese note; else None."""
        ...


def _supported_languages() -> tuple[str, ...]:
    # holidays.Vietnam is a lazy loader that forwards attribute reads to the class.
    return tuple(getattr(holidays.Vietnam, "supported_languages", ()))


def _pick_language(requested: str | None) -> str | None:
    supported = _supported_languages()
    if requested in supported:
        return requested
    if "en_US" in supported:
        return "en_US"
    return None  # the package's default language


class VietnamHolidays:
    """``holidays.Vietnam`` with one instance per year, built on first use and kept."""

    def __init__(self, language: str | None = "vi") -> None:
        self.language = _pick_language(language)
        self._by_year: dict[int, HolidayBase] = {}
        self._lock = threading.Lock()

    def _year(self, year: int) -> HolidayBase:
        cached = self._by_year.get(year)
        if cached is None:
            with self._lock:
                cached = self._by_year.get(year)
                if cached is None:
                    cached = holidays.country_holidays("VN", years=year, language=self.language)
                    self._by_year[year] = cached
        return cached

    def holiday_name(self, day: date) -> str | None:
        return self._year(day.year).get(day)

    def state_working_day_note(self, day: date) -> str | None:
        # A swap may cross a year boundary (e.g. 2/1/2015 off, Saturday 27/12/2014 worked), so the
        # neighbouring years are consulted too.
        years = (day.year - 1, day.year, day.year + 1)
        if not any(day in self._year(y).weekend_workdays for y in years):
            return None
        note = "Ngày làm việc bù theo lịch hoán đổi ngày làm việc của Nhà nước"
        substituted = self._day_off_given_for(day, years)
        if substituted is not None:
            note += f" (nghỉ thay vào ngày {substituted:%d/%m/%Y})"
        return note

    def _day_off_given_for(self, workday: date, years: tuple[int, ...]) -> date | None:
        """The weekday given off in exchange for ``workday``, found through the holiday's label."""
        # The label is "Ngày nghỉ (thay cho ngày 26/04/2025)" in Vietnamese, "… 04/26/2025" in English.
        needles = {f"{workday:%d/%m/%Y}", f"{workday:%m/%d/%Y}"}
        for year in years:
            for holiday, name in self._year(year).items():
                if any(n in name for n in needles):
                    return holiday
        return None
