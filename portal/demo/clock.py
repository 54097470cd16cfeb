"""The demo's clock: seeded dossiers happen at working moments, like real ones.

The workflow reads `django.utils.timezone.now()` for every time it records (submission, reception,
events) and computes every deadline from those with the working calendar (onestop.workcalendar). The
demo used to run all of them at the moment of seeding — at night, say — and then shift the rows back
by a number of days, so that deadlines fell at 03:36 or on a Sunday. Instead, while the demo seeds,
`timezone.now()` reads this clock: each dossier starts at a working moment some days back (a working
day, inside its working hours, never later than the real now) and the clock moves on by a few
milliseconds per reading, so the actions keep their order and every deadline is the calendar's.
Between two actions of an officer, the demo walk (portal.demo.walk) spends working time on it
(`spend`): hours or days, as officers take, so that the timelines and the statistics' processing times
look like real ones — without that, a dossier's whole history fitted in one second.
Demo only: nothing else patches the clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone

from onestop.workcalendar.django_calendar import calendar_for_agency

TICK = dt.timedelta(milliseconds=5)
# A dossier's walk reads the clock a few hundred times (seconds of demo time), a whole seed some tens
# of thousands (minutes): each start leaves this much of its working period, so that nothing runs
# into the lunch break or the evening.
ROOM = dt.timedelta(minutes=20)

_ACTIVE: list[WorkingClock] = []


def active_clock() -> WorkingClock | None:
    """The clock `timezone.now()` reads (None outside `working_clock`: the real one)."""
    return _ACTIVE[-1] if _ACTIVE else None


def start_days_back(low: float, high: float) -> None:
    """Start the next dossier at a working moment `low` to `high` days back (nothing on the real clock)."""
    if (clock := active_clock()) is not None:
        clock.start(days_back=clock.pace.uniform(low, high))


def take_a_while(*, after: dt.datetime | None = None) -> None:
    """An officer's or citizen's while before the next action, from `after` if the clock is before it
    (nothing on the real clock)."""
    if (clock := active_clock()) is not None:
        if after is not None and clock.current < after:
            clock.current = after
        clock.a_while()


class WorkingClock:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.real_now = timezone.now()
        self.calendar = calendar_for_agency(None)
        self.current = self.moment(days_back=0.2)
        # How long officers take (`spend`): a generator of its own, so that the seed's choices (which
        # procedures, applicants, starts) stay those of `rng`.
        self.pace = random.Random(8)  # noqa: S311 — demo data, not security

    def now(self) -> dt.datetime:
        self.current += TICK
        return self.current

    def start(self, *, days_back: float) -> dt.datetime:
        """Move the clock to a working moment about `days_back` calendar days ago."""
        self.current = self.moment(days_back=days_back)
        return self.current

    def spend(self, minutes: float) -> dt.datetime:
        """Move on by about `minutes` working minutes (an officer's time before the next action), to a
        working moment with ROOM left in its period. Never past the real now: at most half the working
        time left until then (the actions after it need some too), nothing when that is too little."""
        calendar = self.calendar
        latest = self.real_now - ROOM
        left = calendar.working_minutes_between(self.current, latest) if self.current < latest else 0
        minutes = int(min(minutes, left / 2))
        if minutes < 1:
            return self.current
        at = calendar.add_working_time(self.current, minutes)
        for _ in range(100):  # into the next working period when this one has less than ROOM left
            if self._fits(at):
                break
            at = calendar.add_working_time(at, 5)
        if self._fits(at) and at <= latest:
            self.current = at.astimezone(dt.UTC)
        return self.current

    def a_while(self) -> dt.datetime:
        """Twenty minutes to half a working day later (`spend`): before an action outside the walk."""
        return self.spend(self.pace.uniform(20, 240))

    def _fits(self, at: dt.datetime) -> bool:
        return self.calendar.working_minutes_between(at, at + ROOM) == ROOM.total_seconds() // 60

    def moment(self, *, days_back: float) -> dt.datetime:
        """A random working moment on the last working day at or before `days_back` days ago, with ROOM
        left in its working period, before the real now."""
        calendar = self.calendar
        day = (timezone.localtime(self.real_now) - dt.timedelta(days=days_back)).date()
        per_day = calendar.working_hours.minutes_per_day
        for _ in range(60):
            midnight = dt.datetime.combine(day, dt.time.min, tzinfo=calendar.tz)
            if calendar.is_working_day(day):
                for _try in range(10):
                    at = calendar.add_working_time(midnight, self.rng.randrange(0, per_day))
                    if self._fits(at) and at + ROOM < self.real_now:
                        return at.astimezone(dt.UTC)
            day -= dt.timedelta(days=1)
        raise RuntimeError("no working day in the last two months: check the working calendar")


@contextlib.contextmanager
def working_clock(rng: random.Random) -> Iterator[WorkingClock]:
    """While inside, `timezone.now()` reads a WorkingClock (the demo seed only)."""
    clock = WorkingClock(rng)
    _ACTIVE.append(clock)
    try:
        with mock.patch("django.utils.timezone.now", clock.now):
            yield clock
    finally:
        _ACTIVE.remove(clock)
