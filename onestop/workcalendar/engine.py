"""Working-calendar engine: working days, start of counting, due moments, pause and resume.

Pure Python, no Django: the ``CalendarOverride`` model and the management command feed it plain
``Override`` values and print ``Explanation.lines()``.

Rules (DESIGN §4.3; where they come from):

* Working days: the agency's weekly schedule (``WorkingHours``; state agencies rest Saturday and
  Sunday, Decision 188/1999/QĐ-TTg; weekly rest, Labour Code 2019 art. 111), minus the public
  holidays of art. 112 and the compensatory days of art. 111(3) (both from the ``holidays``
  package, see ``holiday_source``), plus/minus the Prime Minister's yearly swaps (art. 112(3) lets
  the PM fix the Tết and 2/9 days; swaps the package does not know come as ``Override`` data).
  Precedence: override > package holiday > package "Saturday worked" swap > weekly schedule.
* Receipt (Decree 118/2025/NĐ-CP, which replaced Decrees 61/2018 and 107/2021 on 1/7/2025; configurable): a dossier
  received inside a working period at or before the cut-off (default 15:00) counts from that
  moment; in a break it counts from the next period (13:00 after lunch); before opening, from the
  opening; after the cut-off, after closing or on a day off, from the first period of the next
  working day.
* Durations: N working days = N × ``hours_per_day`` working hours, added period by period (never
  minute by minute). The due moment is the instant the last working minute is used, so a period
  ending at 17:00 gives 17:00 that day, not the next opening.
* Supplement (Decree 118/2025/NĐ-CP practice): the citizen's supplement time does not count. At the pause
  the remaining working minutes are kept (``remaining_minutes``); at the supplement the clock
  restarts with them (``resume``).
* Resolution: one minute. Inputs are truncated to the minute, as form 01 (receipt and appointment
  slip, Circular 01/2018/TT-VPCP, now 03/2025/TT-VPCP) records hours and minutes: a dossier
  received at 15:00:40 is "15 giờ 00 phút" and counts that day; 15:01 counts from the next day.
* Time zones: every datetime argument must be aware (ValueError otherwise) and may be in any zone;
  results are in the calendar's zone (Asia/Ho_Chi_Minh by default). Period arithmetic is done in
  wall-clock time, which is exact for Vietnam (no daylight saving time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from .days import DayInfo, DayKind, Override, OverrideKind
from .explanation import (
    CountedPeriod,
    DayNote,
    Explanation,
    format_moment,
    format_number,
    weekday_vi,
)
from .holiday_source import HolidaySource, VietnamHolidays
from .hours import WorkingHours

__all__ = [
    "DEFAULT_CUTOFF",
    "VN_TZ",
    "DayInfo",
    "DayKind",
    "Override",
    "OverrideKind",
    "WorkingCalendar",
]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_CUTOFF = time(15, 0)

# Safety net: a calendar with no working day for this many consecutive days is misconfigured.
_MAX_IDLE_DAYS = 400

# One shared cache of the package's holidays (per year) for all calendars of the process.
_shared_holidays: VietnamHolidays | None = None


def _default_holidays() -> VietnamHolidays:
    global _shared_holidays
    if _shared_holidays is None:
        _shared_holidays = VietnamHolidays()
    return _shared_holidays


class WorkingCalendar:
    def __init__(
        self,
        working_hours: WorkingHours | None = None,
        overrides: Iterable[Override] = (),
        tz: tzinfo = VN_TZ,
        *,
        holiday_source: HolidaySource | None = None,
    ) -> None:
        self.working_hours = working_hours if working_hours is not None else WorkingHours()
        self.tz = tz
        self.holidays: HolidaySource = holiday_source if holiday_source is not None else _default_holidays()
        self._overrides = _index_overrides(overrides)
        self._days: dict[date, DayInfo] = {}
        self._day_minutes: dict[date, int] = {}  # a whole working day's minutes (working_minutes_between)

    # ----------------------------------------------------------------- days

    def day_info(self, day: date) -> DayInfo:
        """Whether ``day`` is a working day and why not (an aware datetime means its local date)."""
        if isinstance(day, datetime):
            day = self._local(day).date()
        info = self._days.get(day)
        if info is None:
            info = self._days[day] = self._compute_day(day)
        return info

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day).is_working

    def _compute_day(self, day: date) -> DayInfo:
        hours = self.working_hours
        weekly = hours.for_weekday(day.weekday())
        holiday = self.holidays.holiday_name(day)
        override = self._overrides.get(day)
        # An override wins over the package and over the weekly rest.
        if override is not None:
            basis = override.basis
            suffix = f": {basis}" if basis else ""
            if override.kind is OverrideKind.DAY_OFF:
                reason = f"Ngày nghỉ theo quyết định{suffix}"
                kind, periods = DayKind.OVERRIDE_DAY_OFF, ()
            else:
                # A rest day made a working day follows the normal weekday schedule.
                reason = f"Ngày làm việc theo quyết định{suffix}"
                kind, periods = (
                    DayKind.OVERRIDE_WORKING_DAY,
                    weekly or hours.working_day_periods,
                )
            return DayInfo(day, kind, reason, periods, holiday, basis)
        if holiday:
            # Art. 112 holiday or art. 111(3) compensatory day ("… (nghỉ bù)"), as the package lists them.
            reason = f"Nghỉ lễ: {holiday}"
            if not weekly:
                reason += f" (trùng {weekday_vi(day)})"
            return DayInfo(day, DayKind.HOLIDAY, reason, (), holiday)
        if not weekly:
            note = self.holidays.state_working_day_note(day)
            # The Saturday worked in exchange for a weekday off (PM's swap).
            if note is not None:
                return DayInfo(day, DayKind.STATE_WORKING_DAY, note, hours.working_day_periods)
            return DayInfo(day, DayKind.WEEKLY_REST, weekday_vi(day))
        return DayInfo(day, DayKind.WORKING, "Ngày làm việc", weekly)

    # ------------------------------------------------------------- counting

    def start_of_counting(self, received_at: datetime, cutoff: time | None = DEFAULT_CUTOFF) -> datetime:
        """The moment the processing time starts for a dossier received at ``received_at``."""
        return self._start(self._local(received_at), cutoff)[0]

    def add_working_time(self, start: datetime, minutes: int) -> datetime:
        """``start`` (moved to the next working moment if outside working time) + ``minutes`` working minutes."""
        begin, _ = self._start(self._local(start), None)
        return self._consume(begin, _check_minutes(minutes))[0]

    def due_at(
        self,
        received_at: datetime,
        *,
        days: float | Decimal | None = None,
        hours: float | Decimal | None = None,
        cutoff: time | None = DEFAULT_CUTOFF,
    ) -> Explanation:
        """Due moment of a processing time of ``days`` working days and/or ``hours`` working hours."""
        if days is None and hours is None:
            raise ValueError("due_at needs days= or hours=")
        minutes_per_day = self.working_hours.minutes_per_day
        total = _decimal(days) * minutes_per_day + _decimal(hours) * 60
        if total < 0 or total != total.to_integral_value():
            raise ValueError(f"processing time must be a non-negative whole number of minutes, got {total}")
        parts = []
        if days is not None:
            parts.append(f"{format_number(float(days))} ngày làm việc")
        if hours is not None:
            parts.append(f"{format_number(float(hours))} giờ làm việc")
        local = self._local(received_at)
        start, note = self._start(local, cutoff)
        return self._explain(
            local,
            start,
            f"tiếp nhận {note}",
            int(total),
            " + ".join(parts),
            "Thời điểm tiếp nhận",
        )

    # ------------------------------------------------------ pause / resume

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Working minutes from ``a`` to ``b`` (negative if ``b`` is before ``a``): the working periods
        of the first and last days clipped to ``a`` and ``b``, each day between counted whole from a
        per-day cache (a dossier months late costs a look-up a day, not a walk through its periods:
        the oversight queues compute this for every row, issue #17)."""
        start, end = self._local(a), self._local(b)
        if start > end:
            return -self.working_minutes_between(b, a)
        first, last = start.date(), end.date()
        total = self._clipped_minutes(first, start, end)
        if last != first:
            day = first + timedelta(days=1)
            while day < last:
                minutes = self._day_minutes.get(day)
                if minutes is None:
                    minutes = self._day_minutes[day] = self._clipped_minutes(day, None, None)
                total += minutes
                day += timedelta(days=1)
            total += self._clipped_minutes(last, start, end)
        return total

    def _clipped_minutes(self, day: date, start: datetime | None, end: datetime | None) -> int:
        """Working minutes of ``day``'s periods within [start, end] (None: unbounded)."""
        info = self.day_info(day)
        total = 0
        for begin, stop in self._aware_periods(info) if info.is_working else ():
            if start is not None and start > begin:
                begin = start
            if end is not None and end < stop:
                stop = end
            if stop > begin:
                total += _minutes(stop - begin)
        return total

    def remaining_minutes(self, due_at: datetime, paused_at: datetime) -> int:
        """Working minutes left when the clock pauses (supplement request); negative = already overdue."""
        return self.working_minutes_between(paused_at, due_at)

    def resume(
        self,
        remaining_minutes: int,
        resumed_at: datetime,
        *,
        cutoff: time | None = None,
    ) -> Explanation:
        """New due moment when the citizen supplements at ``resumed_at`` with ``remaining_minutes`` left.

        The supplement time does not count (Decree 118/2025/NĐ-CP practice). Counting restarts at
        ``resumed_at`` with the same placement rules as a receipt (lunch → 13:00, after closing or on
        a day off → next working period) but, by default, WITHOUT the cut-off: the cut-off exists
        so that a dossier received late in the day is not charged to that day's intake work; on
        resume the dossier is already in process and the citizen is owed exactly the remaining
        working minutes, so applying it would hand the agency up to two extra working hours per
        supplement. A procedure that wants it anyway can pass ``cutoff=``.
        """
        minutes = _check_minutes(remaining_minutes)
        local = self._local(resumed_at)
        start, note = self._start(local, cutoff)
        note = f"thời gian bổ sung hồ sơ không tính; bổ sung {note}"
        return self._explain(
            local,
            start,
            note,
            minutes,
            "thời gian còn lại khi tạm dừng",
            "Thời điểm bổ sung hồ sơ",
        )

    # ------------------------------------------------------------ internals

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected an aware datetime, got {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()}: the working calendar needs aware datetimes")
        return moment.astimezone(self.tz).replace(second=0, microsecond=0)

    def _aware_periods(self, info: DayInfo) -> list[tuple[datetime, datetime]]:
        return [
            (
                datetime.combine(info.date, p.start, tzinfo=self.tz),
                datetime.combine(info.date, p.end, tzinfo=self.tz),
            )
            for p in info.periods
        ]

    def _iter_periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods from ``start`` on, the first one clipped to ``start``. One step per period."""
        day, idle = start.date(), 0
        while True:
            info = self.day_info(day)
            if info.is_working:
                idle = 0
                for begin, end in self._aware_periods(info):
                    if end > start:
                        yield max(begin, start), end
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise RuntimeError(f"no working day for {_MAX_IDLE_DAYS} days after {day}: check the calendar")
            day += timedelta(days=1)

    def _next_day_start(self, day: date) -> datetime:
        following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        return next(self._iter_periods(following))[0]

    def _start(self, local: datetime, cutoff: time | None) -> tuple[datetime, str]:
        """Where counting starts for an event at ``local`` (already local), with a Vietnamese note."""
        if cutoff is not None and (cutoff.tzinfo is not None or cutoff.second or cutoff.microsecond):
            raise ValueError("cutoff is a local wall-clock time in whole minutes, without tzinfo")
        info = self.day_info(local.date())
        periods = self._aware_periods(info)
        if not periods:
            why = f"vào ngày nghỉ ({info.reason})"
        elif local >= periods[-1][1]:
            why = "sau giờ làm việc"
        elif cutoff is not None and local.time() > cutoff:
            # Cut-off (default 15:00, per procedure): received later, it counts from the next
            # working day, a provincial one-stop practice under Decree 118/2025/NĐ-CP (DESIGN §4.3).
            why = f"sau giờ chốt {cutoff:%H:%M}"
        else:
            for index, (begin, end) in enumerate(periods):
                if local < begin:  # before opening, or in the lunch break
                    where = "trước giờ làm việc" if index == 0 else "trong giờ nghỉ trưa"
                    return begin, f"{where}: tính từ {begin:%H:%M}"
                if local < end:
                    return local, "trong giờ làm việc: tính ngay từ thời điểm này"
            raise AssertionError("unreachable: local is before the end of the last period")
        next_start = self._next_day_start(local.date())
        return next_start, f"{why}: tính từ {format_moment(next_start)}"

    def _consume(self, start: datetime, minutes: int) -> tuple[datetime, list[CountedPeriod]]:
        """Use ``minutes`` working minutes from ``start`` (a working moment), period by period."""
        counted: list[CountedPeriod] = []
        if minutes == 0:
            return start, counted
        remaining = minutes
        for begin, end in self._iter_periods(start):
            used = min(_minutes(end - begin), remaining)
            stop = begin + timedelta(minutes=used)
            counted.append(CountedPeriod(begin, stop, used))
            remaining -= used
            if remaining == 0:
                # The instant the last minute is used: a period ending at 17:00 gives 17:00 that day.
                return stop, counted
        raise AssertionError("unreachable: _iter_periods is endless")

    def _explain(
        self,
        event: datetime,
        start: datetime,
        note: str,
        minutes: int,
        duration_text: str,
        event_label: str,
    ) -> Explanation:
        due, counted = self._consume(start, minutes)
        skipped: list[DayNote] = []
        extra: list[DayNote] = []
        day = event.date()
        while day <= due.date():
            info = self.day_info(day)
            if not info.is_working:
                skipped.append(DayNote(day, info.reason))
            elif info.kind in (DayKind.OVERRIDE_WORKING_DAY, DayKind.STATE_WORKING_DAY):
                extra.append(DayNote(day, info.reason))
            day += timedelta(days=1)
        return Explanation(
            due_at=due,
            counting_started_at=start,
            received_at=event,
            working_minutes=minutes,
            periods=counted,
            skipped=skipped,
            start_note=note,
            duration_text=duration_text,
            minutes_per_day=self.working_hours.minutes_per_day,
            event_label=event_label,
            extra_working_days=extra,
        )


def _index_overrides(overrides: Iterable[Override]) -> dict[date, Override]:
    index: dict[date, Override] = {}
    for override in overrides:
        if not isinstance(override, Override):
            raise TypeError(f"expected Override, got {type(override).__name__}")
        existing = index.setdefault(override.date, override)
        if existing.kind is not override.kind:
            raise ValueError(f"conflicting overrides for {override.date}: {existing.kind} and {override.kind}")
    return index


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds()) // 60


def _check_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError(f"minutes must be an int, got {type(minutes).__name__}")
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    return minutes


def _decimal(value: float | Decimal | None) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)
