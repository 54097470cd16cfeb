"""The postal receiver of the workflow's `event_recorded` hook (connected in onestop.signals).

A result that goes by post gets its shipment in the resolve transaction itself: if the resolve
rolls back, so does the shipment; if the shipment cannot be created, the resolve fails. A result
marked returned by post on the dossier page closes its open shipment in that transaction too.
"""

from __future__ import annotations


def dossier_event_recorded(sender, *, event, dossier, **kwargs) -> None:
    if event.action == "resolve" and dossier.delivery_method == "post":
        from .services import shipment_for_resolved

        shipment_for_resolved(dossier=dossier)
    elif event.action == "return_result" and (event.data or {}).get("method") == "post":
        from .services import shipment_closed_by_return

        shipment_closed_by_return(dossier=dossier, event=event)
