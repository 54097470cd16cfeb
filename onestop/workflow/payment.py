"""Fees and financial obligations (DESIGN §4.4): the dossier waits in national status 6 until the
payment is confirmed — by the payments app on a verified gateway notification (system), or by the
desk collecting cash against a receipt — and then goes back to the status it left."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Dossier
from ._engine import begin, finish
from .registry import performs


@performs("request_payment")
@transaction.atomic
def dossier_request_payment(
    *, dossier: Dossier, actor, note: str = "", amount: int | None = None, expected_version: int | None = None
) -> Dossier:
    """Ask the applicant to pay (national 6). `amount` in VND when known (the notification says it)."""
    if amount is not None and amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    locked = begin(dossier, "request_payment", actor=actor, expected_version=expected_version)
    data = {"amount": amount} if amount is not None else {}
    return finish(locked, "request_payment", actor=actor, note=note, data=data, caller=dossier)


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
    return finish(
        locked,
        "confirm_payment",
        actor=None if system else actor,
        note=note,
        data={"amount": amount, "method": method, "reference": (reference or "").strip()},
        caller=dossier,
    )
