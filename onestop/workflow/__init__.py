"""The dossier core (DESIGN §4.1): every change to a dossier is one of these functions.

Back-office and citizen views, the counter, Celery tasks, the demo seed, payments and postal call
them and nothing below them (the transition service in `_engine` is private: an import-linter
contract keeps it so). Each runs in one transaction, locks the dossier, raises TransitionError
when its guard (registry.py) does not pass, writes the event, and returns the fresh dossier.

    reception   dossier_register, dossier_receive, dossier_refuse, dossier_request_supplement
    processing  dossier_forward, dossier_send_back, dossier_assign (dossiers_assign), dossier_transfer,
                dossier_extend
    payment     dossier_request_payment, dossier_confirm_payment
    closing     dossier_resolve, dossier_stop, dossier_return_result
    citizen     dossier_draft_create/update/delete, dossier_document(s)_attach/detach, dossier_submit,
                dossier_withdraw, dossier_supplement
    events      dossier_record_event (no status change: shipments, payment attempts, evaluations),
                event_allowed (its guard, for the pages); dossier_note_add, dossier_document_add,
                dossier_interagency_result_record (staff of the unit, or a partner's API client)

`allowed_actions(dossier=, user=)` is what the dossier page offers: the same guards, no query.
"""

from __future__ import annotations

from ..models import Dossier
from .citizen import (
    IncompleteDossier,
    dossier_document_attach,
    dossier_document_detach,
    dossier_documents_attach,
    dossier_draft_create,
    dossier_draft_delete,
    dossier_draft_update,
    dossier_problems,
    dossier_submit,
    dossier_supplement,
    dossier_withdraw,
    may_withdraw,
    missing_documents,
    procedure_accepts_online,
)
from .closing import dossier_resolve, dossier_return_result, dossier_stop
from .errors import TransitionError
from .events import (
    INTERAGENCY_OUTCOMES,
    dossier_document_add,
    dossier_interagency_result_record,
    dossier_note_add,
    dossier_record_event,
    event_allowed,
)
from .guards import Who, refusal
from .payment import dossier_confirm_payment, dossier_request_payment
from .processing import (
    assignee_may_hold,
    dossier_assign,
    dossier_extend,
    dossier_forward,
    dossier_send_back,
    dossier_transfer,
    dossiers_assign,
)
from .reception import (
    applicant_find_or_create,
    dossier_receive,
    dossier_refuse,
    dossier_register,
    dossier_request_supplement,
)
from .registry import ACTIONS, BACK_OFFICE_ACTIONS


def allowed_actions(*, dossier: Dossier, user, actions=BACK_OFFICE_ACTIONS) -> list[str]:
    """The actions `user` may take on `dossier` now, in the registry's order (the page shows these)."""
    who = Who.of(user)
    return [name for name in actions if refusal(ACTIONS[name].guard, dossier, who) is None]


def perform(action: str, **kwargs) -> Dossier:
    """Call the function of `action` (the back-office dossier page posts an action by name)."""
    return ACTIONS[action].function(**kwargs)


__all__ = [
    "ACTIONS",
    "INTERAGENCY_OUTCOMES",
    "IncompleteDossier",
    "TransitionError",
    "allowed_actions",
    "applicant_find_or_create",
    "assignee_may_hold",
    "dossier_assign",
    "dossier_confirm_payment",
    "dossier_document_add",
    "dossier_document_attach",
    "dossier_document_detach",
    "dossier_documents_attach",
    "dossier_draft_create",
    "dossier_draft_delete",
    "dossier_draft_update",
    "dossier_extend",
    "dossier_forward",
    "dossier_interagency_result_record",
    "dossier_note_add",
    "dossier_problems",
    "dossier_receive",
    "dossier_record_event",
    "dossier_refuse",
    "dossier_register",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_resolve",
    "dossier_return_result",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement",
    "dossier_transfer",
    "dossier_withdraw",
    "dossiers_assign",
    "event_allowed",
    "may_withdraw",
    "missing_documents",
    "perform",
    "procedure_accepts_online",
]
