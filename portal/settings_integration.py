"""Settings of the partners' systems (onestop/integration/, issue 13; docs/integration.md): the API
clients' rate and call log, and webhook signing and delivery.

portal/settings.py calls integration_settings() and puts the names in its namespace with
`vars().update(…)`, as it does with EMAIL_URL's, then adds integration_beat_schedule() to the beat.
Each name is written here once, read from the environment like every setting (same variables, same
defaults), and documented in docs/integration.md.
"""

from __future__ import annotations

from typing import Any

import environ


def integration_settings(env: environ.Env, *, debug: bool) -> dict[str, Any]:
    """The settings by name, `debug` being DEBUG (webhooks may go to http:// targets in development)."""
    return {
        # API clients (bearer tokens with scopes, created in /admin/): each client's own rate, and how
        # long its call log is kept (purged daily).
        "API_CLIENT_THROTTLE_RATE": env.str("API_CLIENT_THROTTLE_RATE", default="600/min"),
        "API_CALL_LOG_RETENTION_DAYS": env.int("API_CALL_LOG_RETENTION_DAYS", default=180),
        # Accepted webhook deliveries (and their attempts) are kept WEBHOOK_LOG_RETENTION_DAYS.
        "WEBHOOK_LOG_RETENTION_DAYS": env.int("WEBHOOK_LOG_RETENTION_DAYS", default=30),
        # Webhooks: signed with a secret derived from WEBHOOK_SECRET_KEY (default SECRET_KEY: changing
        # it changes every subscription's secret); https only unless WEBHOOK_ALLOW_HTTP; no
        # private-network targets unless WEBHOOK_ALLOW_PRIVATE_TARGETS (server-side request forgery).
        "WEBHOOK_SECRET_KEY": env.str("WEBHOOK_SECRET_KEY", default=""),
        "WEBHOOK_ALLOW_HTTP": env.bool("WEBHOOK_ALLOW_HTTP", default=debug),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False),
        "WEBHOOK_TIMEOUT": env.float("WEBHOOK_TIMEOUT", default=10.0),
        "WEBHOOK_BATCH": env.int("WEBHOOK_BATCH", default=100),
        "WEBHOOK_LEASE_SECONDS": env.int("WEBHOOK_LEASE_SECONDS", default=60),
        "WEBHOOK_MAX_ATTEMPTS": env.int("WEBHOOK_MAX_ATTEMPTS", default=12),  # 30 s doubling, capped: about 8 hours
        "WEBHOOK_RETRY_BASE_SECONDS": env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30),
        "WEBHOOK_MAX_RETRY_SECONDS": env.int("WEBHOOK_MAX_RETRY_SECONDS", default=3600),
        "WEBHOOK_DRAIN_SECONDS": env.float("WEBHOOK_DRAIN_SECONDS", default=50),
        "WEBHOOK_DRAIN_EVERY": env.float("WEBHOOK_DRAIN_EVERY", default=60),
    }


def integration_beat_schedule(settings: dict[str, Any]) -> dict[str, dict]:
    """The daily purge of the call and delivery logs, and the webhook outbox's periodic run."""
    drain_every = settings["WEBHOOK_DRAIN_EVERY"]
    return {
        "integration-logs-purge": {"task": "onestop.integration_logs_purge", "schedule": 24 * 3600.0},
        "webhooks-drain": {
            "task": "onestop.webhooks_drain",
            "schedule": drain_every,
            "options": {"expires": drain_every},
        },
    }
