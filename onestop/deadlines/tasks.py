"""Celery tasks of the deadlines: the periodic sweep, its notification batches, the daily digest.
Thin — they import their services lazily (STYLE §18) and are safe to run twice."""

from celery import shared_task


@shared_task(name="onestop.deadline_sweep")
def deadline_sweep_task() -> dict:
    """Periodic (beat, every few minutes): record the deadlines crossed and queue their warnings."""
    from .services import deadline_sweep

    return deadline_sweep().as_dict()


@shared_task(name="onestop.deadline_notify", acks_late=True)
def deadline_notify_task(crossing_ids: list[int]) -> int:
    """Warn the people concerned by one batch of deadline crossings (safe to run twice)."""
    from .services import deadline_crossings_notify

    return deadline_crossings_notify(crossing_ids=crossing_ids)


@shared_task(name="onestop.deadline_digest")
def deadline_digest_task() -> int:
    """Periodic (beat, once a day): each leader's counts of open, due-soon, overdue and late-checked dossiers."""
    from .services import deadline_digest_send

    return deadline_digest_send()
