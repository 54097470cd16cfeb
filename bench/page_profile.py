"""Where a page's time goes, in process: middleware, view, template rendering and the SQL of each,
then cProfile's top entries — figures that hold whatever else runs on the machine (a share of the
page's own time, query counts), unlike the HTTP latencies beside them.

Used by the page benchmarks (`bench/queue_page.py --profile`, `bench/citizen_pages.py --profile`)
after their seed; it drives the portal through Django's test client (the whole middleware stack, the
production settings of bench/server.py) with a session cookie, on the bench database.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Parts:
    """Milliseconds of one request, by phase; `sql` of each phase counted apart from its Python."""

    total: float = 0.0
    cpu: float = 0.0  # this process's CPU time (time.process_time): Python's own work, steadier under load
    view: float = 0.0  # inside the view (template rendering included)
    template: float = 0.0  # Template.render (the whole page: base.html and includes)
    sql: dict[str, float] = field(default_factory=lambda: {"middleware": 0.0, "view": 0.0, "template": 0.0})
    queries: dict[str, int] = field(default_factory=lambda: {"middleware": 0, "view": 0, "template": 0})

    def row(self) -> dict[str, float]:
        middleware = self.total - self.view
        view_python = self.view - self.template - self.sql["view"]
        return {
            "total": self.total,
            "Python CPU": self.cpu,
            "SQL": sum(self.sql.values()),
            "middleware (Python)": middleware - self.sql["middleware"],
            "middleware (SQL)": self.sql["middleware"],
            "view (Python)": view_python,
            "view (SQL)": self.sql["view"],
            "template (Python)": self.template - self.sql["template"],
            "template (SQL)": self.sql["template"],
        }


class _Recorder:
    """Times phases: BaseHandler._get_response (the view and everything inside the middleware), the
    Django template backend's render, and each query (an execute wrapper)."""

    current: _Recorder | None = None

    def __init__(self) -> None:
        self.phase = "middleware"
        self.parts = Parts()

    def sql(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.parts.sql[self.phase] += (time.perf_counter() - started) * 1000
            self.parts.queries[self.phase] += 1


def _install() -> None:
    """Wrap once, before the first client loads the middleware (it binds _get_response then)."""
    from django.core.handlers.base import BaseHandler
    from django.template.backends.django import Template

    if getattr(BaseHandler, "_bench_timed", False):
        return
    get_response, render = BaseHandler._get_response, Template.render

    def timed_get_response(self, request):
        recorder = _Recorder.current
        if recorder is None:
            return get_response(self, request)
        recorder.phase = "view"
        started = time.perf_counter()
        try:
            return get_response(self, request)
        finally:
            recorder.parts.view += (time.perf_counter() - started) * 1000
            recorder.phase = "middleware"

    def timed_render(self, context=None, request=None):
        recorder = _Recorder.current
        if recorder is None:
            return render(self, context, request)
        outer = recorder.phase
        recorder.phase = "template"
        started = time.perf_counter()
        try:
            return render(self, context, request)
        finally:
            recorder.parts.template += (time.perf_counter() - started) * 1000
            recorder.phase = outer

    BaseHandler._get_response, Template.render = timed_get_response, timed_render
    BaseHandler._bench_timed = True


@contextmanager
def _instrumented(recorder: _Recorder):
    from django.db import connection

    _Recorder.current = recorder
    try:
        with connection.execute_wrapper(recorder.sql):
            yield
    finally:
        _Recorder.current = None


def client_for(cookie: str | None):
    from django.test import Client

    _install()
    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies["sessionid"] = cookie
    return client


def _request(client, path: str, data: dict | None, n: int):
    """GET, or POST `data` from the n-th client address behind the trusted proxy (TRUSTED_PROXIES:
    a per-address rate limit then counts each request apart)."""
    if data is None:
        return client.get(path)
    return client.post(path, data, HTTP_X_FORWARDED_FOR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


def measure(
    path: str, cookie: str | None, *, n: int = 30, data: dict | None = None
) -> tuple[dict[str, float], dict[str, int]]:
    """Median milliseconds per phase over n requests (after a warm-up), and the queries per phase."""
    client = client_for(cookie)
    for k in range(3):
        response = _request(client, path, data, 100_000 + k)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    rows, queries = [], {}
    for k in range(n):
        recorder = _Recorder()
        with _instrumented(recorder):
            started, cpu = time.perf_counter(), time.process_time()
            _request(client, path, data, 200_000 + k)
            recorder.parts.total = (time.perf_counter() - started) * 1000
            recorder.parts.cpu = (time.process_time() - cpu) * 1000
        rows.append(recorder.parts.row())
        queries = dict(recorder.parts.queries)
    medians = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    return medians, queries


def profile(
    path: str, cookie: str | None, *, n: int = 30, top: int = 25, sort: str = "tottime", data: dict | None = None
) -> str:
    """cProfile's top entries over n requests of the page (sorted by own time: where Python runs)."""
    client = client_for(cookie)
    _request(client, path, data, 300_000)
    profiler = cProfile.Profile()
    profiler.enable()
    for k in range(n):
        _request(client, path, data, 300_001 + k)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
    return out.getvalue()


def report(runs: list[tuple], *, n: int = 30, top: int = 0) -> None:
    """Print a Markdown table of the phases of each (label, path, cookie[, POST data]); with top,
    cProfile's top entries."""
    header = None
    for label, path, cookie, *data in runs:
        medians, queries = measure(path, cookie, n=n, data=data[0] if data else None)
        if header is None:
            header = list(medians)
            print(f"\nIn process (Django test client, median of {n}, ms):\n")
            print("| page | " + " | ".join(header) + " | queries (mw/view/tpl) |")
            print("|---|" + "---|" * (len(header) + 1))
        cells = " | ".join(f"{medians[key]:.1f}" for key in header)
        print(f"| {label} | {cells} | {queries['middleware']}/{queries['view']}/{queries['template']} |")
    if top:
        for label, path, cookie, *data in runs:
            print(f"\n#### cProfile, {label} ({path}), {n} requests, by own time\n")
            print("```")
            print(profile(path, cookie, n=n, top=top, data=data[0] if data else None))
            print("```")
