"""The deadline sweep over 1,000,000 open dossiers: time, queries and peak memory (DESIGN §6: "in seconds").

    .venv/bin/python bench/deadline_sweep.py [--dossiers 1000000] [--agencies 200] [--fanout 1000]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench; created and
migrated if missing). The data stays for other benches and the generator is idempotent: dossiers
are tagged by their code ("BENCH-0000001" …), written by one INSERT … SELECT generate_series …
ON CONFLICT (code) DO NOTHING (no ORM), under 200 agencies of a bench province "(bench)".

Deadlines are spread around a fixed instant, Monday 08/06/2026 09:00 (Vietnam), which the sweep
gets as `now`: every run measures the same thing whatever the day. Each run first deletes the bench
dossiers' crossings, then sweeps three times: at `now` (the first sweep: many crossings, as on
the day the job is switched on), at `now` again (nothing new), and 5 minutes later (steady
state: what crossed in 5 minutes). The notification batches are counted, not queued (no broker
needed); then a sample of batches is fanned out for real (messages recorded, delivery not queued)
and the digest's aggregate is timed. Prints Markdown tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import server

ANCHOR = dt.datetime(2026, 6, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CODE_PREFIX = "BENCH-"
PROVINCE_CODE = "000.000.00.D99"
PROCEDURE_CODE = "8.999001"
APPLICANT_EMAIL = "bench-deadlines@bench.invalid"


def setup_django() -> None:
    os.environ.update(server.bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def master_data(agency_count: int):
    """The bench province, its agencies, a procedure, an applicant, and staff for the fan-out (idempotent)."""
    from onestop.models import Role, StaffRole
    from portal.models import User
    from procedures.models import Agency, AgencyKind, Procedure, Sector

    province, _ = Agency.objects.get_or_create(
        code=PROVINCE_CODE, defaults={"name": "UBND Thành phố (bench)", "kind": AgencyKind.PROVINCE}
    )
    agencies = [
        Agency.objects.get_or_create(
            code=f"000.{i:03d}.00.D99", defaults={"name": f"Đơn vị {i:03d} (bench)", "parent": province}
        )[0]
        for i in range(1, agency_count + 1)
    ]
    sector, _ = Sector.objects.get_or_create(code="BENCH-DL", defaults={"name": "Lĩnh vực (bench)"})
    procedure, _ = Procedure.objects.get_or_create(
        code=PROCEDURE_CODE,
        defaults={"name": "Thủ tục (bench)", "sector": sector, "receiving_agency": province, "status": "published"},
    )
    applicant, _ = User.objects.get_or_create(email=APPLICANT_EMAIL, defaults={"full_name": "Công dân (bench)"})
    staff = []
    for agency, role in [
        (province, Role.LEADER),
        *((a, r) for a in agencies for r in (Role.APPROVER, Role.RECEPTIONIST)),
    ]:
        user, _ = User.objects.get_or_create(
            email=f"bench-{role}-{agency.code}@bench.invalid", defaults={"full_name": f"{role} {agency.code}"}
        )
        StaffRole.objects.get_or_create(user=user, agency=agency, role=role)
        staff.append(user)
    return province, agencies, procedure, applicant, staff


def fill(n: int, agencies, procedure, applicant) -> float:
    """Insert the missing bench dossiers in SQL; seconds spent (0 when all are there)."""
    from django.db import connection

    from onestop.models import Dossier

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM onestop_dossier WHERE code LIKE %s", [CODE_PREFIX + "%"])
        have = cursor.fetchone()[0]
    if have >= n:
        return 0.0
    # Every column gets a value: the varied ones below, the others their model default (or NULL).
    varied = {
        "public_id": "gen_random_uuid()",
        "code": f"'{CODE_PREFIX}' || lpad(g::text, 7, '0')",
        "procedure_id": str(int(procedure.pk)),
        "agency_id": "(%(agencies)s::bigint[])[1 + g %% %(n_agencies)s]",
        "applicant_id": str(int(applicant.pk)),
        # 8 % waiting for the check, 15 % at the desk, 60 % in a process step, 5 % waiting for
        # payment, 12 % paused for a supplement.
        "status": "CASE WHEN r1 < 0.08 THEN 'submitted' WHEN r1 < 0.23 THEN 'received' "
        "WHEN r1 < 0.83 THEN 'processing' WHEN r1 < 0.88 THEN 'awaiting_payment' ELSE 'supplement_requested' END",
        "channel": "CASE WHEN r1 < 0.08 OR r2 < 0.5 THEN 2 ELSE 1 END",
        "applicant_name": "'Công dân ' || g",
        "created_at": "%(anchor)s - interval '10 days'",
        "updated_at": "%(anchor)s - interval '1 day'",
        "submitted_at": "%(anchor)s - interval '10 days'",
        # Online checks: 30 % late (up to ~2 days), the rest due within the next ~1.4 days.
        "check_due_at": "CASE WHEN r1 < 0.08 THEN %(anchor)s + (floor((r2 - 0.3) * 2880) * interval '1 minute') END",
        "received_at": "CASE WHEN r1 >= 0.08 THEN %(anchor)s - interval '8 days' END",
        # The appointment: 10 % already passed (up to 4 days), the rest within 36 days.
        "due_at": "CASE WHEN r1 >= 0.08 THEN %(anchor)s + (floor((r3 * 40 - 4) * 1440) * interval '1 minute') END",
        "current_step": "CASE WHEN r1 >= 0.23 AND r1 < 0.88 THEN 1 + (g %% 3) END",
        "step_agency_id": "CASE WHEN r1 >= 0.23 AND r1 < 0.88 "
        "THEN (%(agencies)s::bigint[])[1 + (g / 7) %% %(n_agencies)s] END",
        # A step's deadline: 10 % passed (up to 1.2 days), the rest within 11 days.
        "step_due_at": "CASE WHEN r1 >= 0.23 AND r1 < 0.88 "
        "THEN %(anchor)s + (floor((r4 * 12 - 1.2) * 1440) * interval '1 minute') END",
        "paused_at": "CASE WHEN r1 >= 0.88 THEN %(anchor)s - interval '2 days' END",
        "remaining_minutes": "CASE WHEN r1 >= 0.88 THEN 960 END",
        "extensions": "CASE WHEN r2 < 0.1 THEN 1 ELSE 0 END",
    }
    columns, values, params = (
        [],
        [],
        {
            "agencies": [a.pk for a in agencies],
            "n_agencies": len(agencies),
            "anchor": ANCHOR,
        },
    )
    for field in Dossier._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in varied:
            values.append(varied[field.attname])
        elif field.has_default():
            key = f"default_{field.attname}"
            params[key] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"%({key})s")
        elif field.null:
            values.append("NULL")
        elif field.empty_strings_allowed:  # CharField / TextField without a default, as the ORM writes them
            values.append("''")
        else:
            raise SystemExit(f"no value for the new column onestop_dossier.{field.column}: add it to `varied`")
    sql = (
        f"INSERT INTO onestop_dossier ({', '.join(columns)}) SELECT {', '.join(values)} FROM ("
        "SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4 "
        "FROM generate_series(1, %(n)s) g) s ON CONFLICT (code) DO NOTHING"
    )
    params["n"] = n
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(sql, params)
        cursor.execute("ANALYZE onestop_dossier")
    return time.perf_counter() - started


def reset_crossings(staff) -> None:
    from django.db import connection

    from onestop.models import Notification

    Notification.objects.filter(recipient__in=staff).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM onestop_deadlinecrossing c USING onestop_dossier d "
            "WHERE c.dossier_id = d.id AND d.code LIKE %s",
            [CODE_PREFIX + "%"],
        )
        cursor.execute("VACUUM ANALYZE onestop_deadlinecrossing")


def measure(label: str, call, *, trace: bool = True):
    """Run `call` once: wall time, queries, Python allocations peak (tracemalloc), process peak RSS."""
    from django.db import connection

    stats = {"queries": 0, "slowest": 0.0}

    def count(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            stats["queries"] += 1
            stats["slowest"] = max(stats["slowest"], time.perf_counter() - began)

    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        result = call()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "label": label,
        "result": result,
        "seconds": elapsed,
        "cpu": cpu,  # this process only (Python, the driver); PostgreSQL's own time is not in it
        "queries": stats["queries"],
        "slowest": stats["slowest"],
        "py_peak_mib": peak / 2**20,
        "rss_mib": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--fanout", type=int, default=1000, help="crossings of the fan-out sample")
    parser.add_argument("--profile", action="store_true", help="cProfile the fan-out: its top entries by own time")
    args = parser.parse_args()

    server.ensure_database()
    server.manage("migrate", "--noinput", "-v0")
    setup_django()

    from django.conf import settings
    from django.db import connection

    from onestop.deadlines import services
    from onestop.deadlines.rules import RULE_BY_KIND
    from onestop.deadlines.selectors import deadline_counts_by_agency
    from onestop.deadlines.thresholds import Calendars
    from onestop.models import OPEN_STATUSES, DeadlineKind

    _province, agencies, procedure, applicant, staff = master_data(args.agencies)
    filled = fill(args.dossiers, agencies, procedure, applicant)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM onestop_dossier WHERE code LIKE %s AND status = ANY(%s)",
            [CODE_PREFIX + "%", [str(s) for s in OPEN_STATUSES]],
        )
        open_count = cursor.fetchone()[0]
    reset_crossings(staff)

    # The calendars are loaded once per worker process (and the holidays of the year computed).
    Calendars().threshold(ANCHOR, RULE_BY_KIND[DeadlineKind.DUE_SOON].working_minutes())
    batches: list[list[int]] = []
    with mock.patch.object(services, "queue_notify_batches", side_effect=batches.extend):
        runs = [
            measure("first sweep (switch-on)", lambda: services.deadline_sweep(now=ANCHOR)),
            measure("second sweep, same instant", lambda: services.deadline_sweep(now=ANCHOR)),
            measure(
                "steady state, 5 minutes later", lambda: services.deadline_sweep(now=ANCHOR + dt.timedelta(minutes=5))
            ),
        ]
    # A sample of the fan-out, for real (messages recorded; their delivery is not queued).
    # Batches taken evenly through the run, so that every kind of crossing is in the sample.
    wanted = max(1, args.fanout // settings.DEADLINE_NOTIFY_BATCH_SIZE)
    sample = batches[:: max(1, len(batches) // wanted)][:wanted]
    # As in a worker that has run before: URL patterns and message templates loaded (once per process).
    from django.urls import reverse

    from onestop.notifications.rendering import render_message

    reverse("onestop:home")
    for kind in sorted(set(services.TEMPLATES.values())):
        render_message(kind=kind, context={}, language="vi")
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()

    def fan_out() -> int:
        if profiler is not None:
            profiler.enable()
        try:
            return sum(services.deadline_crossings_notify(crossing_ids=b) for b in sample)
        finally:
            if profiler is not None:
                profiler.disable()

    from onestop.notifications import services as notifications

    with contextlib.ExitStack() as no_delivery:  # messages recorded; their delivery is not queued
        for name in ("queue_delivery", "queue_deliveries"):
            if hasattr(notifications, name):
                no_delivery.enter_context(mock.patch.object(notifications, name))
        fanout = measure(
            f"fan-out of {sum(len(b) for b in sample)} crossings ({len(sample)} tasks)",
            fan_out,
            trace=False,  # Python-bound: tracemalloc would slow it down
        )
    threshold = Calendars().threshold(ANCHOR, RULE_BY_KIND[DeadlineKind.DUE_SOON].working_minutes())
    digest = measure(
        "daily digest counts (one aggregate)", lambda: deadline_counts_by_agency(now=ANCHOR, due_soon=threshold)
    )
    reset_crossings(staff)  # the notifications of the sample; the crossings go too (next run starts clean)

    generated = f"; generated in {filled:.1f} s" if filled else ""
    print(f"\n{open_count:,} open bench dossiers (of {args.dossiers:,}; {args.agencies} agencies), PostgreSQL, "
          f"now = {ANCHOR:%Y-%m-%d %H:%M %z}{generated}\n")  # fmt: skip
    print("| run | new crossings | batches | queries | slowest query ms | time s | Python peak MiB | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        report = run["result"]
        print(
            f"| {run['label']} | {report.total:,} | {report.batches} | {run['queries']} | {run['slowest'] * 1000:.0f} "
            f"| {run['seconds']:.2f} | {run['py_peak_mib']:.1f} | {run['rss_mib']:.0f} |"
        )
    first = runs[0]["result"].crossings
    print("\nfirst sweep by kind: " + ", ".join(f"{kind} {count:,}" for kind, count in first.items()))
    print("\n| other | result | queries | time s | CPU s in process | Python peak MiB |")
    print("|---|---|---|---|---|---|")
    print(f"| {fanout['label']} | {fanout['result']:,} messages | {fanout['queries']} | {fanout['seconds']:.2f} "
          f"| {fanout['cpu']:.2f} | not traced |")  # fmt: skip
    print(f"| {digest['label']} | {len(digest['result'])} agencies | {digest['queries']} | {digest['seconds']:.2f} "
          f"| {digest['cpu']:.2f} | {digest['py_peak_mib']:.1f} |")  # fmt: skip
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profiler is not None:
        import pstats

        print("\nfan-out profile (cProfile), top entries by cumulative and own time:\n```")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
        print("```")


if __name__ == "__main__":
    main()
