"""Fees and financial obligations (DESIGN §4.4): the dossier waits in national status 6 until the
payment is confirmed — by the payments app on a verified gateway notification (system), or by the
desk collecting cash against a receipt — and then goes back to the status it left."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Dossier, DossierStatus
from ..workcalendar.django_calendar import calendar_for_agency
from ._engine import begin, finish
from .registry import performs

# Decree 118/2025/NĐ-CP practice: an online dossier is checked within 8 working hours (citizen.CHECK_HOURS).
CHECK_HOURS = 8


@performs("request_payment")
@transaction.atomic
def dossier_request_payment(
    *,
    dossier: Dossier,
    actor=None,
    system: bool = False,
    note: str = "",
    amount: int | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant to pay (national 6). `amount` in VND when known (the notification says it).
    `system=True`: a procedure paid at submission, asked as the dossier is submitted."""
    if amount is not None and amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    locked = begin(dossier, "request_payment", actor=actor, system=system, expected_version=expected_version)
    data = {"amount": amount} if amount is not None else {}
    updates = {}
    if system:
        data["at_submission"] = True
        # The desk's check clock does not run while the citizen pays: it starts at the payment
        # (dossier_confirm_payment), so a dossier left unpaid never counts as checked late.
        updates["check_due_at"] = None
    return finish(
        locked,
        "request_payment",
        actor=None if system else actor,
        note=note,
        data=data,
        updates=updates,
        caller=dossier,
    )


@performs("confirm_payment")
@transaction.atomic
def dossier_confirm_payment(
    *,
    dossier: Dossier,
    actor=None,
    system: bool = False,
    amount: int | None = None,
    method: str = "cash",
    reference: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The fees are paid: the dossier goes back to the status it left (received, processing or
    resolved). `system=True` is the payments app's verified confirmation; otherwise the desk
    records cash received, with the receipt number as `reference`."""
    if not system and not (reference or "").strip():
        raise ValidationError(_("Enter the number of the receipt given to the applicant."))
    locked = begin(dossier, "confirm_payment", actor=actor, system=system, expected_version=expected_version)
    updates = {}
    if locked.received_at is None and locked.status == DossierStatus.AWAITING_PAYMENT:
        # Paid at submission: back to the desk's check, whose 8 working hours start now (the time
        # spent paying does not count against the desk).
        now = timezone.now()
        updates["check_due_at"] = calendar_for_agency(locked.agency).due_at(now, hours=CHECK_HOURS, cutoff=None).due_at
    return finish(
        locked,
        "confirm_payment",
        actor=None if system else actor,
        note=note,
        data={"amount": amount, "method": method, "reference": (reference or "").strip()},
        updates=updates,
        caller=dossier,
    )
