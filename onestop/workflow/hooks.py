"""Where other parts plug into the dossier life cycle without the core importing them.

`event_recorded` is sent for every DossierEvent, inside the action's transaction, with `event=` and
`dossier=` (the locked, updated row). Receivers write what must not be lost in that same
transaction (a shipment when a result goes by post, a national-sync outbox row) and queue what
talks to the outside world with `transaction.on_commit` (notifications). They are connected in
onestop.signals.connect(); a receiver that raises rolls the action back.
"""

from django.dispatch import Signal

event_recorded = Signal()
