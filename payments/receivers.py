"""Listening to the dossier core (onestop.workflow.hooks): payments may import onestop, never the reverse."""

from __future__ import annotations


def counter_payment_confirmed(sender, *, event, dossier, **kwargs) -> None:
    """The desk recorded fees received at the counter (confirm_payment by a person, not by this
    app's verified IPN): the same Payment row and e-receipt, in the action's transaction."""
    if event.action != "confirm_payment" or event.actor_id is None:
        return
    from .services import counter_payment_record

    counter_payment_record(dossier=dossier, event=event)
