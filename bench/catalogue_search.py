"""Catalogue search latency and throughput, as a ratio to a trivial Django view on the same server.

    .venv/bin/python bench/catalogue_search.py [--procedures 5000] [--seconds 10] [--concurrency 4]
                                               [--skip-seed] [--profile N] [--top K] [--no-load]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench). It migrates,
loads the demo data and N synthetic procedures (bench_catalogue_seed), starts gunicorn with two
workers, and loads: /robots.txt (trivial view), the catalogue page /thu-tuc/?q=… and the API
/api/v1/procedures/?search=… with diacritic-free and accented queries. Prints a Markdown table.
--skip-seed keeps the catalogue of the previous run; --profile N measures the pages in process first
(bench/page_profile.py: middleware, view, template and their SQL), --top K adds cProfile's top entries.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_load
import server

QUERIES = ["dang ky ket hon", "giấy phép xây dựng", "CẤP ĐỔI", "thuong tru", "9.004321", "ho kinh doanh lan dau"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes (1: what one process serves)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-seed", action="store_true", help="keep the catalogue of the previous run")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="in-process phases over N requests")
    parser.add_argument("--top", type=int, default=0, metavar="K", help="with --profile: cProfile's K top entries")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load")
    args = parser.parse_args()

    server.ensure_database()
    if not args.skip_seed:
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_demo")
        server.manage("bench_catalogue_seed", "--procedures", str(args.procedures))
    if args.profile:
        import os

        os.environ.update({k: v for k, v in server.bench_env().items() if k not in os.environ})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        import django

        django.setup()
        import page_profile

        page_profile.report(
            [
                ("trivial view /robots.txt", "/robots.txt", None),
                *((f"catalogue page ?q={q}", f"/thu-tuc/?q={quote(q)}", None) for q in QUERIES[:2]),
                ("catalogue page, no query", "/thu-tuc/", None),
                (f"API ?search={QUERIES[0]}", f"/api/v1/procedures/?search={quote(QUERIES[0])}", None),
            ],
            n=args.profile,
            top=args.top,
        )
    if args.no_load:
        return
    with server.gunicorn(port=args.port, workers=args.web_workers) as base:
        runs = [
            ("trivial view /robots.txt", ["/robots.txt"]),
            ("catalogue page /thu-tuc/?q=", [f"/thu-tuc/?q={quote(q)}" for q in QUERIES]),
            ("API /api/v1/procedures/?search=", [f"/api/v1/procedures/?search={quote(q)}" for q in QUERIES]),
            ("catalogue page, no query", ["/thu-tuc/"]),
        ]
        for label, paths in runs:  # warm up
            http_load.run(base, paths, label=label, concurrency=1, seconds=1)
        results = [
            http_load.run(base, paths, label=label, concurrency=args.concurrency, seconds=args.seconds)
            for label, paths in runs
        ]
    trivial = results[0]
    print(f"\n{args.procedures} synthetic + demo procedures, PostgreSQL, gunicorn {args.web_workers} worker(s), "
          f"{args.concurrency} connections, {args.seconds:.0f} s each\n")  # fmt: skip
    print("| what | requests | errors | median ms | p95 ms | req/s | median vs trivial | req/s vs trivial |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.label} | {r.requests} | {r.errors} | {r.median:.1f} | {r.percentile(95):.1f} | {r.throughput:.0f} "
            f"| {r.median / trivial.median:.1f}× | {r.throughput / trivial.throughput:.2f} |"
        )


if __name__ == "__main__":
    main()
