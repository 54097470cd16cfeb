"""Plain values describing days: overrides (decided days off / working days) and day info."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .hours import Period

__all__ = ["DayInfo", "DayKind", "Override", "OverrideKind"]


class OverrideKind(StrEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


@dataclass(frozen=True)
class Override:
    """A decided day off or working day (e.g. the PM's swap); ``basis`` is the legal basis text."""

    date: date
    kind: OverrideKind
    basis: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise TypeError("Override.date must be a datetime.date")
        # OverrideKind(...) raises ValueError on an unknown kind.
        object.__setattr__(self, "kind", OverrideKind(self.kind))


class DayKind(StrEnum):
    WORKING = "working"
    WEEKLY_REST = "weekly_rest"
    HOLIDAY = "holiday"
    OVERRIDE_DAY_OFF = "override_day_off"
    OVERRIDE_WORKING_DAY = "override_working_day"
    # A rest day worked under a swap the package knows.
    STATE_WORKING_DAY = "state_working_day"


@dataclass(frozen=True)
class DayInfo:
    """What a date is and why. ``reason`` is Vietnamese, e.g. "Chủ nhật", "Nghỉ lễ: Quốc khánh"."""

    date: date
    kind: DayKind
    reason: str
    periods: tuple[Period, ...] = ()
    # The package's name, kept even when an override wins.
    holiday_name: str | None = None
    basis: str | None = None

    @property
    def is_working(self) -> bool:
        return bool(self.periods)
