"""Delivering the outbox to the national portal: in order per dossier, at least once, one effect.

A row is sent only when every earlier row of its dossier has been accepted, so the national side
never sees a later status before an earlier one. Workers claim rows with a lease (a time-limited
mark set by one UPDATE) instead of holding a transaction open during the HTTP call: a worker killed
between the national side's "accepted" and our "sent" leaves the lease to expire, the row is sent
again with the same idempotency key, and the national side applies it once. Failures back off
exponentially (NATIONAL_SYNC_RETRY_BASE_SECONDS, doubling, capped at NATIONAL_SYNC_MAX_RETRY_SECONDS);
after NATIONAL_SYNC_MAX_ATTEMPTS a row is dead — it and the later rows of its dossier wait for an
admin's replay (the defaults ride out about four hours of outage). A run stops early after several
failures in a row: the endpoint is down, and hammering it would only spend the rows' attempts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .. import outbox
from ..models import NationalSyncRecord, NationalSyncState
from .transports import get_transport

logger = logging.getLogger(__name__)

# Consecutive failures after which a run gives up until the next one (the endpoint is down).
GIVE_UP_AFTER_FAILURES = 5


def retry_delay(attempts: int) -> int:
    return outbox.retry_delay(
        attempts, base=settings.NATIONAL_SYNC_RETRY_BASE_SECONDS, cap=settings.NATIONAL_SYNC_MAX_RETRY_SECONDS
    )


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    rounds: int = 0
    errors: list[str] = field(default_factory=list)


def claim_heads(*, limit: int, dossier_id: int | None = None) -> list[NationalSyncRecord]:
    """Lease the first unsent row of up to `limit` dossiers, when it is due and nobody holds it."""
    now = timezone.now()
    earlier_unsent = NationalSyncRecord.objects.filter(
        dossier_id=OuterRef("dossier_id"), pk__lt=OuterRef("pk")
    ).exclude(state=NationalSyncState.SENT)
    heads = NationalSyncRecord.objects.filter(outbox.claimable(now)).filter(~Exists(earlier_unsent))
    if dossier_id is not None:
        heads = heads.filter(dossier_id=dossier_id)
    return outbox.lease(heads, limit=limit, lease_seconds=settings.NATIONAL_SYNC_LEASE_SECONDS, now=now)


def _settle(sent: list[NationalSyncRecord], failed: list[tuple[NationalSyncRecord, str]], result: DrainResult) -> None:
    now = timezone.now()
    if sent:
        NationalSyncRecord.objects.filter(
            pk__in=[r.pk for r in sent], lease_token__in={r.lease_token for r in sent}
        ).update(
            state=NationalSyncState.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            lease_until=None,
            lease_token=None,
            next_attempt_at=None,
            last_error="",
        )
        result.sent += len(sent)
    for record, error in failed:
        attempts = record.attempts + 1
        dead = attempts >= settings.NATIONAL_SYNC_MAX_ATTEMPTS
        NationalSyncRecord.objects.filter(pk=record.pk, lease_token=record.lease_token).update(
            attempts=attempts,
            last_error=error[:2000],
            state=NationalSyncState.DEAD if dead else NationalSyncState.PENDING,
            next_attempt_at=None if dead else now + timedelta(seconds=retry_delay(attempts)),
            lease_until=None,
            lease_token=None,
        )
        result.failed += 1
        result.dead += dead
        if dead:
            logger.error("national sync record %s stopped after %s attempts: %s", record.pk, attempts, error)
        else:
            logger.warning("national sync record %s attempt %s failed: %s", record.pk, attempts, error)


def _requests(heads: list[NationalSyncRecord]) -> list[list[NationalSyncRecord]]:
    """The heads grouped into requests: one service and one isUpdating per request, at most
    NATIONAL_SYNC_RECORDS_PER_REQUEST records (the national API takes `data` as a list)."""
    size = settings.NATIONAL_SYNC_RECORDS_PER_REQUEST
    groups: dict[tuple[str, bool], list[NationalSyncRecord]] = {}
    for record in heads:
        groups.setdefault((record.service, record.is_update), []).append(record)
    return [group[i : i + size] for group in groups.values() for i in range(0, len(group), size)]


def national_sync_drain(
    *, dossier_id: int | None = None, max_seconds: float | None = None, batch: int | None = None
) -> DrainResult:
    """Send what is due (for one dossier, or for all), round after round, within `max_seconds`.

    A round leases the first unsent row of up to `batch` dossiers and sends them in a few requests.
    A request that fails is tried again record by record, so that one record the national side
    refuses holds back only its own dossier; only those single attempts count against a record.
    """
    batch = batch or settings.NATIONAL_SYNC_BATCH
    deadline = time.monotonic() + (max_seconds if max_seconds is not None else settings.NATIONAL_SYNC_DRAIN_SECONDS)
    transport = get_transport()
    result = DrainResult()
    consecutive_failures = 0
    while time.monotonic() < deadline:
        heads = claim_heads(limit=1 if dossier_id is not None else batch, dossier_id=dossier_id)
        if not heads:
            break
        result.rounds += 1
        sent: list[NationalSyncRecord] = []
        failed: list[tuple[NationalSyncRecord, str]] = []
        untried: list[NationalSyncRecord] = []
        for chunk in _requests(heads):
            if consecutive_failures >= GIVE_UP_AFTER_FAILURES:
                untried.extend(chunk)
                continue
            try:
                transport.send(chunk)
            except Exception as exc:
                if len(chunk) == 1:
                    failed.append((chunk[0], f"{type(exc).__name__}: {exc}"))
                    consecutive_failures += 1
                    continue
                for record in chunk:  # one by one: find the record(s) refused
                    if consecutive_failures >= GIVE_UP_AFTER_FAILURES:
                        untried.append(record)
                        continue
                    try:
                        transport.send([record])
                    except Exception as single_exc:
                        failed.append((record, f"{type(single_exc).__name__}: {single_exc}"))
                        consecutive_failures += 1
                    else:
                        sent.append(record)
                        consecutive_failures = 0
            else:
                sent.extend(chunk)
                consecutive_failures = 0
        # Released untouched: they were not tried, so they cost no attempt.
        outbox.release(untried)
        _settle(sent, failed, result)
        if consecutive_failures >= GIVE_UP_AFTER_FAILURES:
            result.errors.append(failed[-1][1])
            break
    return result
