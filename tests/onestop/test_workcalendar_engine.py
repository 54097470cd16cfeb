"""Working-calendar engine (pure Python): each case names the rule it protects.

Holiday facts come from the ``holidays`` package (0.109) and are asserted as exact dates, so a
package upgrade that changes them fails here first. Tết 2025 is also checked against the Prime
Minister's decision (Announcement 6150/TB-BLĐTBXH: officials rest Saturday 25/1 – Sunday 2/2/2025).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from onestop.workcalendar import (
    DEFAULT_PERIODS,
    VN_TZ,
    DayKind,
    Override,
    Period,
    VietnamHolidays,
    WorkingCalendar,
    WorkingHours,
)
from onestop.workcalendar import holiday_source as holiday_source_module


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --------------------------------------------------------------------- holidays


@pytest.mark.parametrize(
    ("first_off", "last_off"),
    [
        # Hand-verified: PM's decision for Tết Ất Tỵ, 9 days 25/1–2/2/2025, back on Monday 3/2.
        pytest.param(
            date(2025, 1, 25),
            date(2025, 2, 2),
            id="tet-2025-matches-PM-decision-25/1-2/2",
        ),
        # Package data: Giao thừa Mon 16/2 … Mùng bốn Fri 20/2/2026, with both weekends: 14/2–22/2.
        pytest.param(date(2026, 2, 14), date(2026, 2, 22), id="tet-2026-14/2-22/2"),
        # Package data: lunar new year on Saturday 6/2/2027, weekend Tết days moved: Thu 4/2–Wed 10/2.
        pytest.param(
            date(2027, 2, 4),
            date(2027, 2, 10),
            id="tet-2027-4/2-10/2-weekend-days-moved",
        ),
        # 30/4 Sat + 1/5 Sun 2022 → compensatory Mon 2/5 and Tue 3/5 (art. 111(3)).
        pytest.param(
            date(2022, 4, 30),
            date(2022, 5, 3),
            id="30/4-1/5-2022-on-weekend-two-compensatory-days",
        ),
        # 2025 swap known to the package: Fri 2/5 off in exchange for Sat 26/4.
        pytest.param(date(2025, 4, 30), date(2025, 5, 4), id="30/4-1/5-2025-with-swapped-friday"),
        # 1/5/2027 on Saturday → Monday 3/5 off.
        pytest.param(
            date(2027, 4, 30),
            date(2027, 5, 3),
            id="30/4-1/5-2027-saturday-gives-monday-off",
        ),
        # 2/9 plus one adjacent day: Mon 1/9 + Tue 2/9/2025, after the weekend.
        pytest.param(date(2025, 8, 30), date(2025, 9, 2), id="2/9-2025-with-adjacent-monday"),
        # 2/9/2026 Wed + Tue 1/9 + Mon 31/8 (swap for Sat 22/8), after the weekend.
        pytest.param(
            date(2026, 8, 29),
            date(2026, 9, 2),
            id="2/9-2026-with-adjacent-day-and-swap",
        ),
        # 2/9/2027 Thu + Fri 3/9, then the weekend.
        pytest.param(date(2027, 9, 2), date(2027, 9, 5), id="2/9-2027-with-adjacent-friday"),
        # Hùng Kings 10/3 lunar on Sunday 26/4/2026 → Monday 27/4 off.
        pytest.param(
            date(2026, 4, 25),
            date(2026, 4, 27),
            id="hung-kings-2026-sunday-gives-monday-off",
        ),
    ],
)
def test_holiday_blocks_are_off_and_bounded_by_working_days(cal, first_off, last_off):
    off = [d for d in days_between(first_off, last_off) if cal.is_working_day(d)]
    assert off == [], f"should be days off: {off}"
    assert cal.is_working_day(first_off - timedelta(days=1))
    assert cal.is_working_day(last_off + timedelta(days=1))


@pytest.mark.parametrize(
    ("day", "kind", "reason"),
    [
        pytest.param(date(2025, 3, 8), DayKind.WEEKLY_REST, "Thứ Bảy", id="weekend-saturday"),
        pytest.param(date(2025, 3, 9), DayKind.WEEKLY_REST, "Chủ nhật", id="weekend-sunday"),
        pytest.param(date(2025, 3, 10), DayKind.WORKING, "Ngày làm việc", id="ordinary-monday"),
        pytest.param(
            date(2026, 1, 1),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Tết Dương lịch",
            id="new-year-1/1",
        ),
        pytest.param(
            date(2025, 1, 28),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Giao thừa Tết Nguyên Đán",
            id="tet-2025-eve-vietnamese-name",
        ),
        pytest.param(
            date(2026, 2, 17),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Tết Nguyên Đán",
            id="tet-2026-first-day",
        ),
        pytest.param(
            date(2025, 1, 27),
            DayKind.HOLIDAY,
            "Nghỉ lễ: 29 Tết",
            id="tet-2025-saturday-day-moved-to-monday-before",
        ),
        pytest.param(
            date(2025, 2, 1),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Mùng bốn Tết Nguyên Đán (trùng Thứ Bảy)",
            id="tet-2025-holiday-on-saturday-says-so",
        ),
        pytest.param(
            date(2027, 2, 10),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Mùng năm Tết Nguyên Đán",
            id="tet-2027-sunday-day-moved-to-wed",
        ),
        pytest.param(
            date(2025, 4, 7),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Ngày Giỗ Tổ Hùng Vương",
            id="hung-kings-2025",
        ),
        pytest.param(
            date(2026, 4, 27),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Ngày Giỗ Tổ Hùng Vương (nghỉ bù)",
            id="hung-kings-2026-compensatory-monday",
        ),
        pytest.param(
            date(2027, 4, 30),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Ngày Chiến thắng",
            id="30/4-2027",
        ),
        pytest.param(
            date(2027, 5, 3),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Ngày Quốc tế Lao động (nghỉ bù)",
            id="1/5-2027-compensatory-monday",
        ),
        pytest.param(
            date(2025, 5, 2),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Ngày nghỉ (thay cho ngày 26/04/2025)",
            id="2025-swap-day-off-known-to-package",
        ),
        pytest.param(
            date(2025, 9, 1),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Quốc khánh",
            id="2/9-2025-adjacent-day",
        ),
        pytest.param(
            date(2027, 9, 3),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Quốc khánh",
            id="2/9-2027-adjacent-day",
        ),
        pytest.param(
            date(2026, 11, 24),
            DayKind.HOLIDAY,
            "Nghỉ lễ: Ngày Văn hóa Việt Nam",
            id="24/11-from-2026-in-package",
        ),
        pytest.param(
            date(2025, 4, 26),
            DayKind.STATE_WORKING_DAY,
            "Ngày làm việc bù theo lịch hoán đổi ngày làm việc của Nhà nước (nghỉ thay vào ngày 02/05/2025)",
            id="2025-swap-saturday-worked-known-to-package",
        ),
        pytest.param(
            date(2026, 8, 22),
            DayKind.STATE_WORKING_DAY,
            "Ngày làm việc bù theo lịch hoán đổi ngày làm việc của Nhà nước (nghỉ thay vào ngày 31/08/2026)",
            id="2026-swap-saturday-worked-known-to-package",
        ),
    ],
)
def test_day_info_kind_and_vietnamese_reason(cal, day, kind, reason):
    info = cal.day_info(day)
    assert (info.kind, info.reason) == (kind, reason)
    assert info.is_working == (kind in {DayKind.WORKING, DayKind.STATE_WORKING_DAY})


def test_swapped_saturday_uses_the_weekday_periods(cal):
    assert cal.day_info(date(2025, 4, 26)).periods == DEFAULT_PERIODS


def test_day_info_accepts_an_aware_datetime_as_its_local_date(cal):
    # 2025-09-01 18:00 UTC is already Tuesday 2/9 01:00 in Vietnam.
    assert cal.day_info(datetime(2025, 9, 1, 18, 0, tzinfo=UTC)).date == date(2025, 9, 2)


# -------------------------------------------------------------------- overrides

CIRCULAR = "Thông báo 1234/TB-UBND ngày 01/03/2025"
SWAP_2027 = "Giả định: hoán đổi thứ Năm 11/02/2027 với thứ Bảy 20/02/2027"


@pytest.mark.parametrize(
    ("override", "working", "kind", "reason"),
    [
        pytest.param(
            Override(date(2025, 3, 14), "day_off", CIRCULAR),
            False,
            DayKind.OVERRIDE_DAY_OFF,
            f"Ngày nghỉ theo quyết định: {CIRCULAR}",
            id="override-weekday-day-off",
        ),
        pytest.param(
            Override(date(2025, 3, 15), "working_day", CIRCULAR),
            True,
            DayKind.OVERRIDE_WORKING_DAY,
            f"Ngày làm việc theo quyết định: {CIRCULAR}",
            id="override-saturday-working-day",
        ),
        pytest.param(
            Override(date(2026, 11, 24), "working_day", "Nghị quyết chưa có hiệu lực"),
            True,
            DayKind.OVERRIDE_WORKING_DAY,
            "Ngày làm việc theo quyết định: Nghị quyết chưa có hiệu lực",
            id="override-wins-over-package-holiday",
        ),
        pytest.param(
            Override(date(2025, 4, 26), "day_off", "Hủy hoán đổi"),
            False,
            DayKind.OVERRIDE_DAY_OFF,
            "Ngày nghỉ theo quyết định: Hủy hoán đổi",
            id="override-wins-over-package-swap-saturday",
        ),
        pytest.param(
            Override(date(2025, 3, 16), "working_day"),
            True,
            DayKind.OVERRIDE_WORKING_DAY,
            "Ngày làm việc theo quyết định",
            id="override-sunday-working-day-without-basis",
        ),
    ],
)
def test_override_wins(override, working, kind, reason):
    info = WorkingCalendar(overrides=[override]).day_info(override.date)
    assert (info.is_working, info.kind, info.reason) == (working, kind, reason)
    if working:  # a rest day made a working day gets the normal Monday–Friday periods
        assert info.periods == DEFAULT_PERIODS


def test_override_keeps_the_package_holiday_name():
    cal = WorkingCalendar(overrides=[Override(date(2026, 11, 24), "working_day", "x")])
    assert cal.day_info(date(2026, 11, 24)).holiday_name == "Ngày Văn hóa Việt Nam"


def test_pm_swap_reproduced_by_overrides_moves_due_dates():
    """A swap the package cannot know (hypothetical, 2027): Thu 11/2 off, Sat 20/2 worked."""
    swap = [
        Override(date(2027, 2, 11), "day_off", SWAP_2027),
        Override(date(2027, 2, 20), "working_day", SWAP_2027),
    ]
    plain, swapped = WorkingCalendar(), WorkingCalendar(overrides=swap)
    # Wed 3/2 10:00: 330 min; Tết 4/2–10/2; then 1110 min remain.
    # Without the swap: Thu 11/2 480, Fri 12/2 480, Mon 15/2 150 → 10:00 Mon 15/2.
    assert plain.due_at(vn(2027, 2, 3, 10), days=3).due_at == vn(2027, 2, 15, 10)
    # With it: Fri 12/2 480, Mon 15/2 480, Tue 16/2 150 → 10:00 Tue 16/2.
    explanation = swapped.due_at(vn(2027, 2, 3, 10), days=3)
    assert explanation.due_at == vn(2027, 2, 16, 10)
    assert f"  - Thứ Năm, 11/02/2027: Ngày nghỉ theo quyết định: {SWAP_2027}" in explanation.lines()
    # Fri 19/2 14:00, 1 day: 180 min on Friday, then the worked Saturday 07:30–11:30 and 13:00–14:00.
    saturday = swapped.due_at(vn(2027, 2, 19, 14), days=1)
    assert saturday.due_at == vn(2027, 2, 20, 14)
    assert "Ngày nghỉ được tính là ngày làm việc:" in saturday.lines()
    assert f"  - Thứ Bảy, 20/02/2027: Ngày làm việc theo quyết định: {SWAP_2027}" in saturday.lines()


def test_conflicting_overrides_for_one_date_are_rejected():
    with pytest.raises(ValueError, match="conflicting"):
        WorkingCalendar(
            overrides=[
                Override(date(2025, 3, 14), "day_off"),
                Override(date(2025, 3, 14), "working_day"),
            ]
        )


def test_unknown_override_kind_is_rejected():
    with pytest.raises(ValueError):
        Override(date(2025, 3, 14), "half_day")


# ------------------------------------------------------------ start of counting


@pytest.mark.parametrize(
    ("received", "cutoff", "expected"),
    [
        pytest.param(
            vn(2025, 3, 10, 9, 12),
            time(15),
            vn(2025, 3, 10, 9, 12),
            id="inside-period-counts-from-receipt",
        ),
        pytest.param(
            vn(2025, 3, 10, 15, 0),
            time(15),
            vn(2025, 3, 10, 15, 0),
            id="exactly-15:00-counts-that-day",
        ),
        pytest.param(
            vn(2025, 3, 10, 15, 0, 59),
            time(15),
            vn(2025, 3, 10, 15, 0),
            id="15:00:59-is-15:00-to-the-minute",
        ),
        pytest.param(
            vn(2025, 3, 10, 15, 1),
            time(15),
            vn(2025, 3, 11, 7, 30),
            id="15:01-counts-from-next-day",
        ),
        pytest.param(
            vn(2025, 3, 10, 12, 10),
            time(15),
            vn(2025, 3, 10, 13, 0),
            id="lunch-break-starts-13:00",
        ),
        pytest.param(
            vn(2025, 3, 10, 11, 30),
            time(15),
            vn(2025, 3, 10, 13, 0),
            id="end-of-morning-starts-13:00",
        ),
        pytest.param(
            vn(2025, 3, 10, 6, 45),
            time(15),
            vn(2025, 3, 10, 7, 30),
            id="before-opening-starts-07:30",
        ),
        pytest.param(
            vn(2025, 3, 10, 0, 0),
            time(15),
            vn(2025, 3, 10, 7, 30),
            id="midnight-starts-07:30",
        ),
        pytest.param(
            vn(2025, 3, 10, 17, 30),
            time(15),
            vn(2025, 3, 11, 7, 30),
            id="after-closing-next-day",
        ),
        pytest.param(
            vn(2025, 3, 14, 16, 0),
            time(15),
            vn(2025, 3, 17, 7, 30),
            id="friday-after-cutoff-monday",
        ),
        pytest.param(
            vn(2025, 3, 15, 9, 0),
            time(15),
            vn(2025, 3, 17, 7, 30),
            id="saturday-next-working-day",
        ),
        pytest.param(
            vn(2025, 3, 16, 9, 0),
            time(15),
            vn(2025, 3, 17, 7, 30),
            id="sunday-next-working-day",
        ),
        pytest.param(
            vn(2025, 9, 2, 9, 0),
            time(15),
            vn(2025, 9, 3, 7, 30),
            id="on-holiday-next-working-day",
        ),
        pytest.param(
            vn(2025, 1, 24, 15, 30),
            time(15),
            vn(2025, 2, 3, 7, 30),
            id="before-tet-2025-after-cutoff",
        ),
        pytest.param(vn(2025, 3, 10, 16, 0), None, vn(2025, 3, 10, 16, 0), id="cutoff-disabled"),
        pytest.param(
            vn(2025, 3, 10, 11, 15),
            time(11),
            vn(2025, 3, 11, 7, 30),
            id="custom-cutoff-11:00",
        ),
        pytest.param(
            datetime(2025, 3, 10, 1, 0, tzinfo=UTC),
            time(15),
            vn(2025, 3, 10, 8, 0),
            id="utc-input-converted",
        ),
        pytest.param(
            datetime(2025, 3, 9, 23, 30, tzinfo=UTC),
            time(15),
            vn(2025, 3, 10, 7, 30),
            id="utc-previous-date-is-monday",
        ),
        pytest.param(
            datetime(2025, 3, 10, 3, 0, tzinfo=ZoneInfo("Europe/Paris")),
            time(15),
            vn(2025, 3, 10, 9, 0),
            id="other-zone-converted",
        ),
    ],
)
def test_start_of_counting(cal, received, cutoff, expected):
    start = cal.start_of_counting(received, cutoff=cutoff)
    assert start == expected
    assert start.tzinfo is VN_TZ


# ------------------------------------------------------------------------ due_at


@pytest.mark.parametrize(
    ("received", "duration", "expected"),
    [
        pytest.param(
            vn(2025, 3, 10, 7, 30),
            {"days": 1},
            vn(2025, 3, 10, 17, 0),
            id="1-day-from-07:30-is-17:00-same-day",
        ),
        pytest.param(
            vn(2025, 3, 10, 10, 0),
            {"days": 1},
            vn(2025, 3, 11, 10, 0),
            id="1-day-from-10:00-is-10:00-next",
        ),
        pytest.param(
            vn(2025, 3, 10, 10, 0),
            {"hours": 8},
            vn(2025, 3, 11, 10, 0),
            id="8-hours-from-10:00-is-10:00-next",
        ),
        pytest.param(
            vn(2025, 3, 10, 10, 0),
            {"hours": 4},
            vn(2025, 3, 10, 15, 30),
            id="4-hours-across-lunch",
        ),
        pytest.param(
            vn(2025, 3, 10, 11, 0),
            {"hours": 2},
            vn(2025, 3, 10, 14, 30),
            id="2-hours-across-lunch",
        ),
        pytest.param(
            vn(2025, 3, 10, 7, 30),
            {"hours": 4},
            vn(2025, 3, 10, 11, 30),
            id="period-end-is-due-not-13:00",
        ),
        pytest.param(
            vn(2025, 3, 14, 14, 0),
            {"hours": 4},
            vn(2025, 3, 17, 8, 30),
            id="4-hours-across-weekend",
        ),
        pytest.param(
            vn(2025, 3, 14, 15, 30),
            {"hours": 8},
            vn(2025, 3, 17, 17, 0),
            id="after-cutoff-8h-monday-17:00",
        ),
        pytest.param(
            vn(2025, 3, 10, 15, 30),
            {"days": 3},
            vn(2025, 3, 13, 17, 0),
            id="after-cutoff-3-days",
        ),
        pytest.param(
            vn(2025, 3, 10, 15, 0),
            {"days": 1},
            vn(2025, 3, 11, 15, 0),
            id="at-15:00-counts-that-day",
        ),
        pytest.param(
            vn(2025, 3, 10, 12, 0),
            {"days": 1},
            vn(2025, 3, 11, 11, 30),
            id="lunch-receipt-1-day",
        ),
        pytest.param(
            vn(2025, 3, 10, 6, 0),
            {"days": 1},
            vn(2025, 3, 10, 17, 0),
            id="before-opening-1-day",
        ),
        pytest.param(
            vn(2025, 3, 10, 7, 30),
            {"days": 0.5},
            vn(2025, 3, 10, 11, 30),
            id="half-day-is-4-hours",
        ),
        pytest.param(
            vn(2025, 3, 10, 7, 30),
            {"days": 1, "hours": 2},
            vn(2025, 3, 11, 9, 30),
            id="days-plus-hours",
        ),
        pytest.param(
            vn(2025, 3, 15, 10, 0),
            {"days": 2},
            vn(2025, 3, 18, 17, 0),
            id="received-saturday-2-days",
        ),
        pytest.param(
            vn(2025, 9, 2, 10, 0),
            {"days": 1},
            vn(2025, 9, 3, 17, 0),
            id="received-on-holiday",
        ),
        pytest.param(
            vn(2025, 1, 24, 10, 0),
            {"days": 3},
            vn(2025, 2, 5, 10, 0),
            id="across-tet-2025",
        ),
        pytest.param(
            vn(2026, 2, 13, 16, 0),
            {"days": 1},
            vn(2026, 2, 23, 17, 0),
            id="after-cutoff-before-tet-2026",
        ),
        pytest.param(
            vn(2025, 8, 29, 9, 0),
            {"days": 2},
            vn(2025, 9, 4, 9, 0),
            id="across-2/9-2025-and-adjacent-day",
        ),
        pytest.param(
            vn(2027, 4, 29, 8, 0),
            {"days": 2},
            vn(2027, 5, 5, 8, 0),
            id="across-30/4-1/5-2027-compensatory",
        ),
        pytest.param(
            vn(2026, 4, 24, 13, 0),
            {"days": 1},
            vn(2026, 4, 28, 11, 30),
            id="across-hung-kings-2026-sunday",
        ),
        pytest.param(
            vn(2025, 4, 25, 10, 0),
            {"days": 5},
            vn(2025, 5, 6, 10, 0),
            id="2025-swap-saturday-is-worked",
        ),
        pytest.param(
            vn(2025, 3, 3, 8, 0),
            {"days": 20},
            vn(2025, 3, 31, 8, 0),
            id="20-working-days",
        ),
        pytest.param(
            vn(2025, 3, 10, 9, 0),
            {"hours": 0},
            vn(2025, 3, 10, 9, 0),
            id="zero-duration-is-start",
        ),
    ],
)
def test_due_at(cal, received, duration, expected):
    explanation = cal.due_at(received, **duration)
    assert explanation.due_at == expected
    assert explanation.due_at.tzinfo is VN_TZ


def test_due_at_output_is_in_calendar_zone_for_utc_input(cal):
    explanation = cal.due_at(datetime(2025, 3, 10, 0, 30, tzinfo=UTC), days=1)  # 07:30 in Vietnam
    assert explanation.due_at.isoformat() == "2025-03-10T17:00:00+07:00"
    assert explanation.received_at.isoformat() == "2025-03-10T07:30:00+07:00"


def test_twenty_days_are_counted_period_by_period(cal):
    explanation = cal.due_at(vn(2025, 3, 3, 8, 0), days=20)
    # 3/3 two periods, 19 full days × 2, Mon 31/3 07:30–08:00: one entry per period, not per minute.
    assert len(explanation.periods) == 41
    assert sum(p.minutes for p in explanation.periods) == explanation.working_minutes == 20 * 480
    assert explanation.periods[-1] == (
        vn(2025, 3, 31, 7, 30),
        vn(2025, 3, 31, 8, 0),
        30,
    )


def test_holidays_are_built_once_per_year(monkeypatch):
    calls: Counter[int] = Counter()
    real = holidays.country_holidays

    def counting(country, years, **kwargs):
        calls[years] += 1
        return real(country, years=years, **kwargs)

    monkeypatch.setattr(holiday_source_module.holidays, "country_holidays", counting)
    cal = WorkingCalendar(holiday_source=VietnamHolidays())
    cal.due_at(vn(2025, 11, 3, 8, 0), days=120)  # runs into 2026
    cal.due_at(vn(2025, 6, 2, 8, 0), days=20)
    assert set(calls) >= {2025, 2026}
    assert max(calls.values()) == 1


# ------------------------------------------------------------------- explanation


def test_explanation_periods_are_exact(cal):
    explanation = cal.due_at(vn(2025, 3, 10, 10, 0), days=1)
    assert explanation.counting_started_at == vn(2025, 3, 10, 10, 0)
    assert explanation.periods == [
        (vn(2025, 3, 10, 10, 0), vn(2025, 3, 10, 11, 30), 90),
        (vn(2025, 3, 10, 13, 0), vn(2025, 3, 10, 17, 0), 240),
        (vn(2025, 3, 11, 7, 30), vn(2025, 3, 11, 10, 0), 150),
    ]
    assert explanation.skipped == []


def test_explanation_across_tet_2025_skips_days_with_reasons(cal):
    explanation = cal.due_at(vn(2025, 1, 24, 10, 0), days=3)
    assert explanation.skipped == [
        (date(2025, 1, 25), "Thứ Bảy"),
        (date(2025, 1, 26), "Chủ nhật"),
        (date(2025, 1, 27), "Nghỉ lễ: 29 Tết"),
        (date(2025, 1, 28), "Nghỉ lễ: Giao thừa Tết Nguyên Đán"),
        (date(2025, 1, 29), "Nghỉ lễ: Tết Nguyên Đán"),
        (date(2025, 1, 30), "Nghỉ lễ: Mùng hai Tết Nguyên Đán"),
        (date(2025, 1, 31), "Nghỉ lễ: Mùng ba Tết Nguyên Đán"),
        (date(2025, 2, 1), "Nghỉ lễ: Mùng bốn Tết Nguyên Đán (trùng Thứ Bảy)"),
        (date(2025, 2, 2), "Chủ nhật"),
    ]
    lines = explanation.lines()
    assert lines[0] == "Thời điểm tiếp nhận: 10:00 Thứ Sáu, 24/01/2025"
    assert lines[1] == (
        "Bắt đầu tính: 10:00 Thứ Sáu, 24/01/2025 (tiếp nhận trong giờ làm việc: tính ngay từ thời điểm này)"
    )
    assert lines[2] == (
        "Thời gian giải quyết: 3 ngày làm việc = 1.440 phút làm việc (1 ngày làm việc = 8 giờ làm việc)"
    )
    assert "  - Thứ Sáu, 24/01/2025: 10:00–11:30, 13:00–17:00 (330 phút)" in lines
    assert "  - 25/01/2025: Thứ Bảy (nghỉ hằng tuần)" in lines
    assert "  - 26/01/2025: Chủ nhật (nghỉ hằng tuần)" in lines
    assert "  - Thứ Tư, 29/01/2025: Nghỉ lễ: Tết Nguyên Đán" in lines
    assert lines[-1] == "Hạn trả kết quả: 10:00 Thứ Tư, 05/02/2025"


def test_explanation_says_why_counting_started_later(cal):
    explanation = cal.due_at(vn(2025, 3, 14, 15, 30), days=1)
    assert explanation.counting_started_at == vn(2025, 3, 17, 7, 30)
    assert explanation.lines()[1] == (
        "Bắt đầu tính: 07:30 Thứ Hai, 17/03/2025 (tiếp nhận sau giờ chốt 15:00: tính từ 07:30 Thứ Hai, 17/03/2025)"
    )
    assert [d.reason for d in explanation.skipped] == ["Thứ Bảy", "Chủ nhật"]


def test_explanation_of_receipt_on_holiday_names_it(cal):
    explanation = cal.due_at(vn(2025, 4, 30, 9, 0), hours=4)
    assert explanation.due_at == vn(2025, 5, 5, 11, 30)
    assert "tiếp nhận vào ngày nghỉ (Nghỉ lễ: Ngày Chiến thắng)" in explanation.lines()[1]
    assert "  - Thứ Năm, 01/05/2025: Nghỉ lễ: Ngày Quốc tế Lao động" in explanation.lines()


# --------------------------------------------------------- add_working_time


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        pytest.param(vn(2025, 3, 10, 10, 0), 480, vn(2025, 3, 11, 10, 0), id="one-day-of-minutes"),
        pytest.param(
            vn(2025, 3, 10, 12, 0),
            60,
            vn(2025, 3, 10, 14, 0),
            id="from-lunch-starts-13:00",
        ),
        pytest.param(vn(2025, 3, 15, 12, 0), 30, vn(2025, 3, 17, 8, 0), id="from-saturday"),
        pytest.param(
            vn(2025, 3, 10, 12, 0),
            0,
            vn(2025, 3, 10, 13, 0),
            id="zero-moves-to-working-moment",
        ),
        pytest.param(
            vn(2025, 3, 14, 16, 30),
            30,
            vn(2025, 3, 14, 17, 0),
            id="last-minute-at-17:00-same-day",
        ),
        pytest.param(
            vn(2025, 3, 14, 16, 30),
            31,
            vn(2025, 3, 17, 7, 31),
            id="one-more-minute-is-monday",
        ),
        pytest.param(
            vn(2025, 3, 10, 16, 0),
            30,
            vn(2025, 3, 10, 16, 30),
            id="no-cutoff-when-adding",
        ),
    ],
)
def test_add_working_time(cal, start, minutes, expected):
    assert cal.add_working_time(start, minutes) == expected


# ---------------------------------------------------- working_minutes_between


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(vn(2025, 3, 10, 8, 0), vn(2025, 3, 10, 10, 0), 120, id="inside-one-period"),
        pytest.param(
            vn(2025, 3, 10, 11, 0),
            vn(2025, 3, 10, 13, 30),
            60,
            id="lunch-does-not-count",
        ),
        pytest.param(vn(2025, 3, 10, 12, 0), vn(2025, 3, 10, 12, 45), 0, id="both-in-lunch"),
        pytest.param(
            vn(2025, 3, 10, 7, 0),
            vn(2025, 3, 10, 18, 0),
            480,
            id="whole-day-is-8-hours",
        ),
        pytest.param(
            vn(2025, 3, 14, 16, 0),
            vn(2025, 3, 17, 8, 0),
            90,
            id="weekend-does-not-count",
        ),
        pytest.param(
            vn(2025, 1, 24, 16, 0),
            vn(2025, 2, 3, 8, 0),
            90,
            id="tet-2025-does-not-count",
        ),
        pytest.param(
            vn(2025, 9, 1, 8, 0),
            vn(2025, 9, 2, 16, 0),
            0,
            id="2/9-holidays-do-not-count",
        ),
        pytest.param(
            vn(2025, 3, 10, 10, 0),
            vn(2025, 3, 10, 8, 0),
            -120,
            id="reversed-is-negative",
        ),
        pytest.param(
            datetime(2025, 3, 10, 1, 0, tzinfo=UTC),
            vn(2025, 3, 10, 9, 0),
            60,
            id="mixed-zones-compared-as-instants",
        ),
        pytest.param(
            vn(2025, 3, 3, 8, 0),
            vn(2025, 3, 31, 8, 0),
            20 * 480,
            id="inverse-of-20-day-due",
        ),
    ],
)
def test_working_minutes_between(cal, a, b, expected):
    assert cal.working_minutes_between(a, b) == expected


def _minutes_by_walking(cal: WorkingCalendar, a: datetime, b: datetime) -> int:
    """The definition, period by period (the engine counts whole days from a per-day cache instead)."""
    start, end = cal._local(a), cal._local(b)
    if start > end:
        return -_minutes_by_walking(cal, b, a)
    total = 0
    for begin, stop in cal._iter_periods(start):
        if begin >= end:
            break
        total += int((min(stop, end) - begin).total_seconds()) // 60
    return total


def test_working_minutes_between_counts_whole_days_as_walking_the_periods_does():
    """Across Tết, a day off and a swapped working day (overrides), a Saturday morning schedule, lunch
    breaks, same-day and reversed spans, seconds, and spans of months: the same minutes as walking
    every working period (a late dossier's lateness on the oversight queues)."""
    import random

    hours = WorkingHours(periods=(DEFAULT_PERIODS,) * 5 + ((Period(time(7, 30), time(11, 30)),), ()))
    overrides = [Override(date(2025, 3, 14), "day_off", "x"), Override(date(2025, 3, 16), "working_day", "y")]
    rng = random.Random(17)
    for cal in (WorkingCalendar(), WorkingCalendar(hours, overrides)):
        base = vn(2025, 1, 20)
        moments = [base + timedelta(minutes=rng.randrange(0, 200 * 24 * 60), seconds=rng.randrange(60))
                   for _ in range(120)]  # fmt: skip
        moments += [vn(2025, 3, 14, 9), vn(2025, 3, 16, 10), vn(2025, 1, 24, 11, 45), vn(2025, 1, 24, 12, 10)]
        for a in moments:
            for b in [*rng.sample(moments, 12), a, a + timedelta(minutes=5), a + timedelta(days=1)]:
                assert cal.working_minutes_between(a, b) == _minutes_by_walking(cal, a, b), (a, b)
    # Tết 2025 (25/1 – 2/2): no minute counts; the Friday before to the Monday after: 2 half-days.
    assert WorkingCalendar().working_minutes_between(vn(2025, 1, 24, 13), vn(2025, 2, 3, 12)) == 240 + 240


# --------------------------------------------------------------- pause / resume

# Received Mon 10/3/2025 08:00, 5 working days (2400 min): 450 on Monday, Tue–Fri 1920,
# Mon 17/3 30 min → due 08:00 Mon 17/3. Paused Wed 12/3 10:00 after 1080 min: 1320 remain.
RECEIVED, PAUSED = vn(2025, 3, 10, 8, 0), vn(2025, 3, 12, 10, 0)


def test_pause_keeps_remaining_working_minutes(cal):
    due = cal.due_at(RECEIVED, days=5).due_at
    assert due == vn(2025, 3, 17, 8, 0)
    assert cal.remaining_minutes(due, PAUSED) == 1320
    assert cal.working_minutes_between(RECEIVED, PAUSED) + 1320 == 2400


@pytest.mark.parametrize(
    ("resumed", "cutoff", "start", "due"),
    [
        # 24/3 14:00–17:00 180, 25–26/3 960, Thu 27/3 07:30–10:30 180.
        pytest.param(
            vn(2025, 3, 24, 14, 0),
            None,
            vn(2025, 3, 24, 14, 0),
            vn(2025, 3, 27, 10, 30),
            id="resume-in-hours",
        ),
        # From 13:00: 240, 26–27/3 960, Fri 28/3 120 → 09:30.
        pytest.param(
            vn(2025, 3, 25, 12, 15),
            None,
            vn(2025, 3, 25, 13, 0),
            vn(2025, 3, 28, 9, 30),
            id="resume-at-lunch",
        ),
        # No cut-off on resume: 16:00–17:00 counts (60), 25–26/3 960, 27/3 300 → 14:00.
        pytest.param(
            vn(2025, 3, 24, 16, 0),
            None,
            vn(2025, 3, 24, 16, 0),
            vn(2025, 3, 27, 14, 0),
            id="resume-after-15:00-no-cutoff",
        ),
        # Opt-in cut-off: starts Tue 25/3, 960, Thu 27/3 360 → 15:00.
        pytest.param(
            vn(2025, 3, 24, 16, 0),
            time(15),
            vn(2025, 3, 25, 7, 30),
            vn(2025, 3, 27, 15, 0),
            id="resume-with-opt-in-cutoff",
        ),
        pytest.param(
            vn(2025, 3, 24, 17, 5),
            None,
            vn(2025, 3, 25, 7, 30),
            vn(2025, 3, 27, 15, 0),
            id="resume-after-closing",
        ),
        # Saturday → Mon 31/3 07:30; 31/3 and 1/4 960; Wed 2/4 360 → 15:00.
        pytest.param(
            vn(2025, 3, 29, 9, 0),
            None,
            vn(2025, 3, 31, 7, 30),
            vn(2025, 4, 2, 15, 0),
            id="resume-on-weekend",
        ),
    ],
)
def test_resume_adds_remaining_minutes_from_supplement(cal, resumed, cutoff, start, due):
    explanation = cal.resume(1320, resumed, cutoff=cutoff)
    assert (explanation.counting_started_at, explanation.due_at) == (start, due)
    assert cal.working_minutes_between(explanation.counting_started_at, explanation.due_at) == 1320


def test_resume_explanation_lines(cal):
    lines = cal.resume(1320, vn(2025, 3, 24, 12, 0)).lines()
    assert lines[0] == "Thời điểm bổ sung hồ sơ: 12:00 Thứ Hai, 24/03/2025"
    assert lines[1] == (
        "Bắt đầu tính: 13:00 Thứ Hai, 24/03/2025"
        " (thời gian bổ sung hồ sơ không tính; bổ sung trong giờ nghỉ trưa: tính từ 13:00)"
    )
    assert lines[2].startswith("Thời gian giải quyết: thời gian còn lại khi tạm dừng = 1.320 phút làm việc")


def test_pause_after_due_is_negative_and_cannot_resume(cal):
    assert cal.remaining_minutes(vn(2025, 3, 17, 8, 0), vn(2025, 3, 17, 9, 0)) == -60
    with pytest.raises(ValueError):
        cal.resume(-60, vn(2025, 3, 18, 9, 0))


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda c: c.start_of_counting(datetime(2025, 3, 10, 9)),
            id="start_of_counting",
        ),
        pytest.param(lambda c: c.due_at(datetime(2025, 3, 10, 9), days=1), id="due_at"),
        pytest.param(
            lambda c: c.add_working_time(datetime(2025, 3, 10, 9), 10),
            id="add_working_time",
        ),
        pytest.param(
            lambda c: c.working_minutes_between(vn(2025, 3, 10), datetime(2025, 3, 11)),
            id="between",
        ),
        pytest.param(lambda c: c.resume(10, datetime(2025, 3, 10, 9)), id="resume"),
        pytest.param(lambda c: c.day_info(datetime(2025, 3, 10, 9)), id="day_info"),
    ],
)
def test_naive_datetimes_are_rejected(cal, call):
    with pytest.raises(ValueError, match="naive"):
        call(cal)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({}, id="no-duration"),
        pytest.param({"days": -1}, id="negative-days"),
        pytest.param({"hours": 0.01}, id="not-whole-minutes"),
    ],
)
def test_bad_durations_are_rejected(cal, kwargs):
    with pytest.raises(ValueError):
        cal.due_at(vn(2025, 3, 10, 9), **kwargs)


