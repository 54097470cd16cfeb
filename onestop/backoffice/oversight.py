"""What the oversight queues add to a row (issue #12, "Leaders and unit heads"): how late, and why.

The leaders' and heads of unit's queues (onestop.backoffice.queues: `Queue.oversight`) list dossiers
of many agencies; besides where each one sits (receiving agency, unit of the current step, officer —
columns of the row itself) they say:

* **how late** — in working time (DESIGN §4.3: 1 working day = the calendar's working minutes of a
  day, 8 hours by default), counted in the working calendar of the receiving agency, the one its
  deadlines were computed in (onestop.workflow.clock). Which deadline: the appointment (`due_at`,
  the date promised on the receipt, form 01) when it has passed; otherwise the current step's
  (`step_due_at`); for an online dossier still waiting for its check, the check's (`check_due_at`,
  8 working hours — the practice of Decree 118/2025/NĐ-CP). A dossier not late
  yet shows the working time left before its nearest deadline. A supplement request pauses the clock
  (the citizen's time does not count): such a dossier shows neither.
* **the reason recorded** — the reason of the latest extension with apology when there is one
  (Circular 03/2025 form 04: the unit records why it is late, at least one working day before the
  due date); otherwise the latest note of an action that says why the dossier waits or went back
  (`REASON_ACTIONS`: a send-back, a supplement request, a transfer to another agency, a payment
  request), named by its action. The notes of routine hand-overs (receive, forward, assign) are not
  reasons and are not shown. Everything comes from DossierEvent, the dossier's own history (STYLE §6).

Both cost a constant number of queries per page: the reasons of the page's dossiers are one query;
the working time is computed in Python from the cached working calendar (no query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from procedures.models import Agency

from .. import prepared
from ..access import AccessScope
from ..models import DossierEvent, DossierStatus, Role
from ..workcalendar.django_calendar import calendar_for_agency
from ..workcalendar.engine import WorkingCalendar
from ..workflow.registry import staff_label
from .queues import AFTER_RECEIPT_RUNNING, deadline_ids, overseen_ids, staff_of_units

S = DossierStatus
EXTEND = "extend"
# Actions whose note explains a wait or a step back (onestop.workflow.registry names).
REASON_ACTIONS = (EXTEND, "send_back", "request_supplement", "transfer", "request_payment")


@dataclass(frozen=True)
class Lateness:
    late: bool
    minutes: int  # working minutes past the deadline (late) or left before it
    which: str  # "appointment", "step" or "check"
    text: str


def working_time_text(minutes: int, minutes_per_day: int) -> str:
    """480 → "1 working day", 600 → "1 working day 2 hours", 90 → "1 working hour 30 minutes"."""
    minutes = abs(int(minutes))
    days, rest = divmod(minutes, max(minutes_per_day, 1))
    hours, mins = divmod(rest, 60)
    if days:
        text = ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}
        if hours:
            text += " " + ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
        return text
    if hours:
        text = ngettext("%(n)s working hour", "%(n)s working hours", hours) % {"n": hours}
        if mins:
            text += " " + ngettext("%(n)s minute", "%(n)s minutes", mins) % {"n": mins}
        return text
    return ngettext("%(n)s working minute", "%(n)s working minutes", mins) % {"n": mins}


WHICH_LABELS = {
    "appointment": gettext_lazy("appointment"),
    "step": gettext_lazy("current step"),
    "check": gettext_lazy("check of the online dossier"),
}


def lateness(
    row: dict, now: dt.datetime, *, upcoming: bool = False, calendars: dict[int, WorkingCalendar] | None = None
) -> Lateness | None:
    """How late a row (onestop.backoffice.queue_reads.ROW_VALUES) is at `now`, or the time left; None when
    no clock runs (supplement requested, resolved, closed). `upcoming`: the time left before the next
    deadline only (queues.Queue.upcoming: "due soon"). `calendars`: the receiving agencies' calendars
    found so far, by agency id, kept by the caller across the rows of a page (one look-up per agency)."""
    status = row["status"]
    candidates: list[tuple[str, dt.datetime]] = []
    if status == S.SUBMITTED and row["check_due_at"]:
        candidates.append(("check", row["check_due_at"]))
    elif status in AFTER_RECEIPT_RUNNING:
        if row["due_at"]:
            candidates.append(("appointment", row["due_at"]))
        if row["step_due_at"]:
            candidates.append(("step", row["step_due_at"]))
    if upcoming:
        candidates = [c for c in candidates if c[1] >= now]
    if not candidates:
        return None
    passed = [c for c in candidates if c[1] < now]
    # The appointment first: it is the date promised to the applicant and counted nationally.
    which, deadline = passed[0] if passed else min(candidates, key=lambda c: c[1])
    calendars = {} if calendars is None else calendars
    calendar = calendars.get(row["agency_id"])
    if calendar is None:
        calendar = calendars[row["agency_id"]] = calendar_for_agency(Agency(pk=row["agency_id"]))
    minutes = (
        calendar.working_minutes_between(deadline, now) if passed else calendar.working_minutes_between(now, deadline)
    )
    amount = working_time_text(minutes, calendar.working_hours.minutes_per_day)
    label = WHICH_LABELS[which]
    if passed:
        text = _("%(time)s late (%(deadline)s)") % {"time": amount, "deadline": label}
    else:
        text = _("%(time)s left (%(deadline)s)") % {"time": amount, "deadline": label}
    return Lateness(late=bool(passed), minutes=minutes, which=which, text=text)


def _reason_notes(ids: list[int]) -> QuerySet:
    """(dossier id, action, note) of the notes that may be a reason, each dossier's latest first."""
    return (
        DossierEvent.objects.filter(dossier_id__in=ids, action__in=REASON_ACTIONS)
        .exclude(note="")
        .order_by("dossier_id", "-created_at", "-pk")
        .values_list("dossier_id", "action", "note")
    )


