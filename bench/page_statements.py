"""Each SQL statement of a back-office page and its median time, client side (planning, execution and
the round trip), in process — the per-statement view of bench/page_profile.py's SQL column.

    .venv/bin/python bench/page_statements.py receptionist /mot-cua/hang-doi/cho-tiep-nhan/ [--n 30]

Runs on the database of bench/queue_page.py (DATABASE_URL, default dvc_bench_queue, seeded by it)
with a session of the demo officer (receptionist, specialist, approver or leader: queue_page.OFFICERS;
or postal_clerk, on the database of bench/shipment_list.py) and production's staff MFA check; prints
one line per statement (its first 100 characters) and the sum. The page is requested once before
measuring (prepared statements, caches).
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_queue")
os.environ.setdefault("REQUIRE_STAFF_MFA", "true")

import queue_page


def main() -> None:
    parser = argparse.ArgumentParser()
    officers = {**queue_page.OFFICERS, "postal_clerk": "buudien@demo.vn"}
    parser.add_argument("officer", choices=sorted(officers))
    parser.add_argument("path")
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    queue_page._django()
    import django

    django.setup()
    import page_profile
    from django.db import connection

    client = page_profile.client_for(queue_page.sessions({args.officer: officers[args.officer]})[args.officer])
    times: dict[str, list[float]] = collections.defaultdict(list)

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times[sql[:100]].append((time.perf_counter() - started) * 1000)

    status = client.get(args.path).status_code
    if status != 200:
        raise SystemExit(f"{args.path} answered {status} to the {args.officer}")
    times.clear()
    with connection.execute_wrapper(timed):
        for _ in range(args.n):
            client.get(args.path)
    total = 0.0
    for sql, values in times.items():
        median = statistics.median(values)
        total += median * len(values) / args.n
        print(f"{median:7.2f} ms  ×{len(values) / args.n:g}  {sql}")
    print(f"{total:7.2f} ms  in all, per request")


if __name__ == "__main__":
    main()
