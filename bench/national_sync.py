"""The national-portal sync outbox: records delivered per second to a local endpoint, on PostgreSQL.

    .venv/bin/python bench/national_sync.py [--dossiers 2000] [--events 5] [--workers 1 2]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench; created and
migrated if missing). Uses the bench dossiers of bench/deadline_sweep.py (created if missing), gives
each of the first N `--events` events with their outbox rows (one INSERT … SELECT each, a real
DongBoHoSoMC record as payload), then drains the outbox with 1 or more worker processes against a
fake national endpoint in another process (tests/onestop/national_fake.py: real HTTP, keep-alive,
idempotency keys applied once). Checks that every record arrived once and in order per dossier, and
prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import deadline_sweep
import server

EVENT_ACTION = "forward"


def serve(port_queue, stats_queue, stop) -> None:
    from tests.onestop.national_fake import FakeNationalPortal

    with FakeNationalPortal() as portal:
        port_queue.put(portal.url)
        stop.wait()
        per_dossier: dict[str, list[int]] = {}
        for record in portal.applied_order:
            per_dossier.setdefault(record["MaHoSo"], []).append(int(record["IdempotencySeq"]))
        in_order = all(seq == sorted(seq) for seq in per_dossier.values())
        stats_queue.put(
            {
                "requests": len(portal.received),
                "records": len(portal.records_received()),
                "applied": len(portal.applied),
                "in_order": in_order,
            }
        )


def prepare(dossiers: int, events: int) -> int:
    deadline_sweep.setup_django()
    from django.db import connection

    from onestop.models import Dossier, DossierEvent, NationalService
    from onestop.national.records import national_record

    _province, agencies, procedure, applicant, _ = deadline_sweep.master_data(20)
    deadline_sweep.fill(dossiers, agencies, procedure, applicant)
    ids = list(
        Dossier.objects.filter(code__startswith=deadline_sweep.CODE_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:dossiers]
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM onestop_nationalsyncrecord WHERE dossier_id = ANY(%s)", [ids])
        cursor.execute(
            "DELETE FROM onestop_dossierevent WHERE dossier_id = ANY(%s) AND action = %s", [ids, EVENT_ACTION]
        )
    sample_dossier = Dossier.objects.select_related("procedure__sector", "agency").get(pk=ids[0])
    sample_event = DossierEvent(dossier=sample_dossier, action="receive", from_status="submitted", to_status="received")
    from django.utils import timezone

    sample_event.created_at = timezone.now()
    import json

    payload = json.dumps(national_record(sample_dossier, sample_event, NationalService.DOSSIER), ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO onestop_dossierevent
                (dossier_id, action, from_status, to_status, note, data, public, created_at)
            SELECT d, %s, 'processing', 'processing', '', '{}'::jsonb, false, now()
            FROM unnest(%s::bigint[]) AS d, generate_series(1, %s) AS e
            ORDER BY e, d
            """,
            [EVENT_ACTION, ids, events],
        )
        cursor.execute(
            """
            INSERT INTO onestop_nationalsyncrecord (dossier_id, event_id, service, idempotency_key, payload, is_update,
                state, attempts, next_attempt_at, last_error, created_at)
            SELECT ev.dossier_id, ev.id, 'DongBoHoSoMC', gen_random_uuid(),
                   jsonb_set(jsonb_set(%s::jsonb, '{MaHoSo}', to_jsonb(d.code)), '{IdempotencySeq}', to_jsonb(ev.id)),
                   true, 'pending', 0, now(), '', now()
            FROM onestop_dossierevent ev JOIN onestop_dossier d ON d.id = ev.dossier_id
            WHERE ev.dossier_id = ANY(%s) AND ev.action = %s
            ORDER BY ev.id
            """,
            [payload, ids, EVENT_ACTION],
        )
        cursor.execute("SELECT count(*) FROM onestop_nationalsyncrecord WHERE state = 'pending'")
        return cursor.fetchone()[0]


def drain(url: str, results) -> None:
    import os

    os.environ["NATIONAL_SYNC_URL"] = url
    deadline_sweep.setup_django()
    from django.db import connection

    from onestop.national.delivery import national_sync_drain

    connection.close()
    started = time.perf_counter()
    result = national_sync_drain(max_seconds=600)
    results.put((result.sent, result.failed, result.rounds, started, time.perf_counter()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--events", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    server.ensure_database()
    server.manage("migrate", "--noinput", "--verbosity", "0")
    ctx = multiprocessing.get_context("spawn")
    rows = []
    for workers in args.workers:
        total = prepare(args.dossiers, args.events)
        port_queue, stats_queue, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        endpoint = ctx.Process(target=serve, args=(port_queue, stats_queue, stop))
        endpoint.start()
        url = port_queue.get(timeout=30)
        results = ctx.Queue()
        started = time.perf_counter()
        procs = [ctx.Process(target=drain, args=(url, results)) for _ in range(workers)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=900) for _ in procs]
        elapsed = time.perf_counter() - started
        for p in procs:
            p.join()
        stop.set()
        stats = stats_queue.get(timeout=60)
        endpoint.join()
        sent = sum(o[0] for o in outcomes)
        # Draining only: from the first worker's start to the last one's end (spawn and set-up excluded).
        draining = max(o[4] for o in outcomes) - min(o[3] for o in outcomes)
        rows.append((workers, total, sent, elapsed, draining, stats))
        print(f"workers={workers}: {sent}/{total} sent in {elapsed:.1f} s; endpoint {stats}", flush=True)
    print(
        "\n| worker processes | records | requests | seconds draining (with start-up) | records/s "
        "| applied once each | in order per dossier |"
    )
    print("|---|---|---|---|---|---|---|")
    for workers, total, sent, elapsed, draining, stats in rows:
        print(
            f"| {workers} | {total} | {stats['requests']} | {draining:.1f} ({elapsed:.1f}) | {sent / draining:.0f} | "
            f"{stats['applied'] == total == sent} | {stats['in_order']} |"
        )


if __name__ == "__main__":
    main()
