"""Processing (DESIGN §4.1): the dossier walks its procedure's steps — forward, send back, assign,
transfer to another agency (liên thông), extend with an apology (form 04)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Agency

from ..access import access_scope
from ..models import Dossier, Role
from ._engine import begin, finish
from .errors import TransitionError
from .registry import performs
from .steps import current_step, handover, issuing_agency, later_step_at, step_values


def _move_to_step(locked: Dossier, *, actor, action: str, number: int, note: str, caller: Dossier) -> Dossier:
    """Put the dossier at step `number` (its unit, a fresh step deadline, unassigned), recording the
    hand-over that form 06 prints."""
    values = step_values(locked, number, timezone.now())
    return finish(
        locked, action, actor=actor, note=note, step=number, data=handover(locked, actor, values), updates=values,
        caller=caller,
    )  # fmt: skip


@performs("forward")
@transaction.atomic
def dossier_forward(*, dossier: Dossier, actor, note: str = "", expected_version: int | None = None) -> Dossier:
    """Hand the dossier to the next step of its process (the first forward starts processing)."""
    locked = begin(dossier, "forward", actor=actor, expected_version=expected_version)
    return _move_to_step(locked, actor=actor, action="forward", number=locked.current_step + 1, note=note,
                         caller=dossier)  # fmt: skip


@performs("send_back")
@transaction.atomic
def dossier_send_back(*, dossier: Dossier, actor, reason: str, expected_version: int | None = None) -> Dossier:
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for sending the dossier back."))
    locked = begin(dossier, "send_back", actor=actor, expected_version=expected_version)
    return _move_to_step(locked, actor=actor, action="send_back", number=locked.current_step - 1,
                         note=reason.strip(), caller=dossier)  # fmt: skip


def assignee_may_hold(dossier: Dossier, assignee) -> bool:
    """The assignee holds the current step's role (a specialist before any step) in its unit."""
    step = current_step(dossier)
    role = step["role"] if step else Role.SPECIALIST
    return access_scope(assignee, fresh=True).holds(role, dossier.step_agency_id or dossier.agency_id)


@performs("assign")
@transaction.atomic
def dossier_assign(*, dossier: Dossier, actor, assignee, expected_version: int | None = None) -> Dossier:
    """Give a dossier of one's unit to an officer holding its step's role there."""
    locked = begin(dossier, "assign", actor=actor, expected_version=expected_version)
    if not assignee_may_hold(locked, assignee):
        raise TransitionError(
            _("%(name)s does not hold the role this step needs in that unit.") % {"name": assignee.get_full_name()}
        )
    return finish(
        locked,
        "assign",
        actor=actor,
        step=locked.current_step,
        data={"assignee_id": assignee.pk, "assignee": assignee.get_full_name()},
        updates={"assignee": assignee},
        caller=dossier,
    )


@transaction.atomic
def dossiers_assign(*, dossiers: list[Dossier], actor, assignee) -> int:
    """Several dossiers at once (the pool's bulk assignment): all or none."""
    for dossier in dossiers:
        dossier_assign(dossier=dossier, actor=actor, assignee=assignee)
    return len(dossiers)


@performs("transfer")
@transaction.atomic
def dossier_transfer(
    *, dossier: Dossier, actor, to_agency: Agency, note: str, expected_version: int | None = None
) -> Dossier:
    """Inter-agency (liên thông): the dossier goes to the other agency's later step and keeps its
    code; that agency's staff act on it, and the receiving desk still returns the result."""
    locked = begin(dossier, "transfer", actor=actor, expected_version=expected_version)
    number = later_step_at(locked, to_agency.code)
    here = current_step(locked)
    if number is None or (here and here["agency"] == to_agency.code):
        raise TransitionError(_("This procedure has no later step at %(agency)s.") % {"agency": to_agency.name})
    return _move_to_step(locked, actor=actor, action="transfer", number=number, note=note, caller=dossier)


@performs("extend")
@transaction.atomic
def dossier_extend(
    *, dossier: Dossier, actor, reason: str, new_due_at: dt.datetime, expected_version: int | None = None
) -> Dossier:
    """Apologise and set a new date (form 04): at least one working day before the due date, once."""
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the delay."))
    locked = begin(dossier, "extend", actor=actor, expected_version=expected_version)
    if new_due_at <= locked.due_at:
        raise ValidationError(_("The new appointment must be later than the current one."))
    issuer = issuing_agency(locked, actor)
    return finish(
        locked,
        "extend",
        actor=actor,
        note=reason.strip(),
        data={
            "form": "04",
            "old_due_at": locked.due_at.isoformat(),
            "new_due_at": new_due_at.isoformat(),
            "issuer": issuer.code,
        },
        updates={"due_at": new_due_at, "extensions": locked.extensions + 1},
        caller=dossier,
    )
