"""Celery tasks of the uploads: the nightly clean-up of orphan files (thin, safe to run twice)."""

from celery import shared_task


@shared_task(name="onestop.storage_cleanup")
def storage_cleanup_task() -> dict:
    """Periodic (beat, nightly): delete orphan stored files and objects (safe to run twice)."""
    from .cleanup import storage_cleanup

    return storage_cleanup().as_dict()
