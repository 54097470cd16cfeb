"""Exactly one beat scheduler, however many are started: a Redis lock held while scheduling.

``celery -A portal beat`` uses ``LockedScheduler`` whenever a Redis lock URL is configured
(BEAT_LOCK_URL, by default the Redis broker). Before it schedules anything it takes the lock —
``SET key token NX PX ttl`` — and renews it on every tick (ticks are at most a third of the TTL
apart). A second beat (another machine, or a restart racing the old one) finds the lock taken,
logs that it is waiting and stays in standby, retrying every third of the TTL; it takes over
within one TTL once the holder stops (released on a clean stop) or dies (the lock expires). A
holder that finds its lock gone or taken (Redis flushed, a pause longer than the TTL) stops at
once rather than schedule alongside the new holder. Renewal and release only touch the lock if it
still holds this process's token (a Lua compare-and-set), so a late process never frees another's lock.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class BeatLock:
    """A Redis lock with a token: acquire (NX PX), renew and release only if still ours."""

    def __init__(self, *, url: str, key: str, ttl_seconds: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.key = key
        self.ttl_ms = max(int(ttl_seconds * 1000), 1000)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def try_acquire(self) -> bool:
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def holder(self) -> str:
        value = self.client.get(self.key)
        return value.decode() if value else ""

    def renew(self) -> bool:
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> bool:
        return bool(self.client.eval(_RELEASE, 1, self.key, self.token))

    def wait(self, *, poll_seconds: float, timeout: float | None = None) -> bool:
        """Acquire, waiting in standby while another process holds the lock (False on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        announced = ""
        while not self.try_acquire():
            holder = self.holder()
            if holder != announced:
                logger.warning("beat lock %s is held by %s: standing by (this is %s)", self.key, holder, self.token)
                announced = holder
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(poll_seconds)
        logger.warning("beat lock %s acquired by %s: scheduling", self.key, self.token)
        return True


class LockedScheduler(PersistentScheduler):
    """celery beat's default scheduler, active only while it holds the beat lock."""

    lock: BeatLock | None = None
    _standing_by = False  # this process is waiting for the lock

    def setup_schedule(self) -> None:
        conf = self.app.conf
        from django.conf import settings

        if LockedScheduler._standing_by:
            # beat's SIGTERM handler builds a scheduler to save it while the first one is still
            # waiting: there is nothing to save, stop now.
            raise SystemExit(0)
        ttl = float(settings.BEAT_LOCK_TTL)
        self.lock = BeatLock(url=settings.BEAT_LOCK_URL, key=settings.BEAT_LOCK_KEY, ttl_seconds=ttl)
        LockedScheduler._standing_by = True
        try:
            self.lock.wait(poll_seconds=ttl / 3)
        finally:
            LockedScheduler._standing_by = False
        self.max_interval = min(self.max_interval or conf.beat_max_loop_interval or 300, ttl / 3)
        super().setup_schedule()

    def tick(self, *args, **kwargs) -> float:
        if self.lock is not None and not self.lock.renew():
            logger.critical("beat lock %s lost (now held by %r): stopping", self.lock.key, self.lock.holder())
            self.lock = None
            raise SystemExit(1)
        return min(super().tick(*args, **kwargs), self.max_interval)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lock is not None:
                self.lock.release()
                logger.warning("beat lock %s released by %s", self.lock.key, self.lock.token)
                self.lock = None
