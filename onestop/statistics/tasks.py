"""Celery tasks of the statistics: the periodic roll-up of the last days. Thin (STYLE §18)."""

from celery import shared_task


@shared_task(name="onestop.statistics_rollup")
def statistics_rollup_task(days: int | None = None) -> dict:
    """Periodic (beat, hourly): recompute the roll-up of the last days, then read the most read
    reports' part of it into the cache; safe to run twice."""
    from django.conf import settings

    from .figures import warm_statistics_cache
    from .rollup import statistics_rollup_recent

    result = statistics_rollup_recent(days=days or settings.STATISTICS_ROLLUP_DAYS).as_dict()
    warm_statistics_cache()
    return result