def test_overlapping_periods_are_rejected():
    with pytest.raises(ValueError, match="overlap"):
        WorkingHours.uniform([(time(7, 30), time(12, 0)), (time(11, 0), time(17, 0))])


# --------------------------------------------------------------- working hours


def test_custom_working_hours_saturday_morning_and_7_hour_day():
    hours = WorkingHours(
        periods=(DEFAULT_PERIODS,) * 5 + ((Period(time(7, 30), time(11, 30)),), ()),
        hours_per_day=7,
    )
    cal = WorkingCalendar(hours)
    assert cal.day_info(date(2025, 3, 15)).kind is DayKind.WORKING
    # Fri 14/3 14:00: 180 min Friday, Saturday morning 240 → 420 = 7 hours → Sat 11:30.
    assert cal.due_at(vn(2025, 3, 14, 14, 0), days=1).due_at == vn(2025, 3, 15, 11, 30)


def test_working_day_override_uses_custom_makeup_periods():
    hours = WorkingHours(makeup_periods=((time(8, 0), time(12, 0)),))
    cal = WorkingCalendar(hours, [Override(date(2025, 3, 15), "working_day", "x")])
    assert cal.day_info(date(2025, 3, 15)).periods == (Period(time(8, 0), time(12, 0)),)


# ------------------------------------------------------------- holiday source


def test_holiday_names_are_vietnamese():
    assert VietnamHolidays().language == "vi"
    assert VietnamHolidays().holiday_name(date(2025, 4, 30)) == "Ngày Chiến thắng"


def test_holiday_names_fall_back_to_english(monkeypatch):
    assert holiday_source_module._supported_languages() == ("en_US", "th", "vi")
    monkeypatch.setattr(holiday_source_module, "_supported_languages", lambda: ("en_US", "th"))
    source = VietnamHolidays(language="vi")
    assert source.language == "en_US"
    assert source.holiday_name(date(2025, 4, 30)) == "Liberation Day/Reunification Day"
    assert source.state_working_day_note(date(2025, 4, 26)).endswith("(nghỉ thay vào ngày 02/05/2025)")
