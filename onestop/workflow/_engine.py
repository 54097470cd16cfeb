"""The one transition service, private to onestop.workflow: nothing else writes Dossier.status
(DESIGN §4.1, STYLE §3). The action functions of this package call it; everything else calls them.

An action runs in one transaction:

1. `begin` locks the dossier row (SELECT … FOR UPDATE), compares the version the actor's page
   showed (`expected_version`) and checks the action's guard on the locked row — so two actors
   acting on one dossier at once cannot both succeed: the second gets a TransitionError and
   nothing is written;
2. the action does its own work (store a file, compute dates…);
3. `finish` writes the new status and fields, bumps the version, writes the DossierEvent and sends
   `event_recorded` inside the same transaction (receivers add their rows — notifications are
   queued after commit, a shipment is created with the result).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Dossier, DossierEvent
from .errors import TransitionError
from .guards import Who, refusal
from .hooks import event_recorded
from .registry import ACTIONS, EVENT_KINDS
from .table import PREVIOUS, RESUMABLE, SAME, TRANSITIONS


def begin(
    dossier: Dossier,
    action: str,
    *,
    actor=None,
    system: bool = False,
    expected_version=None,
    if_status: str | None = None,
) -> Dossier:
    """Lock the dossier and check that `actor` (or the system) may take `action` on it now.

    `if_status`: when the locked dossier is no longer in that status, return it without checking the
    guard (an action that is a no-op when repeated — a double-clicked submit — decides itself)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("workflow actions run inside a transaction")
    spec = ACTIONS.get(action)
    if spec is None:
        raise TransitionError(_("Unknown action."))
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("agency", "step_agency").get(pk=dossier.pk)
    if if_status is not None and locked.status != if_status:
        return locked
    if expected_version is not None and locked.version != expected_version:
        raise TransitionError(
            _("Someone else has just acted on this dossier. Reload the page to see its current state.")
        )
    reason = refusal(spec.guard, locked, Who.of(actor, system=system, fresh=True))
    if reason:
        raise TransitionError(reason)
    return locked


def _previous_status(dossier: Dossier, leaving_action: str) -> str:
    from_status = (
        dossier.events.filter(action=leaving_action)
        .order_by("-created_at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    if not from_status:
        raise TransitionError(_("This dossier cannot go back: its earlier status is unknown."))
    return from_status


def finish(
    locked: Dossier,
    action: str,
    *,
    actor=None,
    note: str = "",
    data: dict[str, Any] | None = None,
    updates: dict[str, Any] | None = None,
    step: int | None = None,
    caller: Dossier | None = None,
) -> Dossier:
    """Apply `action` to a dossier `begin` locked: status, fields, version, event, hook.

    Returns the locked (fresh) dossier; `caller`, the object the action was given, is kept current.
    """
    transition = TRANSITIONS[action]
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
    _record(locked, action, actor=actor, from_status=from_status, note=note, data=data, step=step)
    if caller is not None and caller is not locked:
        for name in fields:
            setattr(caller, name, getattr(locked, name))
    return locked


def _record(
    locked: Dossier,
    action: str,
    *,
    actor,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    step: int | None = None,
    public: bool | None = None,
    touch: bool = False,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=locked,
        actor=_user(actor),
        action=action,
        from_status=from_status,
        to_status=locked.status,
        step=step,
        unit_id=locked.step_agency_id or locked.agency_id,
        note=note,
        data=data or {},
        public=(TRANSITIONS[action].public if action in TRANSITIONS else EVENT_KINDS[action].public)
        if public is None
        else public,
        deadline=locked.due_at,
    )
    if touch:  # the dossier changed at the event's time (partners' feeds), before the hook reads it
        locked.updated_at = event.created_at
        type(locked).objects.filter(pk=locked.pk).update(updated_at=event.created_at)
    event_recorded.send(sender=DossierEvent, event=event, dossier=locked)
    return event


def _user(actor):
    """The account to record as the event's actor: none for the system or a partner's API client
    (whose name the action writes into the event's data)."""
    if actor is None or getattr(actor, "api_client", None) is not None:
        return None
    return actor if getattr(actor, "is_authenticated", False) else None


def record(
    locked: Dossier, kind: str, *, actor=None, note: str = "", data: dict[str, Any] | None = None, touch: bool = False
):
    """An event that changes no status (a shipment handed over, a payment attempt): same log, same hook.
    The version is not bumped: an officer's open page stays valid. `touch`: the dossier's `updated_at`
    becomes the event's time (a note, a document: partners' feeds see the dossier changed)."""
    return _record(locked, kind, actor=actor, from_status=locked.status, note=note, data=data, touch=touch)
