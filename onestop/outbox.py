"""The outbox machinery shared by the rows that leave the province after a dossier event — the
national portal's records (onestop.national) and partners' webhooks (onestop.integration.webhooks).

Rows are written in the event's own transaction; workers claim due rows with a lease (a time-limited
mark set by one UPDATE, with SKIP LOCKED on PostgreSQL so that two workers take different rows)
instead of holding a transaction open over the HTTP call; failures back off exponentially up to a
cap; after the maximum number of attempts a row is dead and waits for an admin's replay. A model
using this has the columns `state` ("pending" / "sent" / "dead"), `attempts`, `next_attempt_at`,
`lease_until`, `lease_token`, `last_error`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

PENDING, SENT, DEAD = "pending", "sent", "dead"


def retry_delay(attempts: int, *, base: int, cap: int) -> int:
    """Seconds to wait after the `attempts`-th failure: base, doubling, at most cap."""
    return min(base * 2 ** max(attempts - 1, 0), cap)


def claimable(now) -> Q:
    """Due, pending, and nobody holds it (or the holder's lease expired: a killed worker)."""
    return Q(state=PENDING, next_attempt_at__lte=now) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def lease(candidates: QuerySet, *, limit: int, lease_seconds: int, now=None) -> list[Model]:
    """Lease up to `limit` of `candidates` (already filtered with `claimable`) for `lease_seconds`;
    return the leased rows, in id order. Two workers at once never lease the same row."""
    model = candidates.model
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        # SKIP LOCKED (PostgreSQL): two workers claiming at once take different rows instead of
        # racing for the same ones; the lease set here keeps them after the commit.
        ids = list(candidates.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # The WHERE is checked again row by row: of two workers, one wins each row (SQLite too).
        model.objects.filter(claimable(now), pk__in=ids).update(
            lease_until=now + timedelta(seconds=lease_seconds), lease_token=token
        )
    return list(model.objects.filter(lease_token=token).order_by("pk"))


def release(rows: list[Model]) -> None:
    """Give leased rows back untouched (not tried: they cost no attempt)."""
    if rows:
        type(rows[0]).objects.filter(pk__in=[r.pk for r in rows], lease_token=rows[0].lease_token).update(
            lease_until=None, lease_token=None
        )


def replay(queryset: QuerySet, *, now=None) -> list[Model]:
    """Put dead rows of `queryset` back in the queue with a fresh set of attempts (admin action);
    return them (locked, before the update) so that the caller can queue their delivery."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(queryset.select_for_update().filter(state=DEAD))
        queryset.model.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=PENDING, attempts=0, next_attempt_at=now, lease_until=None, lease_token=None, last_error=""
        )
    return rows
