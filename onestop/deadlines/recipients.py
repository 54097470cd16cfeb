"""Who hears of a deadline crossing — looked up for a whole batch of crossings at once.

DESIGN §4.6 (staff: step due soon, overdue; leaders: escalation and the daily digest) and §1 roles:

| crossing | recipients |
|---|---|
| check_overdue | receptionists of the receiving agency (they check online dossiers) |
| due_soon, step_due_soon | the assignee and the approvers (heads) of the unit holding the dossier |
| overdue | the same, and the leaders of the receiving agency, of the unit, and of their ancestors |
| step_overdue | the assignee and the approvers of the unit |
| apology_reminder | the approvers of the unit (they sign form 04) |

"The unit" is the agency of the current process step, or the receiving agency before the first step.
Whoever the table names hears of the dossier only if onestop.access lets them open it (`View.STAFF`):
an assignee whose roles have ended, for instance, is left out (the unit's heads are warned).

Set-based: one query for the agency tree, one for every role of every agency concerned, and one for
the access scopes of every candidate (onestop.access.access_scopes), whatever the batch size; the
assignees come with the crossings' own query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from procedures.models import Agency

from ..access import AccessScope, View, access_scopes
from ..models import DeadlineKind, Dossier, Role, StaffRole

ROLES_NEEDED = (Role.RECEPTIONIST, Role.APPROVER, Role.LEADER)


@dataclass
class Audience:
    parents: dict[int, int | None]
    holders: dict[tuple[int, str], list[Any]] = field(default_factory=dict)
    # One object per user across the batch, so that what is cached on it (the access scope that
    # chooses each recipient's link) is read once per user, not once per message.
    users_by_pk: dict[int, Any] = field(default_factory=dict)
    scopes: dict[int, AccessScope] = field(default_factory=dict)  # by user pk (onestop.access)

    def same(self, user: Any) -> Any:
        return self.users_by_pk.setdefault(user.pk, user)

    def chain(self, agency_id: int | None) -> list[int]:
        """The agency and its ancestors, nearest first."""
        out: list[int] = []
        node = agency_id
        while node is not None and node not in out:
            out.append(node)
            node = self.parents.get(node)
        return out

    def users(self, agency_ids: Iterable[int | None], role: str) -> list[Any]:
        return [user for agency_id in agency_ids for user in self.holders.get((agency_id, role), [])]

    def recipients(self, *, kind: str, dossier: Dossier) -> list[Any]:
        """The users to warn of one crossing who may open the dossier, each once, in a stable order."""
        unit = dossier.step_agency_id or dossier.agency_id
        assignee = [dossier.assignee] if dossier.assignee_id and dossier.assignee.is_active else []
        if kind == DeadlineKind.CHECK_OVERDUE:
            users = self.users([dossier.agency_id], Role.RECEPTIONIST)
        elif kind == DeadlineKind.APOLOGY_REMINDER:
            users = self.users([unit], Role.APPROVER)
        elif kind == DeadlineKind.OVERDUE:
            chains = dict.fromkeys([*self.chain(dossier.agency_id), *self.chain(dossier.step_agency_id)])
            users = assignee + self.users([unit], Role.APPROVER) + self.users(chains, Role.LEADER)
        else:  # due_soon, step_due_soon, step_overdue
            users = assignee + self.users([unit], Role.APPROVER)
        unique = {user.pk: self.same(user) for user in users}.values()
        return [user for user in unique if self.sees(user, dossier)]

    def sees(self, user: Any, dossier: Dossier) -> bool:
        """onestop.access decides: the user may open the dossier in the back office."""
        scope = self.scopes.get(user.pk)
        return scope is not None and scope.view_of(dossier) >= View.STAFF


def audience_for(dossiers: Iterable[Dossier]) -> Audience:
    """The role holders of every agency the dossiers' crossings may reach, and the access scopes of
    them and of the dossiers' assignees (three queries whatever the number of dossiers)."""
    dossiers = list(dossiers)
    audience = Audience(parents=dict(Agency.objects.values_list("pk", "parent_id")))
    agency_ids: set[int] = set()
    for dossier in dossiers:
        agency_ids.update(audience.chain(dossier.agency_id))
        agency_ids.update(audience.chain(dossier.step_agency_id))
    if not agency_ids:
        return audience
    roles = (
        StaffRole.objects.filter(
            agency_id__in=sorted(agency_ids),
            role__in=ROLES_NEEDED,
            active=True,
            agency__active=True,
            user__is_active=True,
        )
        # notify_users reads the recipient's language from the preference: fetched here, not per user.
        .select_related("user__notification_preference")
        .order_by("agency_id", "role", "user_id")
    )
    for role in roles:
        audience.holders.setdefault((role.agency_id, role.role), []).append(audience.same(role.user))
    for dossier in dossiers:
        if dossier.assignee_id and dossier.assignee.is_active:
            audience.same(dossier.assignee)
    audience.scopes = access_scopes(audience.users_by_pk.values(), parents=audience.parents)
    return audience
