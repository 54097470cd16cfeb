"""Reads of the payments app (STYLE §1)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Payment, PaymentStatus


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day (Asia/Ho_Chi_Minh) as an aware half-open interval."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def day_payments(*, agency_id: int, day: dt.date) -> QuerySet[Payment]:
    """The payments of dossiers received by the agency, started, paid or refunded on that local day."""
    start, end = _bounds(day)
    return (
        Payment.objects.filter(dossier__agency_id=agency_id)
        .filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(paid_at__gte=start, paid_at__lt=end)
            | Q(refunded_at__gte=start, refunded_at__lt=end)
        )
        .select_related("dossier", "receipt", "refunded_by")
        .order_by("created_at", "pk")
    )


def day_summary(payments: list[Payment]) -> list[dict]:
    """Count and total per status, every status listed (zeros included), paid first."""
    order = [PaymentStatus.PAID, PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.CANCELLED,
             PaymentStatus.EXPIRED, PaymentStatus.REFUNDED]  # fmt: skip
    rows = {status: {"status": status, "label": status.label, "count": 0, "total": 0} for status in order}
    for payment in payments:
        row = rows[PaymentStatus(payment.status)]
        row["count"] += 1
        row["total"] += payment.amount
    return list(rows.values())


def day_refunds(payments: list[Payment], *, day: dt.date) -> dict:
    """The refunds recorded on that local day: how many, and the total paid back (VND)."""
    start, end = _bounds(day)
    refunded = [p for p in payments if p.refunded_at is not None and start <= p.refunded_at < end]
    return {"count": len(refunded), "total": sum(p.amount for p in refunded)}


def payment_channel_summary(*, agency_ids, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    """Payments settled in [start, end) per receiving agency: {agency_id: {"paid": n, "online": n}} —
    the online payment indicator of Decision 766/QĐ-TTg (dossiers with fees paid through the portal's
    gateway among those paid). One grouped query on the paid_at index; refunded payments were paid.
    Read by onestop.statistics through settings.STATISTICS_PAYMENT_SUMMARY (onestop never imports payments)."""
    from django.db.models import Count

    rows = (
        Payment.objects.filter(
            paid_at__gte=start,
            paid_at__lt=end,
            status__in=[PaymentStatus.PAID, PaymentStatus.REFUNDED],
            dossier__agency_id__in=sorted(agency_ids),
        )
        .values("dossier__agency_id")
        .annotate(paid=Count("pk"), online=Count("pk", filter=Q(method="online")))
        .order_by()
    )
    return {r["dossier__agency_id"]: {"paid": r["paid"], "online": r["online"]} for r in rows}
