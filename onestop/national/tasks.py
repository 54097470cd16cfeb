"""Celery tasks of the national sync: thin, safe to run twice or at once (rows are leased)."""

from celery import shared_task


@shared_task(name="onestop.national_sync_dossier", acks_late=True)
def national_sync_dossier_task(dossier_id: int) -> int:
    """Send one dossier's due rows in order (queued after the action's commit)."""
    from .delivery import national_sync_drain

    return national_sync_drain(dossier_id=dossier_id).sent


@shared_task(name="onestop.national_sync_drain")
def national_sync_drain_task() -> int:
    """Periodic: send everything due — retries after backoff, rows whose task was lost."""
    from .delivery import national_sync_drain

    return national_sync_drain().sent
