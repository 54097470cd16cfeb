"""One entry per action: its guard, its words and what it issues (DESIGN §4.1, STYLE §16).

Each action of the transition table (table.py) is declared here exactly once:

* `guard` — who may take it (May entries: role and place, owner, system), from which statuses
  (the table's sources), and its own rules;
* `staff_label` / `citizen_label` — how the timeline names it for staff and for the applicant
  (None: the applicant does not see it);
* `notification` — the kind of message the applicant gets (templates/notifications/<lang>/<kind>.txt);
* `form` — the Circular 03/2025/TT-VPCP form it issues (01 receipt … 05 stop notice);
* `handover` — it hands the dossier from one holder to the next (a row of form 06);
* `back_office` — it is offered on the staff dossier page (its form class is the
  onestop.backoffice.forms.ActionForm whose `action` is this name; a test keeps them equal).

Events that change no status (a shipment handed over, a payment attempt) are EVENT_KINDS, with
the same words and their own `may`. The action functions register themselves with `@performs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..access import COUNTER_EVALUATION_ROLES, FEEDBACK_ANSWER_ROLES
from ..models import Dossier, DossierChannel, Role
from ..models import DossierStatus as S
from . import clock
from .guards import DESK, STEP, UNIT, Guard, May
from .steps import current_step, is_last_step, transfer_targets
from .table import CLIENT, OWNER, SYSTEM, TRANSITIONS

R = Role

# Decree 118/2025/NĐ-CP practice (configurable later): the appointment is reset only once, and at least
# one working day before it falls.
MAX_EXTENSIONS = 1
# More than one supplement request counts as overdue in national statistics (REFERENCE.md).
MAX_SUPPLEMENT_REQUESTS_WITHOUT_FLAG = 1


# ----------------------------------------------------------------------------- own rules


def _at_a_step(dossier: Dossier) -> str | None:
    return None if current_step(dossier) else gettext("This dossier is not at a processing step.")


def _not_last_step(dossier: Dossier) -> str | None:
    return gettext("This is the last step: approve the result instead.") if is_last_step(dossier) else None


def _has_previous_step(dossier: Dossier) -> str | None:
    if (dossier.current_step or 0) <= 1:
        return gettext("There is no previous step to send the dossier back to.")
    return None


def _has_other_agency_later(dossier: Dossier) -> str | None:
    return None if transfer_targets(dossier) else gettext("This procedure has no later step at another agency.")


def _extension_possible(dossier: Dossier) -> str | None:
    """Form 04: once, and at least one working day before the due date (Decree 118/2025/NĐ-CP practice)."""
    if dossier.extensions >= MAX_EXTENSIONS:
        return gettext("The appointment has already been extended once.")
    if dossier.due_at is None:
        return gettext("This dossier has no appointment date yet.")
    from django.utils import timezone

    left = clock.working_minutes_left(dossier, timezone.now())
    if left is None or left < clock.minutes_per_working_day(dossier):
        return gettext("The apology must be issued at least one working day before the due date.")
    return None


def _at_the_counter(dossier: Dossier) -> bool:
    return dossier.channel == DossierChannel.COUNTER


def _by_post(dossier: Dossier) -> bool:
    return dossier.channel == DossierChannel.POST


def _result_by_post(dossier: Dossier) -> bool:
    return dossier.delivery_method == "post"


def _paid_at_submission(dossier: Dossier) -> bool:
    """The procedure is paid when the dossier is submitted (Procedure.pay_at_submission, frozen in
    the snapshot): the system asks for the payment as the dossier is submitted."""
    return bool((dossier.snapshot or {}).get("pay_at_submission"))


# ------------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class ActionSpec:
    name: str
    guard: Guard
    staff_label: str | Promise
    citizen_label: str | Promise | None = None
    notification: str | None = None
    # The applicant hears of it only when it changes the status (a step-to-step forward does not).
    notify_status_change_only: bool = False
    form: str | None = None
    handover: bool = False
    back_office: bool = False
    # Its note is written to the applicant (reasons of a refusal, a stop, a delay…); other notes are
    # the officers' own and stay in the back office.
    note_to_applicant: bool = False

    @property
    def function(self) -> Callable[..., Dossier]:
        return _FUNCTIONS[self.name]


@dataclass(frozen=True)
class EventKind:
    """An event that changes no status, recorded with dossier_record_event."""

    name: str
    may: tuple[May, ...]
    staff_label: str | Promise
    citizen_label: str | Promise | None = None
    notification: str | None = None
    public: bool = True
    # As for actions: its note is written to the applicant (why the post could not deliver, why the
    # money was paid back).
    note_to_applicant: bool = False


def _a(name: str, may, *, rules=(), **words) -> ActionSpec:
    return ActionSpec(name=name, guard=Guard(action=name, may=tuple(may), rules=tuple(rules)), **words)


RECEIVED_OR_PROCESSING = frozenset({S.RECEIVED, S.PROCESSING})
AFTER_RECEPTION = frozenset({S.RECEIVED, S.PROCESSING, S.RESOLVED})
RETURNED = frozenset({S.RETURNED})
NOT_DRAFT = frozenset(S.values) - {S.DRAFT}
# A document or a partner's result arrives while the one-stop office holds the dossier.
BEING_HANDLED = frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT})
PROCESSING_STAFF = (R.RECEPTIONIST, R.SPECIALIST, R.APPROVER)

ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        # ------------------------------------------------------------------ citizen
        _a("submit", [May(OWNER)], staff_label=_("Submitted online"), citizen_label=_("Submitted online"),
           notification="dossier.submitted"),
        _a("withdraw", [May(OWNER)],
           note_to_applicant=True, staff_label=_("Withdrawn by the applicant"), citizen_label=_("Withdrawn"),
           notification="dossier.withdrawn"),
        # The applicant online, or the desk taking the papers at the counter (keeps the code).
        _a("supplement", [May(OWNER), May(R.RECEPTIONIST, DESK)], staff_label=_("Supplemented"),
           citizen_label=_("Supplement sent"), notification="dossier.supplemented"),
        # ---------------------------------------------------------------- reception
        # A paper dossier registered at the counter (channel 1) or received by post (channel 3,
        # Decision 45/2016/QĐ-TTg: the postal clerk registers it on the applicant's behalf).
        _a("register",
           [May(R.RECEPTIONIST, DESK, only_if=_at_the_counter), May(R.POSTAL_CLERK, DESK, only_if=_by_post)],
           staff_label=_("Registered at the counter"), citizen_label=_("Registered at the counter"),
           notification="dossier.received", form="01", handover=True),
        _a("receive", [May(R.RECEPTIONIST, DESK)], staff_label=_("Received"),
           citizen_label=_("Received by the one-stop office"), notification="dossier.received", form="01",
           handover=True, back_office=True),
        _a("refuse", [May(R.RECEPTIONIST, DESK)],
           note_to_applicant=True, staff_label=_("Refused (form 03)"), citizen_label=_("Not accepted"),
           notification="dossier.refused", form="03", back_office=True),
        # Form 02, once and in writing: at the check the desk asks; later the holder of the step.
        _a("request_supplement",
           [May(R.RECEPTIONIST, DESK, statuses=frozenset({S.SUBMITTED})),
            May(R.RECEPTIONIST, STEP, statuses=RECEIVED_OR_PROCESSING),
            May(R.SPECIALIST, STEP, statuses=RECEIVED_OR_PROCESSING)],
           note_to_applicant=True, staff_label=_("Supplement requested (form 02)"),
           citizen_label=_("Supplement requested"),
           notification="dossier.supplement_requested", form="02", back_office=True),
        # --------------------------------------------------------------- processing
        _a("forward", [May(R.RECEPTIONIST, STEP), May(R.SPECIALIST, STEP), May(R.APPROVER, STEP)],
           rules=[_at_a_step, _not_last_step], staff_label=_("Forwarded"), citizen_label=_("Being processed"),
           notification="dossier.processing", notify_status_change_only=True, handover=True, back_office=True),
        _a("assign", [May(R.APPROVER, UNIT), May(R.RECEPTIONIST, UNIT)], staff_label=_("Assigned"),
           back_office=True),
        _a("send_back", [May(R.SPECIALIST, STEP), May(R.APPROVER, STEP)], rules=[_has_previous_step],
           staff_label=_("Sent back"), handover=True, back_office=True),
        # Inter-agency (liên thông): the dossier goes to another agency's later step, keeping its code.
        _a("transfer", [May(R.APPROVER, STEP)], rules=[_has_other_agency_later],
           staff_label=_("Transferred to another agency"), citizen_label=_("Transferred to another agency"),
           handover=True, back_office=True),
        _a("extend", [May(R.APPROVER, DESK), May(R.APPROVER, UNIT)], rules=[_extension_possible],
           note_to_applicant=True, staff_label=_("Extended with an apology (form 04)"),
           citizen_label=_("Processing time extended, with an apology"), notification="dossier.extended",
           form="04", back_office=True),
        # ------------------------------------------------------------------ payment
        # The step's holder once the desk has received it; or, for a procedure paid at submission,
        # the system as the dossier is submitted — it then waits in national 6 and reaches the
        # desk's "waiting for the check" queue only when the payment is confirmed (PREVIOUS).
        _a("request_payment",
           [May(R.RECEPTIONIST, STEP, statuses=AFTER_RECEPTION), May(R.SPECIALIST, STEP, statuses=AFTER_RECEPTION),
            May(SYSTEM, statuses=frozenset({S.SUBMITTED}), only_if=_paid_at_submission)],
           note_to_applicant=True, staff_label=_("Payment requested"), citizen_label=_("Payment requested"),
           notification="dossier.payment_requested", back_office=True),
        # The payments app on its own authority (a verified gateway notification), or the desk
        # collecting cash against a receipt.
        _a("confirm_payment", [May(SYSTEM), May(R.RECEPTIONIST, DESK)], staff_label=_("Payment confirmed"),
           citizen_label=_("Payment confirmed"), notification="dossier.payment_confirmed", back_office=True),
        # ------------------------------------------------------------------ closing
        _a("resolve", [May(R.APPROVER, STEP)], rules=[_at_a_step], staff_label=_("Result approved"),
           citizen_label=_("Result ready"), notification="dossier.resolved", handover=True, back_office=True),
        _a("stop", [May(R.APPROVER, DESK), May(R.APPROVER, UNIT)],
           note_to_applicant=True, staff_label=_("Processing stopped (form 05)"),
           citizen_label=_("Processing stopped"), notification="dossier.stopped", form="05", back_office=True),
        # At the counter or online by the desk; by post the postal clerk records the delivery, or the
        # post's own system reports it through the operator API (onestop.postal, system).
        _a("return_result",
           [May(R.RECEPTIONIST, DESK), May(R.POSTAL_CLERK, DESK, only_if=_result_by_post),
            May(SYSTEM, only_if=_result_by_post)],
           staff_label=_("Result returned"), citizen_label=_("Result returned"), notification="dossier.returned",
           handover=True, back_office=True),
    ]
}  # fmt: skip

EVENT_KINDS: dict[str, EventKind] = {
    kind.name: kind
    for kind in [
        EventKind("shipment_handed_over", (May(R.POSTAL_CLERK, DESK), May(SYSTEM)),
                  _("Handed over to the post"), _("Handed over to the post"), "shipment.handed_over"),
        EventKind("shipment_delivered", (May(R.POSTAL_CLERK, DESK), May(SYSTEM)),
                  _("Delivered by the post"), _("Delivered by the post"), "shipment.delivered"),
        EventKind("shipment_failed", (May(R.POSTAL_CLERK, DESK), May(SYSTEM)),
                  _("Delivery failed"), _("Delivery failed"), "shipment.failed", note_to_applicant=True),
        EventKind("shipment_out_for_delivery", (May(R.POSTAL_CLERK, DESK), May(SYSTEM)),
                  _("Out for delivery"), _("Out for delivery"), "shipment.out_for_delivery"),
        EventKind("shipment_returned_to_agency", (May(R.POSTAL_CLERK, DESK), May(SYSTEM)),
                  _("Returned to the agency by the post"), _("Returned to the agency by the post"),
                  "shipment.returned_to_agency"),
        EventKind("payment_attempt", (May(OWNER), May(SYSTEM)), _("Payment attempted"), public=False),
        # The agency paid the money back (a payment made twice, or after the dossier moved on): the
        # desk records it with a reason and the bank's reference (payments.payment_refund_record).
        EventKind("payment_refunded", (May(R.RECEPTIONIST, DESK), May(SYSTEM)),
                  _("Payment refunded"), _("Payment refunded"), "payment.refunded", note_to_applicant=True),
        # Satisfaction evaluation (onestop.satisfaction), only once the result is returned (national
        # 10): the applicant from their account, or the system for the public tracking page once the
        # code and verifier matched (onestop.submission.selectors.dossier_track) …
        EventKind("satisfaction_evaluated", (May(OWNER, statuses=RETURNED), May(SYSTEM, statuses=RETURNED)),
                  _("Satisfaction evaluated"), _("You evaluated your satisfaction")),
        # … the desk typing in a paper or kiosk answer given at the counter …
        EventKind("satisfaction_recorded",
                  tuple(May(role, DESK, statuses=RETURNED) for role in COUNTER_EVALUATION_ROLES),
                  _("Satisfaction evaluation recorded at the counter"),
                  _("Your evaluation given at the counter was recorded")),
        # … and the agency answering the applicant's comment (onestop.access.FEEDBACK_ANSWER_ROLES).
        EventKind("satisfaction_answered", tuple(May(role, DESK) for role in FEEDBACK_ANSWER_ROLES),
                  _("Comment answered"), _("The agency answered your comment"), "satisfaction.answered",
                  note_to_applicant=True),  # the answer is written to the applicant
        # Added while the dossier is handled, by the unit holding it or by a partner's system for
        # its agencies (onestop.integration, /api/v1/dossiers/…). Notes are the officers' own: never
        # shown to the applicant, never sent to the national portal or to webhooks (no
        # note_to_applicant, not public).
        EventKind("note_added",
                  (*(May(role, UNIT, statuses=NOT_DRAFT) for role in PROCESSING_STAFF),
                   May(CLIENT, statuses=NOT_DRAFT)),
                  _("Note added"), public=False),
        EventKind("document_added",
                  (*(May(role, UNIT, statuses=BEING_HANDLED) for role in PROCESSING_STAFF),
                   May(CLIENT, statuses=BEING_HANDLED)),
                  _("Document added"), public=False),
        # Inter-agency (liên thông, Decree 118/2025/NĐ-CP): the other agency's answer (its opinion,
        # its decision, a tax notice) joins the dossier while it is processed.
        EventKind("interagency_result",
                  (*(May(role, UNIT, statuses=frozenset({S.PROCESSING})) for role in PROCESSING_STAFF),
                   May(CLIENT, statuses=frozenset({S.PROCESSING}))),
                  _("Inter-agency result recorded"), public=False),
    ]
}  # fmt: skip


def note_for_applicant(event) -> str:
    """The note of `event` as the applicant may read it — on their dossier page, the public tracking
    page, e-mails and SMS: the note itself when the action or event kind writes it to them
    (note_to_applicant), else nothing (officers' notes to each other stay in the back office)."""
    spec = ACTIONS.get(event.action) or EVENT_KINDS.get(event.action)
    return event.note if spec is not None and spec.note_to_applicant else ""


_FUNCTIONS: dict[str, Callable[..., Dossier]] = {}


def performs(name: str):
    """Register the public function of action `name` (one per action)."""
    if name not in ACTIONS:
        raise LookupError(f"{name!r} is not an action of the registry")

    def register(function):
        _FUNCTIONS[name] = function
        return function

    return register


def staff_label(action: str) -> str | Promise:
    entry = ACTIONS.get(action) or EVENT_KINDS.get(action)
    return entry.staff_label if entry else action


def citizen_label(action: str) -> str | Promise | None:
    entry = ACTIONS.get(action) or EVENT_KINDS.get(action)
    return entry.citizen_label if entry else None


def notification_kind(action: str) -> tuple[str | None, bool]:
    """The applicant's message kind for an event, and whether only a status change triggers it."""
    if action in ACTIONS:
        return ACTIONS[action].notification, ACTIONS[action].notify_status_change_only
    if action in EVENT_KINDS:
        return EVENT_KINDS[action].notification, False
    return None, False


def forms_issued(action: str) -> tuple[str, ...]:
    """The Circular 03/2025 forms printed from an action's event: its own form and, at reception, the
    control slip (06) that travels with the dossier from then on and the register line (07)."""
    spec = ACTIONS.get(action)
    if spec is None or not spec.form:
        return ()
    return (spec.form, "06", "07") if spec.form == "01" else (spec.form,)


def actions_issuing(form: str) -> tuple[str, ...]:
    """The actions whose event a Circular 03/2025 form is printed from ("01" → register, receive)."""
    return tuple(name for name, spec in ACTIONS.items() if spec.form == form)


HANDOVER_ACTIONS = frozenset(name for name, spec in ACTIONS.items() if spec.handover)
BACK_OFFICE_ACTIONS = tuple(name for name, spec in ACTIONS.items() if spec.back_office)

if set(ACTIONS) != set(TRANSITIONS):  # pragma: no cover — a programming error, caught at import
    raise ImportError("onestop.workflow: the registry and the transition table name different actions")
