"""The transition table (DESIGN §4.1): from which statuses each action goes, to which status.

Data, not code. Who may take an action, and its own rules, are its guard in registry.py — one
place each. `SAME` keeps the status; `PREVIOUS` returns to the status recorded when the dossier
left it (supplement, payment).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import DossierStatus as S

OWNER = "owner"  # the dossier's applicant
SYSTEM = "system"  # a service acting on its own authority (payments confirming a verified payment)
# A partner's system (onestop.integration: a token client with dossiers:write) for the dossiers of its
# agencies — the same agencies whose dossiers it may read (onestop.access.client_sees).
CLIENT = "client"
SAME = "__same__"
PREVIOUS = "__previous__"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    public: bool = True  # shown to the citizen and on the public tracking page


def _t(action: str, sources, target: str, *, public: bool = True) -> Transition:
    return Transition(action, frozenset(sources), target, public)


_UNTIL_PAYMENT = {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", {S.DRAFT}, S.SUBMITTED),
        _t("register", {S.DRAFT}, S.RECEIVED),  # a paper dossier: at the counter or by post
        _t("receive", {S.SUBMITTED}, S.RECEIVED),
        _t("refuse", {S.SUBMITTED}, S.REJECTED),
        _t("request_supplement", {S.SUBMITTED, S.RECEIVED, S.PROCESSING}, S.SUPPLEMENT_REQUESTED),
        _t("supplement", {S.SUPPLEMENT_REQUESTED}, PREVIOUS),
        _t("forward", {S.RECEIVED, S.PROCESSING}, S.PROCESSING),
        _t("assign", {S.RECEIVED, S.PROCESSING}, SAME, public=False),
        _t("send_back", {S.PROCESSING}, S.PROCESSING, public=False),
        _t("transfer", {S.PROCESSING}, S.PROCESSING),
        # From SUBMITTED only for a procedure paid at submission (the system asks, registry.py).
        _t("request_payment", {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.RESOLVED}, S.AWAITING_PAYMENT),
        _t("confirm_payment", {S.AWAITING_PAYMENT}, PREVIOUS),
        _t("extend", {S.RECEIVED, S.PROCESSING}, SAME),
        _t("stop", {S.RECEIVED, S.PROCESSING}, S.STOPPED),
        _t("resolve", {S.PROCESSING}, S.RESOLVED),
        _t("return_result", {S.RESOLVED}, S.RETURNED),
        _t("withdraw", _UNTIL_PAYMENT, S.WITHDRAWN),
    ]
}

# The action that left the status a PREVIOUS action returns to.
RESUMABLE = {
    "supplement": "request_supplement",
    "confirm_payment": "request_payment",
}
