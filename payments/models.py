"""Fees, payments and receipts (DESIGN §4.4).

A Payment is one attempt to collect a dossier's fees: online through a gateway (one attempt per
redirect, its own unique ``txn_ref``), or at the counter (cash, recorded when the desk confirms).
Only a verified gateway notification (IPN) or the desk's confirmation marks a payment paid; the
browser's return from the gateway changes nothing. Every IPN is kept, whatever its verdict.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the gateway")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled by the payer")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")


# An attempt in one of these may be replaced by a new one (the citizen tries again).
RETRYABLE = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED})


class Payment(models.Model):
    dossier = models.ForeignKey(
        "onestop.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="payments"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    # What the amount is made of, copied when the attempt is made: [{"code", "name", "amount"}].
    items = models.JSONField(_("items"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.ONLINE)
    # The registry name of the gateway ("vnpay", "sandbox"), or "counter".
    provider = models.CharField(_("provider"), max_length=20)
    # Sent to the gateway as vnp_TxnRef: unique, at most 100 characters of [A-Za-z0-9-].
    txn_ref = models.CharField(_("order reference"), max_length=100, unique=True)
    gateway_txn_no = models.CharField(_("gateway transaction number"), max_length=40, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    response_code = models.CharField(_("gateway response code"), max_length=4, blank=True)
    # The counter's paper receipt number (counter payments).
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    payer = models.ForeignKey(
        "portal.User",
        verbose_name=_("payer account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Paid after the dossier had already left "waiting for payment" (paid twice, withdrawn…): the
    # money is recorded and the agency's reconciliation lists it for a refund.
    needs_refund = models.BooleanField(_("needs a refund"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A refund recorded by the desk (payment_refund_record): when, by whom, why, the bank's reference.
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("refunded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reason = models.CharField(_("refund reason"), max_length=300, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=PaymentStatus.values), name="payment_status_valid"),
            models.CheckConstraint(condition=models.Q(txn_ref__regex=r"^[A-Za-z0-9-]{1,100}$"), name="payment_txn_ref"),
            models.UniqueConstraint(fields=["dossier", "attempt"], name="payment_unique_attempt"),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="payment_status_expiry"),
            models.Index(fields=["paid_at"], name="payment_paid_at"),
            models.Index(fields=["created_at"], name="payment_created_at"),
            models.Index(fields=["refunded_at"], name="payment_refunded_at"),
        ]

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.amount:,} đ ({self.status})"


class IpnVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Payment confirmed")
    RECORDED = "recorded", _("Failure recorded")
    DUPLICATE = "duplicate", _("Already confirmed")
    NOT_FOUND = "not_found", _("Order not found")
    BAD_AMOUNT = "bad_amount", _("Invalid amount")
    BAD_SIGNATURE = "bad_signature", _("Invalid signature")
    ERROR = "error", _("Unknown error")


class IpnLog(models.Model):
    """Every server-to-server notification, as received, with our answer (never deleted)."""

    provider = models.CharField(max_length=20)
    txn_ref = models.CharField(max_length=100, blank=True, db_index=True)
    params = models.JSONField(default=dict)
    verdict = models.CharField(max_length=15, choices=IpnVerdict.choices)
    rsp_code = models.CharField(max_length=2)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("gateway notification")
        verbose_name_plural = _("gateway notifications")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.txn_ref} → {self.rsp_code}"


class Receipt(models.Model):
    """The electronic receipt (biên lai điện tử) of a paid Payment; its public page is /bien-lai/<uuid>/."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("receipt number"), max_length=30, unique=True)
    payer_name = models.CharField(_("payer"), max_length=300)
    issued_at = models.DateTimeField(_("issued at"))
    # The PDF in the citizen's data store (kho dữ liệu), owned by the applicant's account.
    file = models.ForeignKey("onestop.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return self.number


class SandboxOrder(models.Model):
    """The built-in sandbox gateway's own book (the simulated bank): what it answers to querydr."""

    txn_ref = models.CharField(max_length=100, unique=True)
    amount = models.PositiveBigIntegerField()  # VND × 100, as the protocol carries it
    order_info = models.CharField(max_length=255, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    transaction_no = models.CharField(max_length=20, blank=True)
    response_code = models.CharField(max_length=2, blank=True)
    transaction_status = models.CharField(max_length=2, blank=True)
    pay_date = models.CharField(max_length=14, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox order")
        verbose_name_plural = _("sandbox orders")

    def __str__(self) -> str:
        return self.txn_ref
