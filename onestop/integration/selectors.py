"""Figures of the webhooks for monitoring (/readyz)."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.utils import timezone

from ..models import WebhookDelivery, WebhookState


def webhooks_backlog() -> dict:
    """Pending deliveries, the age of the oldest in seconds, those that failed at least once, dead
    ones — one query over the unsent rows only (partial index webhook_unsent)."""
    row = WebhookDelivery.objects.exclude(state=WebhookState.SENT).aggregate(
        pending=Count("pk", filter=Q(state=WebhookState.PENDING)),
        failing=Count("pk", filter=Q(state=WebhookState.PENDING, attempts__gt=0)),
        dead=Count("pk", filter=Q(state=WebhookState.DEAD)),
        oldest=Min("created_at", filter=Q(state=WebhookState.PENDING)),
    )
    oldest = row.pop("oldest")
    row["oldest_pending_seconds"] = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return row
