"""Deadlines of a dossier in working time (DESIGN §4.3): stored when a dossier enters a state,
never recomputed on the fly; the periodic sweep compares them with now (STYLE §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..models import Dossier
from ..workcalendar.django_calendar import calendar_for_agency


def _cutoff(dossier: Dossier) -> dt.time:
    text = (dossier.snapshot or {}).get("cutoff_time") or dossier.procedure.cutoff_time.strftime("%H:%M")
    return dt.time.fromisoformat(text)


def processing_time(dossier: Dossier) -> tuple[Decimal, str] | None:
    """The statutory time of the dossier's channel (or the counter's), from its snapshot."""
    times = (dossier.snapshot or {}).get("times", [])
    chosen = next((t for t in times if t["channel"] == dossier.channel), None) or next(
        (t for t in times if t["channel"] == 1), None
    )
    return (Decimal(chosen["amount"]), chosen["unit"]) if chosen else None


def processing_due(dossier: Dossier, received_at: dt.datetime) -> dt.datetime | None:
    """The appointment for the result (form 01, item 5)."""
    time = processing_time(dossier)
    if time is None:
        return None
    amount, unit = time
    calendar = calendar_for_agency(dossier.agency)
    if unit == "working_hours":
        return calendar.due_at(received_at, hours=amount, cutoff=_cutoff(dossier)).due_at
    if unit == "working_days":
        return calendar.due_at(received_at, days=amount, cutoff=_cutoff(dossier)).due_at
    # Calendar days: counted from the start of counting, ending at the close of that day's work.
    start = calendar.start_of_counting(received_at, cutoff=_cutoff(dossier))
    return calendar.add_working_time(start + dt.timedelta(days=int(amount)), 0)


def step_due(dossier: Dossier, step: dict, start: dt.datetime) -> dt.datetime:
    """A process step's deadline: its duration in working hours from `start` (no cut-off)."""
    calendar = calendar_for_agency(dossier.agency)
    return calendar.due_at(start, hours=Decimal(str(step["hours"])), cutoff=None).due_at


def pause(dossier: Dossier, now: dt.datetime) -> dict:
    """Field values that stop the clock at a supplement request, keeping the working minutes left."""
    calendar = calendar_for_agency(dossier.agency)
    values: dict = {"paused_at": now}
    if dossier.due_at:
        values["remaining_minutes"] = calendar.remaining_minutes(dossier.due_at, now)
    if dossier.step_due_at:
        values["step_remaining_minutes"] = calendar.remaining_minutes(dossier.step_due_at, now)
    return values


def resume(dossier: Dossier, now: dt.datetime) -> dict:
    """Field values that restart the clock when the citizen supplements (the time in between does
    not count, Decree 118/2025/NĐ-CP practice). A dossier paused already overdue stays overdue at `now`."""
    calendar = calendar_for_agency(dossier.agency)
    values: dict = {"paused_at": None, "remaining_minutes": None, "step_remaining_minutes": None}
    if dossier.remaining_minutes is not None:
        values["due_at"] = calendar.resume(max(dossier.remaining_minutes, 0), now).due_at
    if dossier.step_remaining_minutes is not None:
        values["step_due_at"] = calendar.resume(max(dossier.step_remaining_minutes, 0), now).due_at
    if dossier.received_at is None:  # still waiting for the check: the 8 working hours restart
        values["check_due_at"] = calendar.due_at(now, hours=8, cutoff=None).due_at
    return values


def working_minutes_left(dossier: Dossier, now: dt.datetime) -> int | None:
    if dossier.due_at is None:
        return None
    return calendar_for_agency(dossier.agency).working_minutes_between(now, dossier.due_at)


def minutes_per_working_day(dossier: Dossier) -> int:
    return calendar_for_agency(dossier.agency).working_hours.minutes_per_day
