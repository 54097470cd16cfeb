"""Where a dossier is in its process (DESIGN §4.1): the snapshot's steps, the current one, and the
field values of moving to a step. Plain reads of the dossier's snapshot: no query but `step_values`'s
agency lookup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from procedures.models import Agency, normalise_step_actions

from ..models import Dossier
from . import clock
from .errors import TransitionError


def steps_of(dossier: Dossier) -> list[dict[str, Any]]:
    """The process copied at submission (onestop.workflow.snapshot)."""
    return (dossier.snapshot or {}).get("process", [])


def current_step(dossier: Dossier) -> dict[str, Any] | None:
    steps = steps_of(dossier)
    if dossier.current_step and 1 <= dossier.current_step <= len(steps):
        return steps[dossier.current_step - 1]
    return None


def is_last_step(dossier: Dossier) -> bool:
    return bool(dossier.current_step) and dossier.current_step >= len(steps_of(dossier))


def step_allows(step: dict[str, Any], action: str) -> bool:
    """A step that lists its actions allows only those; an empty list allows all of its role's."""
    declared = normalise_step_actions(step.get("actions"))
    return not declared or action in declared


def later_step_at(dossier: Dossier, agency_code: str) -> int | None:
    """The number of the first step after the current one at another agency `agency_code`."""
    steps = steps_of(dossier)
    for number in range((dossier.current_step or 0) + 1, len(steps) + 1):
        if steps[number - 1]["agency"] == agency_code:
            return number
    return None


def transfer_targets(dossier: Dossier) -> list[str]:
    """Codes of the other agencies that hold a later step (inter-agency transfer, liên thông)."""
    here = current_step(dossier)
    here_code = here["agency"] if here else None
    codes = []
    for step in steps_of(dossier)[(dossier.current_step or 0) :]:
        if step["agency"] != here_code and step["agency"] not in codes:
            codes.append(step["agency"])
    return codes


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise TransitionError(_("The unit of the next step (%(code)s) is not in the agency list.") % {"code": code})
    return agency


def step_values(dossier: Dossier, number: int, now: dt.datetime) -> dict[str, Any]:
    """The fields of a dossier put at step `number`: its unit, a fresh step deadline, nobody assigned."""
    step = steps_of(dossier)[number - 1]
    return {
        "current_step": number,
        "step_agency": _agency(step["agency"]),
        "step_due_at": clock.step_due(dossier, step, now),
        "assignee": None,
    }


def handover(dossier: Dossier, actor, to_values: dict[str, Any]) -> dict[str, Any]:
    """Event data for form 06 (who handed over, to which unit, the step's deadline)."""
    return {
        "from_agency": dossier.step_agency.name if dossier.step_agency_id else dossier.agency.name,
        "to_agency": to_values["step_agency"].name if to_values.get("step_agency") else "",
        "from_user": actor.get_full_name() if actor is not None else "",
        "step_due_at": dossier.step_due_at.isoformat() if dossier.step_due_at else None,
        "new_step_due_at": to_values["step_due_at"].isoformat() if to_values.get("step_due_at") else None,
    }


def issuing_agency(dossier: Dossier, actor) -> Agency:
    """The agency in whose name an approver's letter to the applicant goes out (forms 04 and 05): the
    unit of the current step when the actor heads it — the unit that holds the dossier answers for its
    delay or its stop (the one-stop rules' practice, Decree 118/2025/NĐ-CP) — else
    the receiving agency, whose head they are (the action's guard: May(APPROVER, UNIT | DESK))."""
    from ..access import access_scope
    from ..models import Role

    scope = access_scope(actor)
    if dossier.step_agency_id and scope.holds(Role.APPROVER, dossier.step_agency_id):
        return dossier.step_agency
    return dossier.agency
