"""The one transition service: nothing else writes Dossier.status (DESIGN §4.1, STYLE §3)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Dossier, DossierEvent, StaffRole
from .table import OWNER, PREVIOUS, RESUMABLE, SAME, SYSTEM, TRANSITIONS, Transition


class TransitionError(Exception):
    """An action that is not allowed now; the message is shown to the user as it is."""


def actor_may(*, transition: Transition, dossier: Dossier, actor, system: bool = False) -> bool:
    if system:
        return SYSTEM in transition.actors
    if actor is None or not actor.is_authenticated:
        return False
    if OWNER in transition.actors and dossier.applicant_id == actor.pk:
        return True
    roles = {r for r in transition.actors if r not in (OWNER, SYSTEM)}
    if not roles:
        return False
    # Roles count in the receiving agency and in the unit of the current step (DESIGN §1: staff act
    # on dossiers of agencies where they hold a role; a transfer moves the step to another agency).
    agencies = {dossier.agency_id, dossier.step_agency_id} - {None}
    return StaffRole.objects.filter(
        user=actor, agency_id__in=agencies, role__in=roles, active=True, agency__active=True
    ).exists()


def _previous_status(dossier: Dossier, leaving_action: str) -> str:
    event = dossier.events.filter(action=leaving_action).order_by("-created_at", "-pk").first()
    if event is None or not event.from_status:
        raise TransitionError(_("This dossier cannot go back: its earlier status is unknown."))
    return event.from_status


@transaction.atomic
def dossier_transition(
    *,
    dossier: Dossier,
    action: str,
    actor=None,
    note: str = "",
    data: dict[str, Any] | None = None,
    updates: dict[str, Any] | None = None,
    expected_version: int | None = None,
    system: bool = False,
    step: int | None = None,
) -> DossierEvent:
    """Apply one action of the transition table to a dossier, atomically.

    The dossier row is locked (select_for_update) and its status re-read, so two actors acting on
    one dossier at once cannot both succeed: the second gets a TransitionError and nothing is
    written. `expected_version` (the version the actor's page showed) turns a stale page into the
    same clear error. `updates` are extra field values saved with the new status.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TransitionError(
            _("Someone else has just acted on this dossier. Reload the page to see its current state.")
        )
    if locked.status not in transition.sources:
        raise TransitionError(
            _("This action is not possible while the dossier is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    if not actor_may(transition=transition, dossier=locked, actor=actor, system=system):
        raise TransitionError(_("You are not allowed to do this on this dossier."))

    from_status = locked.status
    if transition.target == SAME:
        to_status = from_status
    elif transition.target == PREVIOUS:
        to_status = _previous_status(locked, RESUMABLE[action])
    else:
        to_status = transition.target

    fields = {"status", "version", "updated_at"}
    locked.status = to_status
    locked.version += 1
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
        fields.add(name)
    locked.save(update_fields=sorted(fields))

    event = DossierEvent.objects.create(
        dossier=locked,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        step=step,
        note=note,
        data=data or {},
        public=transition.public,
        deadline=locked.due_at,
    )
    # Keep the caller's object current.
    for name in fields:
        setattr(dossier, name, getattr(locked, name))
    event_id = event.pk
    transaction.on_commit(lambda: _queue_notifications(event_id))
    return event


def _queue_notifications(event_id: int) -> None:
    from ..tasks import notify_dossier_event_task

    notify_dossier_event_task.delay(event_id)
