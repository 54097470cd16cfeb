"""Settings of the national-portal sync (onestop/national/, DESIGN §4.7; docs/integration.md).

Every reported dossier event is an outbox row written in the event's transaction; workers send the
rows of each dossier in order. Without NATIONAL_SYNC_URL the records go to JSON-lines files under
NATIONAL_SYNC_FILE_DIR (the demo, or a province not yet connected).

portal/settings.py calls national_sync_settings() and puts the names in its namespace with
`vars().update(…)`, as it does with settings_integration.py's, then adds national_sync_beat_schedule()
to the beat. Each name is read from the environment like every setting (same variables, same defaults).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ


def national_sync_settings(env: environ.Env, *, var_dir: Path) -> dict[str, Any]:
    """The settings by name, `var_dir` being VAR_DIR (where the demo's JSON-lines files go)."""
    return {
        "NATIONAL_SYNC_ENABLED": env.bool("NATIONAL_SYNC_ENABLED", default=True),
        "NATIONAL_SYNC_URL": env.str("NATIONAL_SYNC_URL", default=""),
        "NATIONAL_SYNC_TOKEN": env.str("NATIONAL_SYNC_TOKEN", default=""),
        "NATIONAL_SYNC_TRANSPORT": env.str("NATIONAL_SYNC_TRANSPORT", default=""),  # a dotted class path, optional
        # madonvi: the province's identifier in the national directory (Decision 20/2020/QĐ-TTg).
        "NATIONAL_SYNC_AGENCY_CODE": env.str("NATIONAL_SYNC_AGENCY_CODE", default="000.00.00.H30"),
        "NATIONAL_SYNC_FILE_DIR": env.str("NATIONAL_SYNC_FILE_DIR", default=str(var_dir / "national-sync")),
        "NATIONAL_SYNC_TIMEOUT": env.float("NATIONAL_SYNC_TIMEOUT", default=10.0),
        # The dossiers' first unsent rows read per round.
        "NATIONAL_SYNC_BATCH": env.int("NATIONAL_SYNC_BATCH", default=200),
        "NATIONAL_SYNC_RECORDS_PER_REQUEST": env.int("NATIONAL_SYNC_RECORDS_PER_REQUEST", default=50),
        "NATIONAL_SYNC_LEASE_SECONDS": env.int("NATIONAL_SYNC_LEASE_SECONDS", default=120),
        "NATIONAL_SYNC_MAX_ATTEMPTS": env.int("NATIONAL_SYNC_MAX_ATTEMPTS", default=20),
        "NATIONAL_SYNC_RETRY_BASE_SECONDS": env.int("NATIONAL_SYNC_RETRY_BASE_SECONDS", default=30),
        "NATIONAL_SYNC_MAX_RETRY_SECONDS": env.int("NATIONAL_SYNC_MAX_RETRY_SECONDS", default=900),
        # One periodic run sends for at most this long; it runs every NATIONAL_SYNC_DRAIN_EVERY seconds.
        "NATIONAL_SYNC_DRAIN_SECONDS": env.float("NATIONAL_SYNC_DRAIN_SECONDS", default=50),
        "NATIONAL_SYNC_DRAIN_EVERY": env.float("NATIONAL_SYNC_DRAIN_EVERY", default=60),
    }


def national_sync_beat_schedule(settings: dict[str, Any]) -> dict[str, dict]:
    """The outbox's periodic run."""
    every = settings["NATIONAL_SYNC_DRAIN_EVERY"]
    return {
        "national-sync-drain": {"task": "onestop.national_sync_drain", "schedule": every, "options": {"expires": every}}
    }
