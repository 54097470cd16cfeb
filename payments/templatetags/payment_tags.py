"""`{% payment_panel dossier %}`: the payment part of the citizen's dossier page (two queries)."""

from django import template

from onestop.models import DossierStatus

from ..models import RETRYABLE, Payment, PaymentStatus

register = template.Library()


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payment_panel(context, dossier):
    from ..services import payment_items

    payments = list(Payment.objects.filter(dossier=dossier).select_related("receipt").order_by("-attempt"))
    awaiting = dossier.status == DossierStatus.AWAITING_PAYMENT
    items, total = payment_items(dossier) if awaiting else ([], 0)
    latest = payments[0] if payments else None
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "dossier": dossier,
        "awaiting": awaiting,
        "items": items,
        "total": total,
        "payments": payments,
        "receipts": [p.receipt for p in payments if p.status == PaymentStatus.PAID and hasattr(p, "receipt")],
        "retry": latest is not None and latest.status in RETRYABLE,
        "pending": latest is not None and latest.status == PaymentStatus.PENDING,
    }
