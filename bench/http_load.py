"""A small closed-loop HTTP load client (keep-alive, N concurrent connections, fixed duration).

Used by the bench scripts; prints nothing itself. Latency is measured per request on the client.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Result:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def run(
    base_url: str,
    paths: list[str],
    *,
    label: str,
    concurrency: int = 4,
    seconds: float = 10.0,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: bytes | None = None,
    per_request: Callable[[int], dict[str, str]] | None = None,
) -> Result:
    """`per_request(n)` adds headers to the n-th request (e.g. a different client address for each
    through a trusted proxy's X-Forwarded-For, so that a per-address rate limit measures nothing)."""
    parts = urlsplit(base_url)
    numbers = itertools.count()
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counters = {"requests": 0, "errors": 0}

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        i = offset
        local: list[float] = []
        errors = 0
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                extra = per_request(next(numbers)) if per_request else {}
                conn.request(
                    method, path, body=body, headers={"Host": parts.hostname or "127.0.0.1", **(headers or {}), **extra}
                )
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            local.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(local)
            counters["requests"] += len(local)
            counters["errors"] += errors

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(label, counters["requests"], counters["errors"], time.monotonic() - started, latencies)
