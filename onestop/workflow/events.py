"""Things that happen to a dossier without changing its status (a shipment handed over to the post,
a payment attempt): the same event log, the same hook, the same guard shape (registry.EVENT_KINDS)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Dossier, DossierEvent
from ._engine import record
from .errors import TransitionError
from .guards import Guard, Who, qualifies
from .registry import EVENT_KINDS


@transaction.atomic
def dossier_record_event(
    *,
    dossier: Dossier,
    kind: str,
    actor=None,
    system: bool = False,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Record one event of `kind` on the dossier (row-locked, so that it orders with transitions)."""
    spec = EVENT_KINDS.get(kind)
    if spec is None:
        raise TransitionError(_("Unknown action."))
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=dossier.pk)
    who = Who.of(actor, system=system, fresh=True)
    guard = Guard(action=kind, may=spec.may)
    if not any(qualifies(may, guard, locked, who) for may in spec.may):
        raise TransitionError(_("You are not allowed to do this on this dossier."))
    return record(locked, kind, actor=None if system else actor, note=note, data=data)


def event_allowed(*, dossier: Dossier, kind: str, user) -> bool:
    """Whether `user` may record an event of `kind` on `dossier` now — the guard that
    dossier_record_event applies, read from the request's scope (no query): pages offer what passes."""
    spec = EVENT_KINDS.get(kind)
    if spec is None:
        return False
    who = Who.of(user)
    guard = Guard(action=kind, may=spec.may)
    return any(qualifies(may, guard, dossier, who) for may in spec.may)
