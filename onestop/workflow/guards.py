"""Guards: each action says once who may take it, from which statuses, and its own rule (STYLE §16).

The action's function raises on its guard (`require`), and the dossier page lists the actions whose
guard passes (`allowed_actions`) — the same code, so the page never offers what the service
refuses. A guard reads only the dossier in hand and the actor's scope (onestop.access, read once
per request): listing every action of a dossier costs no query.

Who may act is a list of `May` entries. Staff roles count at a place:

* DESK — the receiving agency (the one-stop desk that received the dossier: `dossier.agency`);
* STEP — the unit of the current process step (`dossier.step_agency`), and only for the step's own
  role; when the step lists its allowed actions (ProcessStep.actions), only for those;
* UNIT — the unit holding the dossier now: the current step's unit, or the desk before any step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..access import AccessScope, access_scope, client_sees
from ..models import Dossier
from .steps import current_step, step_allows
from .table import CLIENT, OWNER, SYSTEM, TRANSITIONS

DESK, STEP, UNIT = "desk", "step", "unit"

# A rule of the action's own: the reason it is refused now, or None when it passes.
Rule = Callable[[Dossier], str | None]


@dataclass(frozen=True)
class May:
    """One way to qualify for an action."""

    role: str  # a Role value, OWNER or SYSTEM
    at: str = ""  # DESK / STEP / UNIT for staff roles
    statuses: frozenset[str] | None = None  # only from these of the action's statuses
    only_if: Callable[[Dossier], bool] | None = None  # e.g. the dossier travels by post


@dataclass(frozen=True)
class Guard:
    action: str
    may: tuple[May, ...]
    rules: tuple[Rule, ...] = field(default=())

    @property
    def statuses(self) -> frozenset[str]:
        return TRANSITIONS[self.action].sources if self.action in TRANSITIONS else frozenset()


class Who:
    """The actor as a guard sees them: a user with their scope, the system itself, or a partner's
    system (an API client, which reaches the actions as a principal carrying `api_client`).

    `Who.of` reads the scope only when a guard asks for it: an owner's action (submit, withdraw)
    needs none of the roles."""

    def __init__(
        self, user: object = None, scope: AccessScope | None = None, system: bool = False, client: object = None
    ) -> None:
        self.user = user
        self.system = system
        self.client = client
        self._scope = scope
        self._load: Callable[[], AccessScope] | None = None

    @property
    def scope(self) -> AccessScope | None:
        if self._scope is None and self._load is not None:
            self._scope, self._load = self._load(), None
        return self._scope

    @classmethod
    def of(cls, user, *, system: bool = False, fresh: bool = False) -> Who:
        if system:
            return cls(user=None, scope=None, system=True)
        client = getattr(user, "api_client", None)
        if client is not None:
            return cls(user=None, scope=None, client=client)
        who = cls(user=user)
        who._load = lambda: access_scope(user, fresh=fresh)
        return who


def _place(dossier: Dossier, at: str) -> int | None:
    if at == DESK:
        return dossier.agency_id
    if at == STEP:
        return dossier.step_agency_id
    return dossier.step_agency_id or dossier.agency_id  # UNIT


def qualifies(may: May, guard: Guard, dossier: Dossier, who: Who) -> bool:
    if may.statuses is not None and dossier.status not in may.statuses:
        return False
    if may.only_if is not None and not may.only_if(dossier):
        return False
    if may.role == SYSTEM:
        return who.system
    if may.role == CLIENT:
        return who.client is not None and client_sees(who.client, dossier)
    if who.system or who.user is None or not getattr(who.user, "is_authenticated", False):
        return False
    if may.role == OWNER:
        return dossier.applicant_id == who.user.pk
    place = _place(dossier, may.at)
    if place is None or who.scope is None or not who.scope.holds(may.role, place):
        return False
    if may.at == STEP:
        step = current_step(dossier)
        return step is not None and step["role"] == may.role and step_allows(step, guard.action)
    return True


def refusal(guard: Guard, dossier: Dossier, who: Who) -> str | None:
    """Why `who` may not take the action on `dossier` now; None when the guard passes."""
    if dossier.status not in guard.statuses:
        return _("This action is not possible while the dossier is “%(status)s”.") % {
            "status": dossier.get_status_display()
        }
    if not any(qualifies(may, guard, dossier, who) for may in guard.may):
        if any(may.at == STEP for may in guard.may) and current_step(dossier) is not None:
            return _("Only the holder of the current step may do this.")
        return _("You are not allowed to do this on this dossier.")
    for rule in guard.rules:
        reason = rule(dossier)
        if reason:
            return reason
    return None
