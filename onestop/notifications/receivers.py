"""The notifications' receiver of the workflow's `event_recorded` hook (connected in onestop.signals).

An outbox: the messages of an event are rows written in the event's own transaction, so they exist
exactly when the change does. Only their delivery waits for a worker (queued after commit, retried,
and re-queued by the periodic sweep when a task is lost) — a worker or broker that dies can delay a
message, never lose it.
"""

from __future__ import annotations

from .services import event_notify


def dossier_event_recorded(sender, *, event, dossier, **kwargs) -> None:
    """Write the applicant's and the assignee's message rows now, inside the action's transaction,
    from the event and the locked dossier the workflow holds (the event's own `dossier`)."""
    event_notify(event=event)
