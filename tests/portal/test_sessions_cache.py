"""Sessions live in the shared cache and the database where the cache is shared (portal/settings.py
SESSION_ENGINE, issue #17); with a cache per process, in the database alone.

Each "process" is a real Python process with the production cache setting (CACHE_URL=redis://…), all
on one database of their own (a file with the sessions table): a session one process writes is read
by another, and once signed out in one it is gone for every other (read from the shared cache first,
never from a stale copy)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import REDIS_URL, require_redis

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "sessions", "--verbosity", "0"], cwd=ROOT, env=env,
                   check=True, timeout=120)  # fmt: skip
    return url


SCRIPT = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django
django.setup()
from django.conf import settings
from importlib import import_module
store = import_module(settings.SESSION_ENGINE).SessionStore
action, key = sys.argv[1], sys.argv[2]
if action == "create":
    session = store()
    session["who"] = "tiepnhan"
    session.create()
    key = session.session_key
elif action == "flush":
    store(key).flush()
session = store(key)
print(json.dumps({"engine": settings.SESSION_ENGINE, "key": key, "who": session.get("who")}))
"""


def _process(action: str, key: str, cache_url: str | None, database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env["DATABASE_URL"] = database
    if cache_url:
        env["CACHE_URL"] = cache_url
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, action, key], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.redis
def test_a_shared_cache_holds_the_sessions_and_a_signed_out_one_is_gone_everywhere(database):
    url = require_redis(REDIS_URL)
    created = _process("create", "", url, database)
    assert created["engine"] == "django.contrib.sessions.backends.cached_db" and created["who"] == "tiepnhan"
    key = created["key"]
    assert _process("read", key, url, database)["who"] == "tiepnhan"  # another process reads it
    assert _process("flush", key, url, database)["who"] is None  # signed out there
    assert _process("read", key, url, database)["who"] is None  # and gone for a third process


def test_a_cache_per_process_keeps_the_sessions_in_the_database_alone(database):
    created = _process("create", "", None, database)
    assert created["engine"] == "django.contrib.sessions.backends.db"
    assert _process("read", created["key"], None, database)["who"] == "tiepnhan"
