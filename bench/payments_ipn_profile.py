"""Where a first IPN spends its time: cProfile and the SQL queries around ipn_handle, in process, on
the bench database (run bench/payments_ipn.py once first: it migrates and seeds it).

    DATABASE_URL=postgres://… .venv/bin/python bench/payments_ipn_profile.py [--n 20] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import payments_ipn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    import os

    os.environ.update(payments_ipn.GATEWAY_ENV)
    paths = payments_ipn.prepare(args.n)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from payments.services import ipn_handle

    params = [dict(parse_qsl(urlsplit(path).query)) for path in paths]
    half = len(params) // 2

    def handle(p: dict) -> None:
        answer = ipn_handle(params=p)
        if answer.rsp_code != "00":
            raise SystemExit(f"unexpected answer {answer}")

    handle(params[0])  # warm-up (imports, templates, the connection)
    timings, queries = [], []
    for p in params[1:half]:  # timed without the profiler
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            handle(p)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
    print(f"first IPN in process: median {statistics.median(timings):.1f} ms, {statistics.median(queries)} queries")
    for q in captured.captured_queries:
        print("  ", q["sql"][:140])
    profile = cProfile.Profile()
    for p in params[half:]:
        profile.enable()
        handle(p)
        profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
