"""The webhooks' receiver of the workflow's `event_recorded` hook (connected in onestop.signals)."""

from __future__ import annotations

from .services import webhook_deliveries_for_event


def dossier_event_recorded(sender, *, event, dossier, **kwargs) -> None:
    """Write the event's webhook deliveries now, inside the action's transaction (outbox rows)."""
    webhook_deliveries_for_event(event=event, dossier=dossier)
