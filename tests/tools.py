"""Tools and services the tests need: missing ones fail the test with the way to get them, never skip.

`scripts/system-packages` installs the Debian tools (`make test` runs it); Redis is a service that CI
and this machine run on 127.0.0.1:6379 (DESIGN §5). Only PostgreSQL-only tests may skip, on SQLite,
and their reason says so.
"""

from __future__ import annotations

import os
import shutil

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Executable → the Debian package of scripts/system-packages that provides it.
PACKAGES = {
    "zbarimg": "zbar-tools",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftocairo": "poppler-utils",
    "msgfmt": "gettext",
}


def require_tools(*names: str) -> dict[str, str]:
    """The paths of these executables; a missing one fails the test, naming its package."""
    found = {name: shutil.which(name) for name in names}
    missing = [name for name, path in found.items() if not path]
    if missing:
        packages = sorted({PACKAGES.get(name, name) for name in missing})
        pytest.fail(
            f"missing tool(s) {', '.join(missing)}: run scripts/system-packages "
            f"(or apt-get install {' '.join(packages)})",
            pytrace=False,
        )
    return found  # type: ignore[return-value]


def redis_answers(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def require_redis(url: str = REDIS_URL) -> str:
    """The Redis URL of the tests; fails (not skips) when nothing answers there."""
    if not redis_answers(url):
        pytest.fail(
            f"no Redis answers at {url}: start one (apt-get install redis-server), set TEST_REDIS_URL, "
            "or deselect these tests explicitly with -m 'not redis'",
            pytrace=False,
        )
    return url


def embedded_broker_options(queue_dir) -> dict[str, str]:
    """Kombu's file-system transport options for a queue folder (created), as the settings build them."""
    import os

    options = {
        "data_folder_in": str(queue_dir / "queue"),
        "data_folder_out": str(queue_dir / "queue"),
        "processed_folder": str(queue_dir / "processed"),
        "control_folder": str(queue_dir / "control"),
    }
    for folder in options.values():
        os.makedirs(folder, exist_ok=True)
    return options
