"""The postal receiver of the workflow's `event_recorded` hook (connected in onestop.signals).

A result that goes by post gets its shipment in the resolve transaction itself: if the resolve
rolls back, so does the shipment; if the shipment cannot be created, the resolve fails. (The result
is returned by post only through the shipment: onestop.postal.services.shipment_record.)
"""

from __future__ import annotations


def dossier_event_recorded(sender, *, event, dossier, **kwargs) -> None:
    if event.action == "resolve" and dossier.delivery_method == "post":
        from .services import shipment_for_resolved

        shipment_for_resolved(dossier=dossier)


def shipment_deleted(sender, *, instance, **kwargs) -> None:
    """A shipment deleted (with its dossier) no longer counts in its ended state."""
    from ..models import TERMINAL_STATES

    if instance.state in TERMINAL_STATES:
        from .services import count_ended

        count_ended(agency_id=instance.agency_id, state=instance.state, by=-1)
