"""The national sync's receiver of the workflow's `event_recorded` hook (connected in onestop.signals)."""

from __future__ import annotations

from .services import national_record_event


def dossier_event_recorded(sender, *, event, dossier, **kwargs) -> None:
    """Write the event's national record now, inside the action's transaction (an outbox row)."""
    national_record_event(event=event, dossier=dossier)
