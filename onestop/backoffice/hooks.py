"""Hooks where later parts plug in (the postal return of DESIGN §4.5).

`postal_return_requested` is called when a result is to be returned by post: the postal module
replaces the receiver below with one that creates the Shipment for the postal clerk's queue.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

#: sent with dossier= and actor= when a resolved dossier is to be delivered by post
postal_return = Signal()


def postal_return_requested(*, dossier, actor) -> None:
    postal_return.send(sender=type(dossier), dossier=dossier, actor=actor)
