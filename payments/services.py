"""Writes of the payments app (STYLE §1): start an attempt, handle a gateway notification, record a
counter payment, issue a receipt, reconcile. The dossier moves only through
onestop.workflow.dossier_confirm_payment, in the same transaction as the Payment row.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.fees import dossier_dues
from onestop.models import Dossier, DossierEvent, DossierStatus
from onestop.workflow import dossier_confirm_payment, dossier_record_event

from . import conf
from .models import IpnLog, IpnVerdict, Payment, PaymentMethod, PaymentStatus
from .registry import Gateway, Notification, gateway

logger = logging.getLogger(__name__)

# VNPay's IPN answers (DESIGN §4.4).
IPN_MESSAGES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}
# A pending attempt is reused (a double click, a reload) while it has at least this long to live.
REUSE_MARGIN = dt.timedelta(minutes=2)


class PaymentError(Exception):
    """A message for the citizen (the dossier is not waiting for a payment, nothing to pay…)."""


# ------------------------------------------------------------------------------------ amounts


def payment_items(dossier: Dossier) -> tuple[list[dict], int]:
    """What the applicant owes (onestop.fees.dossier_dues: the channel's fee lines for what the form
    says, and the postage of a result sent by post, paid here with the fees) — unless the officer's
    request stated another amount for the fees (per-copy fees counted at reception), which wins
    over the fee lines; the postage stays its own line.
    """
    dues = dossier_dues(dossier)
    items, total = dues.items(), dues.total
    request = (
        DossierEvent.objects.filter(dossier=dossier, action="request_payment")
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    asked = (request or {}).get("amount")
    if asked is not None and int(asked) != dues.fees_total:
        postage = [item for item, line in zip(items, dues.lines, strict=True) if line.kind == "postage"]
        items = [{"code": "", "name": "Phí, lệ phí theo thông báo của cơ quan giải quyết", "amount": int(asked)}]
        items += postage
        total = int(asked) + dues.postage
    return items, total


def _txn_base(dossier: Dossier) -> str:
    """vnp_TxnRef allows [A-Za-z0-9-]: the dossier code without its dots."""
    return "".join(c for c in (dossier.code or f"HS{dossier.pk}") if c.isalnum() or c == "-")


def _next_attempt(dossier: Dossier) -> int:
    return (Payment.objects.filter(dossier=dossier).aggregate(m=Max("attempt"))["m"] or 0) + 1


# ------------------------------------------------------------------------------------ attempts


@transaction.atomic
def payment_start(*, dossier: Dossier, user, provider: str | None = None) -> Payment:
    """An online attempt for the dossier's fees; a pending attempt with time left is reused (a
    double click makes no second order). The dossier row is locked, so two clicks at once queue."""
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.status != DossierStatus.AWAITING_PAYMENT:
        raise PaymentError(_("This dossier is not waiting for a payment."))
    if locked.applicant_id != getattr(user, "pk", None):
        raise PaymentError(_("Only the applicant can pay online for this dossier."))
    items, total = payment_items(locked)
    if total <= 0:
        raise PaymentError(_("There is nothing to pay online for this dossier."))
    now = timezone.now()
    name = provider or gateway().name
    reusable = (
        Payment.objects.filter(
            dossier=locked, status=PaymentStatus.PENDING, method=PaymentMethod.ONLINE, provider=name, amount=total
        )
        .filter(expires_at__gt=now + REUSE_MARGIN)
        .order_by("-attempt")
        .first()
    )
    if reusable is not None:
        return reusable
    attempt = _next_attempt(locked)
    payment = Payment.objects.create(
        dossier=locked,
        attempt=attempt,
        amount=total,
        items=items,
        provider=name,
        method=PaymentMethod.ONLINE,
        txn_ref=f"{_txn_base(locked)}-{attempt:02d}",
        payer=user,
        expires_at=now + conf.expiry(),
    )
    dossier_record_event(
        dossier=locked,
        kind="payment_attempt",
        actor=user,
        data={"txn_ref": payment.txn_ref, "amount": total, "provider": name, "outcome": "started"},
    )
    return payment


# ---------------------------------------------------------------------------- notifications


@dataclass(frozen=True)
class IpnAnswer:
    rsp_code: str
    verdict: str

    @property
    def message(self) -> str:
        return IPN_MESSAGES[self.rsp_code]


def ipn_handle(*, params: dict[str, str], remote_addr: str | None = None, provider: str | None = None) -> IpnAnswer:
    """A gateway's server-to-server notification: the only thing that marks an online payment
    paid. Verified, matched, amount-checked, idempotent; logged whatever the verdict."""
    gw = gateway(provider)
    try:
        answer = _ipn(gw, params)
    except Exception:  # the gateway retries on 99; the log keeps what it sent
        logger.exception("IPN %s failed", params.get("vnp_TxnRef", ""))
        answer = IpnAnswer("99", IpnVerdict.ERROR)
    IpnLog.objects.create(
        provider=gw.name,
        txn_ref=str(params.get("vnp_TxnRef", ""))[:100],
        params=params,
        verdict=answer.verdict,
        rsp_code=answer.rsp_code,
        remote_addr=remote_addr or None,
    )
    return answer


def _ipn(gw: Gateway, params: dict[str, str]) -> IpnAnswer:
    if not gw.verify(params):
        return IpnAnswer("97", IpnVerdict.BAD_SIGNATURE)
    note = gw.read(params)
    with transaction.atomic():
        # Read under the row lock at once: the lock orders two notifications at once (and the
        # reconciliation): one settles it, the other finds it settled and answers 02.
        try:
            payment = Payment.objects.select_for_update(of=("self",)).get(
                txn_ref=note.txn_ref, method=PaymentMethod.ONLINE
            )
        except Payment.DoesNotExist:
            return IpnAnswer("01", IpnVerdict.NOT_FOUND)
        if note.amount != payment.amount:
            return IpnAnswer("04", IpnVerdict.BAD_AMOUNT)
        if payment.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED):
            return IpnAnswer("02", IpnVerdict.DUPLICATE)
        _settle(payment, note)
    return IpnAnswer("00", IpnVerdict.CONFIRMED if note.paid else IpnVerdict.RECORDED)


SETTLED_FIELDS = ("status", "response_code", "gateway_txn_no", "bank_code", "updated_at")


def _settle(payment: Payment, note: Notification) -> None:
    """Apply the gateway's word to a locked attempt (inside the caller's transaction)."""
    payment.response_code = note.response_code[:4]
    payment.gateway_txn_no = note.transaction_no or payment.gateway_txn_no
    payment.bank_code = note.bank_code or payment.bank_code
    # Only its status is read here; the workflow locks and reads the full row itself.
    dossier = Dossier.objects.only("pk", "status").get(pk=payment.dossier_id)
    if not note.paid:
        payment.status = PaymentStatus.CANCELLED if note.cancelled else PaymentStatus.FAILED
        payment.save(update_fields=[*SETTLED_FIELDS])
        dossier_record_event(
            dossier=dossier,
            kind="payment_attempt",
            system=True,
            data={"txn_ref": payment.txn_ref, "outcome": payment.status, "response_code": note.response_code},
        )
        return
    payment.status = PaymentStatus.PAID
    payment.paid_at = timezone.now()
    if dossier.status == DossierStatus.AWAITING_PAYMENT:
        payment.save(update_fields=[*SETTLED_FIELDS, "paid_at"])
        confirmed = dossier_confirm_payment(
            dossier=dossier,
            system=True,
            amount=payment.amount,
            method="vnpay",
            reference=payment.gateway_txn_no or payment.txn_ref,
            note=_("Paid online (transaction %(number)s).") % {"number": payment.gateway_txn_no or payment.txn_ref},
        )
    else:
        # Paid after the dossier left "waiting for payment" (paid at the counter meanwhile, a second
        # attempt, withdrawn): the money is recorded and listed for a refund, the dossier is left alone.
        confirmed = None
        payment.needs_refund = True
        payment.note = f"Thanh toán khi hồ sơ ở trạng thái {dossier.status}: cần hoàn tiền."
        payment.save(update_fields=[*SETTLED_FIELDS, "paid_at", "needs_refund", "note"])
        dossier_record_event(
            dossier=dossier,
            kind="payment_attempt",
            system=True,
            data={"txn_ref": payment.txn_ref, "outcome": "paid_needs_refund", "amount": payment.amount},
        )
    from .receipts import receipt_issue

    receipt_issue(payment=payment, dossier=confirmed)


# --------------------------------------------------------------------------------- the counter


def counter_payment_record(*, dossier: Dossier, event: DossierEvent) -> Payment:
    """The desk confirmed a cash payment (onestop's confirm_payment, not by the system): the same
    Payment row and e-receipt as an online payment. Called inside the action's transaction."""
    data = event.data or {}
    items, total = payment_items(dossier)
    amount = int(data.get("amount") if data.get("amount") is not None else total)
    if amount != total:
        items = [{"code": "", "name": "Phí, lệ phí nộp tại Bộ phận Một cửa", "amount": amount}]
    attempt = _next_attempt(dossier)
    payment = Payment.objects.create(
        dossier=dossier,
        attempt=attempt,
        amount=amount,
        items=items,
        status=PaymentStatus.PAID,
        method=PaymentMethod.CASH if data.get("method", "cash") == "cash" else PaymentMethod.TRANSFER,
        provider="counter",
        txn_ref=f"{_txn_base(dossier)}-Q{attempt:02d}",
        reference=str(data.get("reference", ""))[:60],
        recorded_by_id=event.actor_id,
        paid_at=event.created_at or timezone.now(),
    )
    from .receipts import receipt_issue

    receipt_issue(payment=payment)
    return payment


# ---------------------------------------------------------------------------------- refunds


REFUNDABLE = frozenset({PaymentStatus.PAID})


@transaction.atomic
def payment_refund_record(*, payment: Payment, actor, reason: str, reference: str = "") -> Payment:
    """The agency paid a payment back (typically one flagged needs_refund): recorded once, with a
    reason and the bank's (or the cash book's) reference, as a dossier event the applicant hears of.

    Row-locked: a double submit finds the payment already refunded and records nothing more. Who may
    record it is the dossier core's word (EVENT_KINDS["payment_refunded"]: the receiving desk); a
    refused actor rolls everything back."""
    reason = (reason or "").strip()
    reference = (reference or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the refund.")})
    if len(reason) > 300 or len(reference) > 60:
        raise ValidationError(_("The reason or the reference is too long."))
    locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    if locked.status == PaymentStatus.REFUNDED:
        return locked  # a double submit (or two officers at once): the first one counted
    if locked.status not in REFUNDABLE:
        raise PaymentError(_("Only a paid payment can be refunded."))
    locked.status = PaymentStatus.REFUNDED
    locked.needs_refund = False
    locked.refunded_at = timezone.now()
    locked.refunded_by = actor
    locked.refund_reason = reason
    locked.refund_reference = reference
    locked.save(
        update_fields=["status", "needs_refund", "refunded_at", "refunded_by", "refund_reason",
                       "refund_reference", "updated_at"]
    )  # fmt: skip
    dossier_record_event(
        dossier=locked.dossier,
        kind="payment_refunded",
        actor=actor,
        note=reason,
        data={"txn_ref": locked.txn_ref, "amount": locked.amount, "reference": reference},
    )
    return locked


# ---------------------------------------------------------------------------- reconciliation


@dataclass
class ReconcileReport:
    checked: int = 0
    paid: int = 0
    expired: int = 0
    unchanged: int = 0
    errors: int = 0


def payments_reconcile(*, now: dt.datetime | None = None, limit: int = 500) -> ReconcileReport:
    """Ask the gateway (querydr) about the online attempts still pending after their expiry and
    settle them: paid → confirmed as by an IPN; anything else → expired. Safe to run twice (and
    alongside a late IPN): each attempt is re-read under its row lock before it is changed."""
    now = now or timezone.now()
    report = ReconcileReport()
    due = list(
        Payment.objects.filter(status=PaymentStatus.PENDING, method=PaymentMethod.ONLINE, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        report.checked += 1
        try:
            outcome = payment_reconcile(payment_id=pk)
        except Exception:
            logger.exception("Reconciliation of payment %s failed", pk)
            report.errors += 1
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def payment_reconcile(*, payment_id: int) -> str:
    """One attempt: 'paid', 'expired' or 'unchanged'. The query goes out before any lock is taken."""
    payment = Payment.objects.select_related("dossier").get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return "unchanged"
    result = gateway(payment.provider).query(payment=payment)
    if not result.found and result.message not in ("not found",):
        raise RuntimeError(f"querydr {payment.txn_ref}: {result.message}")
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment_id)
        if payment.status != PaymentStatus.PENDING:
            return "unchanged"
        note = result.notification
        if note is not None and note.paid and note.amount == payment.amount:
            _settle(payment, note)
            return "paid"
        payment.status = PaymentStatus.EXPIRED
        if note is not None:
            payment.response_code = note.response_code[:4]
        payment.save(update_fields=["status", "response_code", "updated_at"])
    return "expired"
