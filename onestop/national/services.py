"""Writing the outbox: one row per reported event, in the event's own transaction."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Dossier, DossierEvent, NationalSyncRecord
from .records import national_record, service_for

logger = logging.getLogger(__name__)


def national_record_event(*, event: DossierEvent, dossier: Dossier) -> NationalSyncRecord | None:
    """Queue the national record of `event` (None when the portal need not know it, or sync is off).

    Called inside the action's transaction with the dossier row locked, so rows of one dossier are
    numbered in the order of its events — the order delivery keeps.
    """
    if not settings.NATIONAL_SYNC_ENABLED:
        return None
    service = service_for(event)
    if service is None:
        return None
    # One read tells both whether the portal knows this dossier already (an update) and whether this
    # event has its row (the hook run twice). No other transaction can add a row for this event
    # meanwhile: it is this transaction's own, and the dossier row is locked.
    reported = set(NationalSyncRecord.objects.filter(dossier=dossier).values_list("event_id", flat=True))
    if event.pk in reported:
        return NationalSyncRecord.objects.get(event=event)
    record = NationalSyncRecord.objects.create(
        event=event,
        dossier=dossier,
        service=service,
        payload=national_record(dossier, event, service),
        is_update=bool(reported),
        next_attempt_at=timezone.now(),
    )
    dossier_id = dossier.pk
    transaction.on_commit(lambda: queue_dossier_delivery(dossier_id))
    return record


def queue_dossier_delivery(dossier_id: int) -> None:
    """Ask a worker to send this dossier's rows now; the periodic drain catches what a lost task misses."""
    from .tasks import national_sync_dossier_task

    try:
        national_sync_dossier_task.delay(dossier_id)
    except Exception:
        logger.exception("could not queue the national sync of dossier %s", dossier_id)


def national_records_replay(*, ids) -> int:
    """Put stopped (dead) rows back in the queue with a fresh set of attempts (admin action)."""
    from .. import outbox

    rows = outbox.replay(NationalSyncRecord.objects.filter(pk__in=list(ids)))
    for dossier_id in {row.dossier_id for row in rows}:
        transaction.on_commit(lambda d=dossier_id: queue_dossier_delivery(d))
    return len(rows)
