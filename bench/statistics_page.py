"""The statistics page for the whole province over a year, at N dossiers: latency, queries, roll-up cost.

    .venv/bin/python bench/statistics_page.py [--dossiers 100000] [--seconds 10] [--concurrency 2]
                                              [--skip-seed] [--skip-rollup] [--profile]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench_stats: its own
database). It migrates, loads the demo data, fills N dossiers with the queue benchmark's generator
(`manage.py bench_seed`: three years of dossiers over the demo agencies and synthetic wards, all under
the province), rebuilds the roll-up for those three years (`manage.py statistics_rebuild`, timed),
counts the page's queries in process, then starts gunicorn with two workers and loads, logged in as the
province's leader (lanhdao@demo.vn): /mot-cua/thong-ke/ for last year (whole days: the roll-up), for
this year (the roll-up and today live), the CSV export of the agency table, and, anonymously, the
public /thong-ke/ and the open-data API; /robots.txt is the trivial view. Prints a Markdown table.

--profile prints, instead of the load, the in-process time of each page and of its parts (cProfile's
cumulative times), with the statistics' cache emptied before each request (the first reading after a
roll-up run) and warm.

bench_seed writes no events: the processing-time page (/mot-cua/thong-ke/thoi-gian-xu-ly/) is not
measured here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_stats")
# The open-data API is rate-limited per address (60/min by default): the load comes from one address.
os.environ.setdefault("OPEN_DATA_RATE", "100000000/min")

import http_load
import queue_page
import server

LEADER = {"leader": "lanhdao@demo.vn"}


def runs(today: dt.date) -> list[tuple[str, str | None, str]]:
    last, this = today.year - 1, today.year
    month = f"{today.year}-{today.month:02d}"
    return [  # (label, officer or None for anonymous, path)
        (f"province, year {last} (roll-up)", "leader", f"/mot-cua/thong-ke/?ky=nam&nam={last}"),
        (f"province, year {this} (roll-up + today live)", "leader", f"/mot-cua/thong-ke/?ky=nam&nam={this}"),
        (f"agency table CSV, year {last}", "leader", f"/mot-cua/thong-ke/xuat/co-quan.csv?ky=nam&nam={last}"),
        ("public /thong-ke/ (this month)", None, "/thong-ke/"),
        ("open data JSON (this month)", None, f"/api/v1/open-data/service-statistics/?month={month}"),
    ]


def rebuild(today: dt.date) -> float:
    started = time.perf_counter()
    first = dt.date(today.year - 3, 1, 1)
    server.manage("statistics_rebuild", "--from", first.isoformat())
    return time.perf_counter() - started


def count_queries(path: str, email: str | None) -> tuple[int, int]:
    """(queries, status) of one request in process (django.test.Client), after a warm-up request."""
    queue_page._django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return len(captured), response.status_code


PARTS = {  # cProfile's cumulative time of these functions, per request (in process)
    "roll-up parts (cache or roll-up)": "rollup_parts",
    "live flows (today)": "flows",
    "live stock (now)": "stock",
    "payments": "payments_by_agency",
    "satisfaction": "satisfaction_by_agency",
    "report total": "statistics_report",
    "template rendering": "render",
}


def profile(path: str, email: str | None, *, cold: bool, repeat: int = 5) -> dict[str, float]:
    """Median in-process time of the request and of its parts (ms), warm or with the roll-up's cache
    emptied before each request (cold): django.test.Client, cProfile's cumulative times."""
    import cProfile
    import pstats
    import statistics as stats

    queue_page._django()
    from django.core.cache import cache
    from django.test import Client

    from portal.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    client.get(path)
    totals, parts = [], {k: [] for k in PARTS}
    for _ in range(repeat):
        if cold:
            cache.clear()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        client.get(path)
        profiler.disable()
        totals.append((time.perf_counter() - started) * 1000)
        by_name: dict[str, float] = {}
        for (_file, _line, name), row in pstats.Stats(profiler).stats.items():
            by_name[name] = max(by_name.get(name, 0.0), row[3])
        for label, name in PARTS.items():
            parts[label].append(by_name.get(name, 0.0) * 1000)
    return {"request": stats.median(totals), **{k: stats.median(v) for k, v in parts.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--wards", type=int, default=50)
    parser.add_argument("--demo-share", type=float, default=0.1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true", help="keep the dossiers of the previous run")
    parser.add_argument("--skip-rollup", action="store_true", help="keep the roll-up of the previous run")
    parser.add_argument("--profile", action="store_true", help="only the in-process timings per part, cold and warm")
    args = parser.parse_args()

    server.ensure_database()
    if not args.skip_seed:
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_demo")
        server.manage(
            "bench_seed", "--dossiers", str(args.dossiers), "--wards", str(args.wards),
            "--demo-share", str(args.demo_share),
        )  # fmt: skip
    today = dt.date.today()
    rollup_seconds = None if args.skip_rollup else rebuild(today)
    if args.profile:
        emails = {"leader": LEADER["leader"], None: None}
        print(f"\n{queue_page.table_summary()}; in process (cProfile adds its own overhead), median of 5")
        print("\n| page | cache | " + " | ".join(["request", *PARTS]) + " |")
        print("|---|---|" + "---|" * (len(PARTS) + 1))
        for label, who, path in runs(today):
            for cold in (True, False):
                timings = profile(path, emails[who], cold=cold)
                cells = " | ".join(f"{timings[k]:.1f}" for k in ["request", *PARTS])
                print(f"| {label} | {'emptied' if cold else 'warm'} | {cells} |")
        return
    cookies = queue_page.sessions(LEADER)
    emails = {"leader": LEADER["leader"], None: None}
    queries = {label: count_queries(path, emails[who]) for label, who, path in runs(today)}
    with server.gunicorn(port=args.port, workers=args.web_workers) as base:
        for label, who, path in runs(today):  # warm up, and fail early on a broken page
            warm = queue_page.load(base, path, cookies.get(who, ""), label=label, concurrency=1, seconds=1)
            if warm.errors:
                raise SystemExit(f"{path} answered errors")
        results = [http_load.run(base, ["/robots.txt"], label="trivial view /robots.txt",
                                 concurrency=args.concurrency, seconds=args.seconds)]  # fmt: skip
        for label, who, path in runs(today):
            results.append(
                queue_page.load(
                    base, path, cookies.get(who, ""), label=label, concurrency=args.concurrency, seconds=args.seconds
                )
            )
    print(
        f"\n{queue_page.table_summary()}; gunicorn {args.web_workers} worker(s), {args.concurrency} connections, "
        f"{args.seconds:.0f} s each"
        + (f"; roll-up of three years rebuilt in {rollup_seconds:.1f} s" if rollup_seconds is not None else "")
        + "\n"
    )
    print("| page | queries | requests | errors | median ms | p95 ms | req/s |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        q = queries.get(r.label, ("", ""))[0]
        print(
            f"| {r.label} | {q} | {r.requests} | {r.errors} | {r.median:.1f} | {r.percentile(95):.1f} "
            f"| {r.throughput:.0f} |"
        )


if __name__ == "__main__":
    main()
