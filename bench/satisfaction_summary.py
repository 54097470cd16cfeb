"""The satisfaction figures (onestop.satisfaction.selectors) at N evaluated dossiers, in process.

    .venv/bin/python bench/satisfaction_summary.py [--dossiers 200000] [--repeat 15] [--skip-seed]
                                                   [--explain]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench_satis: its own
database). It migrates, loads the demo master data (seed_demo --without-dossiers), then bulk-creates N
returned dossiers spread over the demo agencies and one year (codes `SB-00000001`…, a new run deletes
the previous run's rows first), evaluates 60 % of them (overall answers 45 % very satisfied, 35 %
satisfied, 20 % dissatisfied) with handler rows for the desk and up to two more units and for three of
300 bench officers;
then VACUUM ANALYZE. Times each selector for every agency (or every officer) over the year: median
and p95 of --repeat runs, and the number of SQL queries (one each). --explain prints EXPLAIN ANALYZE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_satis")

import server

CODE_PREFIX = "SB-"
OFFICERS = 300
BATCH = 5_000
YEAR = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))


def setup_django() -> None:
    os.environ.update(server.bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def seed(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from onestop.models import (
        CRITERIA,
        Dossier,
        DossierStatus,
        SatisfactionEvaluation,
        SatisfactionHandler,
    )
    from portal.models import User
    from procedures.models import Agency, Procedure

    rng = random.Random(12)  # noqa: S311 (synthetic data)
    Dossier.objects.filter(code__startswith=CODE_PREFIX).delete()
    agencies = list(Agency.objects.values_list("pk", flat=True))
    procedure = Procedure.objects.order_by("pk").first()
    applicant = User.objects.get(email="congdan@demo.vn")
    officers = []
    for n in range(OFFICERS):
        user, _ = User.objects.get_or_create(
            email=f"bench-officer-{n:03d}@bench.invalid", defaults={"full_name": f"CB {n}"}
        )
        officers.append(user.pk)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(YEAR[0], dt.time(8), tzinfo=tz)
    best = {c.key: c.answers[0].code for c in CRITERIA}
    for first in range(0, count, BATCH):
        size = min(BATCH, count - first)
        dossiers = Dossier.objects.bulk_create(
            [
                Dossier(
                    code=f"{CODE_PREFIX}{first + i + 1:08d}",
                    procedure=procedure,
                    agency_id=rng.choice(agencies),
                    applicant=applicant,
                    status=DossierStatus.RETURNED,
                    channel=2,
                )
                for i in range(size)
            ]
        )
        evaluations = []
        for dossier in dossiers:
            if rng.random() >= 0.6:
                continue
            at = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            roll = rng.random()
            overall = "very_satisfied" if roll < 0.45 else "satisfied" if roll < 0.8 else "dissatisfied"
            evaluations.append(
                SatisfactionEvaluation(
                    dossier=dossier, agency_id=dossier.agency_id, source="online", created_at=at, updated_at=at,
                    **{**best, "overall": overall},
                )
            )  # fmt: skip
        SatisfactionEvaluation.objects.bulk_create(evaluations)
        handlers = []
        for e in evaluations:  # the desk and up to two more units; three officers
            copied = {"evaluation": e, "created_at": e.created_at, "overall": e.overall}
            for unit in {e.agency_id, rng.choice(agencies), rng.choice(agencies)}:
                handlers.append(SatisfactionHandler(unit_id=unit, **copied))
            for officer in set(rng.sample(officers, 3)):
                handlers.append(SatisfactionHandler(officer_id=officer, **copied))
        SatisfactionHandler.objects.bulk_create(handlers)
        print(f"  {first + size:,} dossiers", end="\r", flush=True)
    with connection.cursor() as cursor:
        for model in (Dossier, SatisfactionEvaluation, SatisfactionHandler):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    print()


def measure(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onestop.models import SatisfactionEvaluation, SatisfactionHandler
    from onestop.satisfaction import selectors
    from procedures.models import Agency

    agencies = list(Agency.objects.values_list("pk", flat=True))
    officers = list(
        SatisfactionHandler.objects.filter(officer__isnull=False).values_list("officer_id", flat=True).distinct()
    )
    runs = [
        ("satisfaction_summary (every agency, one year)", lambda: selectors.satisfaction_summary(agencies, *YEAR)),
        ("…_by_unit (every agency, one year)", lambda: selectors.satisfaction_summary_by_unit(agencies, *YEAR)),
        ("…_by_officer (every officer, one year)", lambda: selectors.satisfaction_summary_by_officer(officers, *YEAR)),
        (
            "satisfaction_summary (one agency, one month)",
            lambda: selectors.satisfaction_summary(agencies[:1], dt.date(2026, 5, 1), dt.date(2026, 6, 1)),
        ),
    ]
    total = SatisfactionEvaluation.objects.count()
    handlers = SatisfactionHandler.objects.count()
    print(f"\n{total:,} evaluations, {handlers:,} handler rows, {len(agencies)} agencies, {len(officers)} officers\n")
    print("| selector | queries | median ms | p95 ms |")
    print("|---|---|---|---|")
    for label, call in runs:
        call()  # warm
        with CaptureQueriesContext(connection) as ctx:
            call()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {label} | {len(ctx.captured_queries)} | {statistics.median(times):.1f} | {p95:.1f} |")


def explain() -> None:
    from onestop.satisfaction import selectors
    from procedures.models import Agency

    agencies = list(Agency.objects.values_list("pk", flat=True))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for call in (selectors.satisfaction_summary, selectors.satisfaction_summary_by_unit):
        with CaptureQueriesContext(connection) as ctx:
            call(agencies, *YEAR)
        sql = ctx.captured_queries[0]["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql)
            print(f"\n### {call.__name__}\n" + "\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--skip-seed", action="store_true", help="keep the rows of the previous run")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    server.ensure_database()
    if not args.skip_seed:
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_demo", "--without-dossiers")
    setup_django()
    if not args.skip_seed:
        seed(args.dossiers)
    if args.explain:
        explain()
    measure(args.repeat)


if __name__ == "__main__":
    main()
