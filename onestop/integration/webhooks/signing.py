"""The webhook signature: `X-DVC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

The receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes with its secret,
compares in constant time, and refuses a timestamp more than 5 minutes from its clock (a captured
request cannot be replayed later); within the window it refuses a delivery id it has already seen
(`X-DVC-Delivery`). `verify` is that check, for receivers written in Python (and the tests' receiver).
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-DVC-Signature"
DELIVERY_HEADER = "X-DVC-Delivery"
EVENT_HEADER = "X-DVC-Event"
TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The request is not signed with the secret, or its timestamp is outside the window."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE_SECONDS, now: float | None = None
) -> int:
    """Check a signature header against the raw body; return its timestamp, or raise SignatureError."""
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError) as exc:
        raise SignatureError("no timestamp") from exc
    expected = _digest(secret, timestamp, body)
    # Several v1 values may come while a secret is being replaced; one must match.
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("signature mismatch")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the replay window")
    return timestamp
