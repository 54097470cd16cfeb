"""The postal clerk's shipment list (/mot-cua/buu-chinh/) at N shipments: latency, throughput, queries.

    .venv/bin/python bench/shipment_list.py [--shipments 100000] [--seconds 10] [--concurrency 2]
                                            [--skip-seed] [--explain] [--only TEXT]
                                            [--profile N] [--top K] [--no-load]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench_postal: its own
database). It migrates, loads the demo data, then fills N shipments of the provincial centre — the
agency of buudien@demo.vn — each with its own dossier (copies of a demo by-post dossier, codes
`BS-00000001`…, item numbers `RZ…VN`; `bulk_create` in batches, a new run deletes the previous run's
rows first), states as after a few years of service (mostly delivered), creation times spread over
three years; then VACUUM ANALYZE. It counts the SQL queries of each page in-process (Django's test
client) at that size, starts gunicorn with two workers and loads each page with the clerk's session
cookie; /robots.txt is the trivial view. Prints a Markdown table; --explain prints EXPLAIN ANALYZE of
the list's rows and counts. --only TEXT keeps the pages whose label contains TEXT; --profile N measures
each page N times in process first (bench/page_profile.py: middleware, view, template and SQL, with
--top K cProfile's K top entries); --no-load skips the HTTP load.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_postal")

import http_load
import queue_page
import server

CLERK = "buudien@demo.vn"
CODE_PREFIX = "BS-"
ITEM_PREFIX = "RZ"
BATCH = 5_000
# States after a few years of service: nearly everything delivered, a working week in flight.
STATES = [("delivered", 88), ("returned_to_agency", 2), ("failed", 1.5), ("out_for_delivery", 3),
          ("handed_over", 2.5), ("printed", 1.5), ("to_print", 1.5)]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
GIVEN = ["Văn An", "Thị Bình", "Minh Cường", "Thị Dung", "Thanh Giang", "Ngọc Hà", "Hữu Hải", "Thu Hạnh",
         "Quốc Hùng", "Gia Khánh", "Thị Lan", "Đức Long", "Thị Mai", "Văn Nam", "Thảo Vy", "Thị Yến"]  # fmt: skip


def item(serial: int) -> str:
    from onestop.postal import s10

    return s10.item_number(ITEM_PREFIX, serial)


def runs() -> list[tuple[str, str]]:
    return [
        ("all shipments, first page", "/mot-cua/buu-chinh/"),
        ("tab: delivered", "/mot-cua/buu-chinh/?state=delivered"),
        ("tab: to print", "/mot-cua/buu-chinh/?state=to_print"),
        ("all, page 100 (offset 4,950)", "/mot-cua/buu-chinh/?page=100"),
        ("search: item number", f"/mot-cua/buu-chinh/?q={item(12_345)}"),
        ("search: dossier code", f"/mot-cua/buu-chinh/?q={CODE_PREFIX}00054321"),
        ("search: phone", "/mot-cua/buu-chinh/?q=0912001234"),
        ("search: name “Trần Thị Bình”", "/mot-cua/buu-chinh/?q=" + quote("Trần Thị Bình")),
        ("search: one word “Bình” (6,165 found)", "/mot-cua/buu-chinh/?q=" + quote("Bình")),
        ("search: one word “Nguyễn” (7,120 found)", "/mot-cua/buu-chinh/?q=" + quote("Nguyễn")),
    ]


def seed(count: int) -> None:
    """N shipments (and their dossiers) at the clerk's agency, with bulk_create."""
    queue_page._django()
    from django.db import connection, transaction
    from django.utils import timezone

    from onestop.models import Dossier, Shipment, ShipmentState
    from onestop.postal.selectors import postal_agency_ids
    from portal.models import User

    clerk = User.objects.get(email=CLERK)
    agency_id = postal_agency_ids(user=clerk)[0]
    base = Shipment.objects.filter(agency_id=agency_id).select_related("dossier").order_by("pk").first()
    if base is None:
        raise SystemExit("No demo shipment to copy: run manage.py seed_demo first.")
    started = time.perf_counter()
    with transaction.atomic():
        Shipment.objects.filter(item_number__startswith=ITEM_PREFIX)._raw_delete("default")
        Dossier.objects.filter(code__startswith=CODE_PREFIX)._raw_delete("default")

    def values(obj, *leave) -> dict:
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
                if not f.primary_key and f.name not in leave}  # fmt: skip

    dossier_values = values(base.dossier, "public_id", "code", "applicant_name")
    shipment_values = values(base, "dossier", "item_number")
    rng = random.Random(11)  # noqa: S311 (synthetic data)
    states, weights = zip(*STATES, strict=True)
    now = timezone.now()
    for start in range(0, count, BATCH):
        numbers = range(start + 1, min(count, start + BATCH) + 1)
        dossiers = []
        for n in numbers:
            name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
            dossiers.append(Dossier(**dossier_values, public_id=uuid.uuid4(), code=f"{CODE_PREFIX}{n:08d}",
                                    applicant_name=name))  # fmt: skip
        with transaction.atomic():
            Dossier.objects.bulk_create(dossiers)
            shipments = []
            for n, d in zip(numbers, dossiers, strict=True):
                s = Shipment(**shipment_values, dossier=d, item_number=item(n))
                s.recipient_name, s.recipient_phone = d.applicant_name, f"0912{n % 1_000_000:06d}"
                s.state = rng.choices(states, weights)[0]
                s.cod_amount = rng.choice([0, 0, 0, 25_000, 50_000, 120_000])
                s.attempts = 1 if s.state in (ShipmentState.FAILED, ShipmentState.RETURNED_TO_AGENCY) else 0
                shipments.append(s)
            Shipment.objects.bulk_create(shipments)
    table = Shipment._meta.db_table
    with connection.cursor() as cursor:  # creation times over three years, the newest in flight
        cursor.execute(
            f"UPDATE {table} SET created_at = %s - (%s - substr(item_number, 3, 8)::int) * interval '15 minutes', "
            "updated_at = created_at WHERE item_number LIKE %s",
            [now, count, ITEM_PREFIX + "%"],
        )
    from onestop.postal.services import shipment_counts_rebuild

    shipment_counts_rebuild()  # the rows were written around the services: recount the ended states
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(f"VACUUM ANALYZE {Dossier._meta.db_table}")
    print(f"seeded {count:,} shipments in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def query_counts(pages: list[tuple[str, str]]) -> tuple[dict[str, int], dict[str, float]]:
    """SQL statements per page, and the median CPU time of this process per page over 15 requests
    (the Python side: views, templates, the driver — what a busy shared machine distorts least),
    in-process (the same middleware as gunicorn's)."""
    queue_page._django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(email=CLERK))
    out, cpu = {}, {}
    for label, path in pages:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        out[label] = len(ctx.captured_queries)
        times = []
        for _ in range(15):
            started = time.process_time()
            client.get(path)
            times.append(time.process_time() - started)
        cpu[label] = sorted(times)[len(times) // 2] * 1000
    return out, cpu


def explain() -> None:
    queue_page._django()
    from django.db import connection

    from onestop.postal import selectors
    from portal.models import User

    clerk = User.objects.get(email=CLERK)
    for label, kwargs in [("all", {}), ("delivered", {"state": "delivered"}), ("to_print", {"state": "to_print"}),
                          ("name", {"q": "Trần Thị Bình"}), ("phone", {"q": "0912001234"})]:  # fmt: skip
        sql, params = selectors.shipments_list(user=clerk, **kwargs)[:50].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\n### rows, {label}: {plan[-1].strip()}\n" + "\n".join("    " + line for line in plan[:10]))
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        selectors.shipment_counts(user=clerk)
        elapsed = (time.perf_counter() - started) * 1000
    sql = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    print(f"\n### counts per state: {elapsed:.1f} ms\n" + "\n".join("    " + line for line in plan))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipments", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true", help="keep the shipments of the previous run")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="keep the pages whose label contains this text")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="in-process phases over N requests")
    parser.add_argument("--top", type=int, default=0, metavar="K", help="with --profile: cProfile's K top entries")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load")
    args = parser.parse_args()

    server.ensure_database()
    if not args.skip_seed:
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_demo")
        seed(args.shipments)
    cookie = queue_page.sessions({"postal": CLERK})["postal"]
    pages = [(label, path) for label, path in runs() if args.only in label]
    queries, cpu = query_counts(pages)
    if args.explain:
        explain()
    if args.profile:
        import page_profile

        page_profile.report(
            [("trivial view /robots.txt", "/robots.txt", None)] + [(label, path, cookie) for label, path in pages],
            n=args.profile,
            top=args.top,
        )
    if args.no_load:
        return
    from onestop.models import Shipment

    total = Shipment.objects.count()
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    with server.gunicorn(port=args.port, workers=args.web_workers) as base:
        for label, path in pages:  # warm up, and fail early on a broken page
            if queue_page.load(base, path, cookie, label=label, concurrency=1, seconds=1).errors:
                raise SystemExit(f"{path} answered errors")
        http_load.run(base, ["/robots.txt"], label="warm", concurrency=1, seconds=1)
        results = [http_load.run(base, ["/robots.txt"], label="trivial view /robots.txt",
                                 concurrency=args.concurrency, seconds=args.seconds)]  # fmt: skip
        for label, path in pages:
            results.append(
                queue_page.load(base, path, cookie, label=label, concurrency=args.concurrency, seconds=args.seconds)
            )
    trivial = results[0]
    print(
        f"\n{total:,} shipments (all at the clerk's agency), PostgreSQL; gunicorn {args.web_workers} worker(s), "
        f"{args.concurrency} connections, {args.seconds:.0f} s each, logged in as {CLERK}\n"
    )
    print(f"load average before/after: {load_before} / {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| page | queries | in-process CPU ms | requests | errors | median ms | p95 ms | req/s | median vs trivial |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        c = f"{cpu[r.label]:.1f}" if r.label in cpu else ""
        print(
            f"| {r.label} | {queries.get(r.label, '')} | {c} | {r.requests} | {r.errors} | {r.median:.1f} "
            f"| {r.percentile(95):.1f} | {r.throughput:.0f} | {r.median / trivial.median:.1f}× |"
        )


if __name__ == "__main__":
    main()
