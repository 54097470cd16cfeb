"""Figures of the national sync for monitoring (/readyz) and the admin."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.utils import timezone

from ..models import NationalSyncRecord, NationalSyncState


def national_sync_backlog() -> dict:
    """Pending rows, the age of the oldest in seconds, rows that failed at least once, dead rows.

    One query over the unsent rows only (partial index national_unsent_by_dossier).
    """
    row = NationalSyncRecord.objects.exclude(state=NationalSyncState.SENT).aggregate(
        pending=Count("pk", filter=Q(state=NationalSyncState.PENDING)),
        failing=Count("pk", filter=Q(state=NationalSyncState.PENDING, attempts__gt=0)),
        dead=Count("pk", filter=Q(state=NationalSyncState.DEAD)),
        oldest=Min("created_at", filter=Q(state=NationalSyncState.PENDING)),
    )
    oldest = row.pop("oldest")
    row["oldest_pending_seconds"] = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return row
