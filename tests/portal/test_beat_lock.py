"""Exactly one beat: the Redis lock of portal/beat.py (a real Redis; CI always has one)."""

import os
import uuid

import pytest

from portal.beat import BeatLock
from tests.tools import require_redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.redis


@pytest.fixture
def key():
    require_redis(REDIS_URL)  # a missing Redis fails these tests; it does not skip them
    name = f"test:beat-lock:{uuid.uuid4().hex}"
    yield name
    import redis

    redis.Redis.from_url(REDIS_URL).delete(name)


def test_a_second_scheduler_waits_while_the_first_holds_the_lock(key):
    first = BeatLock(url=REDIS_URL, key=key, ttl_seconds=5)
    second = BeatLock(url=REDIS_URL, key=key, ttl_seconds=5)
    assert first.wait(poll_seconds=0.1, timeout=1)
    assert not second.wait(poll_seconds=0.1, timeout=0.5)  # standby, never scheduling
    assert first.renew() and not second.renew() and not second.release()
    assert first.holder() == first.token
    assert first.release()
    assert second.wait(poll_seconds=0.1, timeout=1)
    assert not first.renew()  # the old holder sees it lost the lock (the scheduler then stops)


def test_the_lock_of_a_dead_holder_expires(key):
    dead = BeatLock(url=REDIS_URL, key=key, ttl_seconds=1)
    assert dead.try_acquire()
    standby = BeatLock(url=REDIS_URL, key=key, ttl_seconds=1)
    assert not standby.try_acquire()
    assert standby.wait(poll_seconds=0.1, timeout=3)  # taken over within one TTL
