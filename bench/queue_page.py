"""Back-office queue pages at N dossiers: latency and throughput against a trivial view, logged in.

    .venv/bin/python bench/queue_page.py [--dossiers 1000000] [--open-share 0.03] [--seconds 10]
                                         [--concurrency 2] [--skip-seed] [--explain]
                                         [--only TEXT] [--profile N] [--top K] [--no-load]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dvc_bench_queue: its own
database, so that other benchmarks' data stay apart). It migrates, loads the demo data, fills N
dossiers (`manage.py bench_seed`, set-based SQL), creates a session in the database for each demo
officer, starts gunicorn with two workers and loads, with the session cookie: the queues
/mot-cua/hang-doi/<queue>/ of the receptionist (tiepnhan@demo.vn), the specialist (chuyenvien@) and the
head of unit (lanhdao.phong@), and /mot-cua/ (every queue's first rows); the province's leader
(lanhdao@, every dossier of the province: issue #12's oversight queues); /robots.txt is the trivial
view; the staff dossier page (a demo dossier with its history, as the receptionist); the receptionist's
in-app messages, the floor of any staff page (session, user, roles, base template, bell). Prints a Markdown
table; --explain also prints EXPLAIN ANALYZE of each queue's count and rows; --only keeps the runs whose
label contains TEXT; --profile N measures each page N times in process first (bench/page_profile.py:
middleware, view, template and their SQL, load-independent shares), --top K adds cProfile's K top
entries; --no-load skips the HTTP load (the in-process figures only).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_queue")
# Production's staff MFA check runs (and its query), whatever a development .env says.
os.environ.setdefault("REQUIRE_STAFF_MFA", "true")

import http_load
import server

OFFICERS = {
    "receptionist": "tiepnhan@demo.vn",
    "specialist": "chuyenvien@demo.vn",
    "approver": "lanhdao.phong@demo.vn",
    "leader": "lanhdao@demo.vn",
}
RUNS = [  # (label, officer, path)
    ("chờ tiếp nhận (receptionist)", "receptionist", "/mot-cua/hang-doi/cho-tiep-nhan/"),
    ("việc của tôi (specialist)", "specialist", "/mot-cua/hang-doi/viec-cua-toi/"),
    ("chờ phân công (head of unit)", "approver", "/mot-cua/hang-doi/cho-phan-cong/"),
    ("chờ phê duyệt (head of unit)", "approver", "/mot-cua/hang-doi/cho-phe-duyet/"),
    ("quá hạn (receptionist)", "receptionist", "/mot-cua/hang-doi/qua-han/"),
    ("chờ tiếp nhận, search “Nguyễn”", "receptionist", "/mot-cua/hang-doi/cho-tiep-nhan/?q=Nguy%E1%BB%85n"),
    ("chờ tiếp nhận, search “nguyen van an”", "receptionist", "/mot-cua/hang-doi/cho-tiep-nhan/?q=nguyen+van+an"),
    (
        "chờ tiếp nhận, search “dang ky thanh lap”",
        "receptionist",
        "/mot-cua/hang-doi/cho-tiep-nhan/?q=dang+ky+thanh+lap",
    ),
    ("quá hạn, search “nguyen” (receptionist)", "receptionist", "/mot-cua/hang-doi/qua-han/?q=nguyen"),
    ("home /mot-cua/ (receptionist)", "receptionist", "/mot-cua/"),
    ("quá hạn (leader of the province)", "leader", "/mot-cua/hang-doi/qua-han/"),
    ("sắp đến hạn (leader of the province)", "leader", "/mot-cua/hang-doi/sap-den-han/"),
    ("đang giải quyết (leader of the province)", "leader", "/mot-cua/hang-doi/dang-giai-quyet/"),
    ("quá hạn, one department (leader)", "leader", "/mot-cua/hang-doi/qua-han/?agency=4"),
    ("home /mot-cua/ (leader of the province)", "leader", "/mot-cua/"),
    # What any staff page costs before its own work (session, user, roles, base template, bell): the
    # receptionist's in-app messages, a short list — the floor under the queue pages.
    ("staff floor: thông báo (receptionist)", "receptionist", "/mot-cua/thong-bao/"),
]


def dossier_page_runs() -> list[tuple[str, str, str]]:
    """The staff dossier page: a demo dossier in processing at the receptionist's desk, with its history
    (the bench's own dossiers have no events), chosen in the database as it is now."""
    _django()
    from onestop.access import access_scope
    from onestop.models import Dossier, DossierStatus
    from portal.models import User

    scope = access_scope(User.objects.get(email=OFFICERS["receptionist"]))
    dossier = (
        Dossier.objects.filter(scope.visible(), status=DossierStatus.PROCESSING)
        .exclude(code__startswith="BQ-")
        .order_by("-pk")
        .first()
    )
    if dossier is None:
        return []
    return [("dossier page (receptionist)", "receptionist", f"/mot-cua/ho-so/{dossier.pk}/")]


def _django():
    os.environ.update({k: v for k, v in server.bench_env().items() if k not in os.environ})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def sessions(officers: dict[str, str] = OFFICERS) -> dict[str, str]:
    """A logged-in session per demo officer, stored in the database as a browser's would be."""
    _django()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from portal.models import User

    out = {}
    for key, email in officers.items():
        user = User.objects.get(email=email)
        # Staff must have enrolled TOTP (REQUIRE_STAFF_MFA, on in production): enrol them in the bench
        # database so that the pages run with the production middleware, its query included.
        if not is_mfa_enabled(user, types=[Authenticator.Type.TOTP]):
            TOTP.activate(user, generate_totp_secret())
        session = import_module(settings.SESSION_ENGINE).SessionStore()  # as the site stores them
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out[key] = session.session_key
    return out


def table_summary() -> str:
    """What the database holds now (the seed may come from an earlier run: --skip-seed)."""
    _django()
    from django.db.models import Count, Q

    from onestop.models import OPEN_STATUSES, Dossier, DossierStatus

    totals = Dossier.objects.aggregate(
        all=Count("pk"), open=Count("pk", filter=Q(status__in=[*OPEN_STATUSES, DossierStatus.RESOLVED]))
    )
    return f"{totals['all']:,} dossiers ({totals['open']:,} open or resolved), PostgreSQL"


def explain() -> None:
    """EXPLAIN ANALYZE of each queue's page ids (first page; the rows are then read by id:
    onestop.backoffice.queue_reads.QueueRows) and of the navigation's counts, per officer."""
    _django()
    from django.db import connection

    from onestop.access import access_scope
    from onestop.backoffice.queue_reads import queue_counts
    from onestop.backoffice.queues import queue_dossiers, queues_for
    from portal.models import User

    for key, email in OFFICERS.items():
        scope = access_scope(User.objects.get(email=email))
        started = time.perf_counter()
        counts = queue_counts(scope=scope)
        print(f"\n### {key}: counts {counts} in {(time.perf_counter() - started) * 1000:.1f} ms")
        for queue, _condition in queues_for(scope=scope):
            sql, params = queue_dossiers(queue=queue, scope=scope).values("pk")[:25].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n{queue.key} page ids: {plan[-1].strip()}, {plan[-2].strip()}")
            print("\n".join("    " + line for line in plan[:12]))
    explain_searches()


def explain_searches() -> None:
    """EXPLAIN ANALYZE of the searched pages' rows and count (the staff search, onestop.search)."""
    from urllib.parse import parse_qs, urlsplit

    from django.db import connection

    from onestop.access import access_scope
    from onestop.backoffice.filters import DossierQueueFilter
    from onestop.backoffice.queues import QUEUES_BY_SLUG, queue_dossiers
    from portal.models import User

    for label, officer, path in RUNS:
        parts = urlsplit(path)
        if "q=" not in parts.query:
            continue
        queue = QUEUES_BY_SLUG[parts.path.rstrip("/").rsplit("/", 1)[-1]]
        scope = access_scope(User.objects.get(email=OFFICERS[officer]))
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        found = DossierQueueFilter(
            params, queryset=queue_dossiers(queue=queue, scope=scope), scope=scope, deadline=queue.deadline
        ).qs
        for what, query in (("page ids", found.values("pk")[:25]), ("count", found.order_by().values("pk"))):
            sql, sql_params = query.query.sql_with_params()
            if what == "count":
                sql = f"SELECT COUNT(*) FROM ({sql}) AS found"
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n{label} {what}: {plan[-1].strip()}, {plan[-2].strip()}")
            print("\n".join("    " + line for line in plan[:14]))


def load(base: str, path: str, cookie: str, *, label: str, concurrency: int, seconds: float) -> http_load.Result:
    """http_load.run with the officer's session cookie."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    return http_load.run(base, [path], label=label, concurrency=concurrency, seconds=seconds, headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--wards", type=int, default=50)
    parser.add_argument("--demo-share", type=float, default=0.1)
    parser.add_argument("--open-share", type=float, default=0.03)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes (1: what one process serves)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true", help="keep the dossiers of the previous run")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="keep the runs whose label contains this text")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="in-process phases over N requests")
    parser.add_argument("--top", type=int, default=0, metavar="K", help="with --profile: cProfile's K top entries")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load")
    args = parser.parse_args()

    server.ensure_database()
    if not args.skip_seed:
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_demo")
        server.manage(
            "bench_seed", "--dossiers", str(args.dossiers), "--wards", str(args.wards),
            "--demo-share", str(args.demo_share), "--open-share", str(args.open_share),
        )  # fmt: skip
    cookies = sessions()
    runs = [run for run in RUNS + dossier_page_runs() if args.only in run[0]]
    if args.explain:
        explain()
    if args.profile:
        import page_profile

        page_profile.report(
            [("trivial view /robots.txt", "/robots.txt", None)]
            + [(label, path, cookies[officer]) for label, officer, path in runs],
            n=args.profile,
            top=args.top,
        )
    if args.no_load:
        return
    with server.gunicorn(port=args.port, workers=args.web_workers) as base:
        for label, officer, path in runs:  # warm up, and fail early on a broken page
            warm = load(base, path, cookies[officer], label=label, concurrency=1, seconds=1)
            if warm.errors:
                raise SystemExit(f"{path} answered errors for {officer}")
        http_load.run(base, ["/robots.txt"], label="warm", concurrency=1, seconds=1)
        results = [http_load.run(base, ["/robots.txt"], label="trivial view /robots.txt",
                                 concurrency=args.concurrency, seconds=args.seconds)]  # fmt: skip
        for label, officer, path in runs:
            results.append(
                load(base, path, cookies[officer], label=label, concurrency=args.concurrency, seconds=args.seconds)
            )
    trivial = results[0]
    print(
        f"\n{table_summary()}; gunicorn {args.web_workers} worker(s), {args.concurrency} connections, "
        f"{args.seconds:.0f} s each, "
        "logged in (session in the database)\n"
    )
    print("| page | requests | errors | median ms | p95 ms | req/s | median vs trivial | req/s vs trivial |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.label} | {r.requests} | {r.errors} | {r.median:.1f} | {r.percentile(95):.1f} | {r.throughput:.0f} "
            f"| {r.median / trivial.median:.1f}× | {r.throughput / trivial.throughput:.2f} |"
        )


if __name__ == "__main__":
    main()
