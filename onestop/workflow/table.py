"""The transition table (DESIGN §4.1): who may do what, from which status, to which status.

Data, not code: the back office adds its actions here and the one transition service enforces
them. `OWNER` means the dossier's applicant; role names are onestop.Role values held in the
dossier's current agency. `SAME` keeps the status; `PREVIOUS` returns to the status recorded when
the dossier left it (supplement, payment).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import DossierStatus as S
from ..models import Role

OWNER = "owner"
SYSTEM = "system"  # services acting on their own authority (e.g. payments confirming a payment)
SAME = "__same__"
PREVIOUS = "__previous__"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    public: bool = True  # shown to the citizen and on the public tracking page


def _t(action: str, sources, target: str, actors, *, public: bool = True) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors), public)


_UNTIL_PAYMENT = {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", {S.DRAFT}, S.SUBMITTED, {OWNER}),
        # A paper dossier registered at the counter (channel 1) or received by post (channel 3).
        _t("register", {S.DRAFT}, S.RECEIVED, {Role.RECEPTIONIST, Role.POSTAL_CLERK}),
        _t("receive", {S.SUBMITTED}, S.RECEIVED, {Role.RECEPTIONIST}),
        _t("refuse", {S.SUBMITTED}, S.REJECTED, {Role.RECEPTIONIST}),
        _t(
            "request_supplement",
            {S.SUBMITTED, S.RECEIVED, S.PROCESSING},
            S.SUPPLEMENT_REQUESTED,
            {Role.RECEPTIONIST, Role.SPECIALIST},
        ),
        _t("supplement", {S.SUPPLEMENT_REQUESTED}, PREVIOUS, {OWNER, Role.RECEPTIONIST}),
        _t("forward", {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {Role.RECEPTIONIST, Role.SPECIALIST, Role.APPROVER}),
        _t("assign", {S.RECEIVED, S.PROCESSING}, SAME, {Role.APPROVER, Role.RECEPTIONIST}, public=False),
        _t("send_back", {S.PROCESSING}, S.PROCESSING, {Role.SPECIALIST, Role.APPROVER}, public=False),
        _t("transfer", {S.PROCESSING}, S.PROCESSING, {Role.APPROVER}),
        _t(
            "request_payment",
            {S.RECEIVED, S.PROCESSING, S.RESOLVED},
            S.AWAITING_PAYMENT,
            {Role.RECEPTIONIST, Role.SPECIALIST},
        ),
        _t("confirm_payment", {S.AWAITING_PAYMENT}, PREVIOUS, {SYSTEM, Role.RECEPTIONIST}),
        _t("extend", {S.RECEIVED, S.PROCESSING}, SAME, {Role.APPROVER}),
        _t("stop", {S.RECEIVED, S.PROCESSING}, S.STOPPED, {Role.APPROVER}),
        _t("resolve", {S.PROCESSING}, S.RESOLVED, {Role.APPROVER}),
        _t("return_result", {S.RESOLVED}, S.RETURNED, {Role.RECEPTIONIST, Role.POSTAL_CLERK}),
        _t("withdraw", _UNTIL_PAYMENT, S.WITHDRAWN, {OWNER}),
    ]
}

# Statuses a dossier may come back to with PREVIOUS, per action that left them.
RESUMABLE = {
    "supplement": "request_supplement",
    "confirm_payment": "request_payment",
}
