"""The notifications' receiver of the workflow's `event_recorded` hook (connected in onestop.signals)."""

from __future__ import annotations

import logging

from django.db import transaction

from .tasks import notify_dossier_event_task

logger = logging.getLogger(__name__)


def dossier_event_recorded(sender, *, event, dossier, **kwargs) -> None:
    """Turn the event into messages once the action has committed (DESIGN §4.6)."""
    event_id = event.pk

    def _queue() -> None:
        try:
            notify_dossier_event_task.delay(event_id)
        except Exception:
            # The broker is down: the action stands; the event is kept and can be notified again.
            logger.exception("could not queue the notifications of dossier event %s", event_id)

    transaction.on_commit(_queue)