def reasons_for(dossier_ids: Iterable[int]) -> dict[int, str]:
    """The reason recorded for each dossier (see the module's doc), in ONE query."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return {}
    # Compiled once and prepared (prepared.rows_by_ids): on every oversight page.
    found = prepared.rows_by_ids("oversight reasons", _reason_notes, '"onestop_dossierevent"."dossier_id"', ids)
    notes = found[1] if found is not None else _reason_notes(ids)
    extension: dict[int, str] = {}
    latest: dict[int, tuple[str, str]] = {}
    for dossier_id, action, note in notes:
        if action == EXTEND and dossier_id not in extension:
            extension[dossier_id] = note
        latest.setdefault(dossier_id, (action, note))
    out: dict[int, str] = {}
    for dossier_id in ids:
        if dossier_id in extension:
            out[dossier_id] = _("Extended with apology: %(reason)s") % {"reason": extension[dossier_id]}
        elif dossier_id in latest:
            action, note = latest[dossier_id]
            out[dossier_id] = f"{staff_label(action)}: {note}"
    return out


# ------------------------------------------------------------------- the filters' choices


def oversight_agencies(*, scope: AccessScope) -> list[tuple[int, str, str, int | None]]:
    """(id, name, code, parent id) of every agency whose dossiers the user's queues may show (one
    query): their own, and a leader's subtree — the agency filter's options."""
    ids = sorted(set(scope.agencies) | set(scope.led))
    return list(Agency.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name", "code", "parent_id"))


def officers_in_scope(*, scope: AccessScope) -> QuerySet:
    """The processing staff of the agencies the user's queues show — the officer filter's options."""
    ids = sorted(set(deadline_ids(scope)) | set(overseen_ids(scope)))
    return staff_of_units(agency_ids=ids, roles=[Role.RECEPTIONIST, Role.SPECIALIST, Role.APPROVER])
