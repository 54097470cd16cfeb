"""The "due soon" thresholds in working time, per working calendar (DESIGN §4.3).

Working time is not linear in clock time, so "at most one working day left" is not a fixed
interval: for `now` we compute the instant T such that the working minutes from now to T are the
given amount (`WorkingCalendar.add_working_time`) and select `now < deadline <= T`. Since the
working minutes up to a deadline never decrease as the deadline moves later, this is exact — up
to a deadline lying in a non-working gap just after T (e.g. 12:00 when T is 11:30), which has
exactly the amount left and crosses at the next sweep, a few minutes later.

Calendars differ only where an agency (or an ancestor) has its own `AgencyWorkingHours`; a province
has a handful. A dossier's deadlines are computed in the calendar of its receiving agency
(`onestop.backoffice.clock`), so the threshold is chosen by `dossier.agency_id`: one value for
the agencies on the default schedule, and one per other calendar, written as a CASE over the
(few) agencies that differ. Cost per sweep: one query on the small working-hours table, plus one on
the agency tree when some agency has its own hours — whatever the number of dossiers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.models import Agency

from ..models import AgencyWorkingHours
from ..workcalendar import WorkingCalendar
from ..workcalendar.django_calendar import calendar_for_agency


@dataclass(frozen=True)
class Threshold:
    """T for the agencies on the default calendar, and T per group of agencies on another one."""

    default: dt.datetime
    by_agencies: dict[dt.datetime, tuple[int, ...]] = field(default_factory=dict)

    @property
    def latest(self) -> dt.datetime:
        """The widest bound: the index range the database scans before the per-agency CASE."""
        return max([self.default, *self.by_agencies])

    def for_agency(self, agency_id: int) -> dt.datetime:
        for value, ids in self.by_agencies.items():
            if agency_id in ids:
                return value
        return self.default


class Calendars:
    """The working calendars in use and the agencies on each, loaded once per sweep."""

    def __init__(self) -> None:
        self.default = calendar_for_agency(None)
        # agency ids per non-default calendar, keyed by the calendar's owner (agency with the hours)
        self.groups: list[tuple[WorkingCalendar, tuple[int, ...]]] = []
        owners = set(AgencyWorkingHours.objects.values_list("agency_id", flat=True))
        if not owners:
            return
        parents = dict(Agency.objects.values_list("pk", "parent_id"))
        members: dict[int, list[int]] = {}
        for agency_id in parents:
            owner = _owner(agency_id, owners, parents)
            if owner is not None:
                members.setdefault(owner, []).append(agency_id)
        for owner, ids in members.items():
            # The registry resolves the calendar itself (it may ignore invalid hours and inherit).
            calendar = calendar_for_agency(Agency(pk=owner, parent_id=parents.get(owner)))
            if calendar is not self.default:
                self.groups.append((calendar, tuple(sorted(ids))))

    def threshold(self, now: dt.datetime, minutes: int) -> Threshold:
        default = self.default.add_working_time(now, minutes)
        by_agencies: dict[dt.datetime, list[int]] = {}
        for calendar, ids in self.groups:
            value = calendar.add_working_time(now, minutes)
            if value != default:
                by_agencies.setdefault(value, []).extend(ids)
        return Threshold(default, {value: tuple(sorted(ids)) for value, ids in by_agencies.items()})


def _owner(agency_id: int, owners: set[int], parents: dict[int, int | None]) -> int | None:
    """The agency whose working hours apply: itself or its nearest ancestor with some (None = default)."""
    node: int | None = agency_id
    seen: set[int] = set()
    while node is not None and node not in seen:
        if node in owners:
            return node
        seen.add(node)
        node = parents.get(node)
    return None
