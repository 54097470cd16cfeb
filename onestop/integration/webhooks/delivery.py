"""Sending webhook deliveries: signed POSTs, leased rows, exponential backoff, a dead state.

Each row is independent (a slow or failing receiver holds back only its own rows): workers lease
due rows (onestop.outbox), POST the stored body with its signature, and settle — sent on a 2xx,
else another attempt after WEBHOOK_RETRY_BASE_SECONDS doubling up to WEBHOOK_MAX_RETRY_SECONDS,
dead after WEBHOOK_MAX_ATTEMPTS (an admin replays it). Every attempt is logged (WebhookAttempt).
A worker killed mid-send leaves the lease to expire and the row is sent again with the same
delivery id: receivers apply a delivery id once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ... import outbox
from ...models import WebhookAttempt, WebhookDelivery, WebhookState, WebhookSubscription
from .services import subscription_secret
from .signing import DELIVERY_HEADER, EVENT_HEADER, HEADER, signature_header
from .targets import target_problem

logger = logging.getLogger(__name__)


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0


def retry_delay(attempts: int) -> int:
    return outbox.retry_delay(
        attempts, base=settings.WEBHOOK_RETRY_BASE_SECONDS, cap=settings.WEBHOOK_MAX_RETRY_SECONDS
    )


def body_bytes(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


_local = threading.local()


def _session():
    """One keep-alive session per worker thread (a receiver gets many deliveries in a row)."""
    import requests

    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST one delivery; (HTTP status or None, error text — empty when accepted)."""
    import requests

    subscription = delivery.subscription
    if not subscription.active or not subscription.client.usable():
        return None, "subscription or client no longer active"
    problem = target_problem(subscription.url)
    if problem:
        return None, f"refused target: {problem}"
    body = body_bytes(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "dvc-webhooks/1",
        HEADER: signature_header(subscription_secret(subscription), body),
        DELIVERY_HEADER: str(delivery.delivery_id),
        EVENT_HEADER: delivery.kind,
    }
    try:
        response = _session().post(
            subscription.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"
    # 2xx, or 409 "already applied" (a receiver refusing a delivery id it has seen: a retry after
    # a lost answer) — accepted either way.
    if 200 <= response.status_code < 300 or response.status_code == 409:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {response.text[:300]}"


def _settle(outcomes: list[tuple[WebhookDelivery, int | None, str, int]], result: DrainResult) -> None:
    """Write a round's outcomes: every attempt in one INSERT, the accepted rows in one UPDATE, each
    failure on its own (its backoff depends on its attempts)."""
    now = timezone.now()
    WebhookAttempt.objects.bulk_create(
        [WebhookAttempt(delivery=row, at=now, status=status, error=error[:500], duration_ms=ms)
         for row, status, error, ms in outcomes]
    )  # fmt: skip
    accepted = [(row, status) for row, status, error, _ in outcomes if not error]
    for status in {status for _, status in accepted}:
        rows = [row for row, s in accepted if s == status]
        WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows], lease_token=rows[0].lease_token).update(
            state=WebhookState.SENT, sent_at=now, attempts=F("attempts") + 1, last_status=status, last_error="",
            lease_until=None, lease_token=None, next_attempt_at=None,
        )  # fmt: skip
    result.sent += len(accepted)
    for delivery, status, error, _ in outcomes:
        if not error:
            continue
        attempts = delivery.attempts + 1
        dead = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
        WebhookDelivery.objects.filter(pk=delivery.pk, lease_token=delivery.lease_token).update(
            attempts=attempts,
            last_status=status,
            last_error=error[:2000],
            state=WebhookState.DEAD if dead else WebhookState.PENDING,
            next_attempt_at=None if dead else now + timedelta(seconds=retry_delay(attempts)),
            lease_until=None,
            lease_token=None,
        )
        result.failed += 1
        result.dead += dead
        log = logger.error if dead else logger.warning
        log("webhook delivery %s attempt %s failed: %s", delivery.pk, attempts, error)


def webhooks_drain(*, delivery_id=None, max_seconds: float | None = None, batch: int | None = None) -> DrainResult:
    """Send what is due (one delivery, or all), round after round, within `max_seconds`."""
    batch = batch or settings.WEBHOOK_BATCH
    deadline = time.monotonic() + (max_seconds if max_seconds is not None else settings.WEBHOOK_DRAIN_SECONDS)
    result = DrainResult()
    while time.monotonic() < deadline:
        now = timezone.now()
        due = WebhookDelivery.objects.filter(outbox.claimable(now))
        if delivery_id is not None:
            due = due.filter(delivery_id=delivery_id)
        rows = outbox.lease(due, limit=batch, lease_seconds=settings.WEBHOOK_LEASE_SECONDS, now=now)
        if not rows:
            break
        ids = sorted({r.subscription_id for r in rows})
        subscriptions = {s.pk: s for s in WebhookSubscription.objects.filter(pk__in=ids).select_related("client")}
        outcomes = []
        for row in rows:
            row.subscription = subscriptions[row.subscription_id]
            started = time.monotonic()
            status, error = _post(row)
            outcomes.append((row, status, error, int((time.monotonic() - started) * 1000)))
        _settle(outcomes, result)
        if delivery_id is not None:
            break
    return result
