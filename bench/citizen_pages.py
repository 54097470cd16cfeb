"""Citizen pages at 1M dossiers: "Hồ sơ của tôi" of a citizen with N dossiers, that citizen's dossier
page, and the public tracking lookup (code + phone), against the trivial view of the same server.

    .venv/bin/python bench/queue_page.py --dossiers 1000000      # once: seeds the database
    .venv/bin/python bench/citizen_pages.py [--dossiers 200] [--seconds 8] [--concurrency 2]
                                            [--only TEXT] [--profile N] [--top K] [--no-load]

Runs on bench/queue_page.py's database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
dvc_bench_queue) after its seed. It gives the account bench-citizen@bench.vn exactly N of the bench
dossiers (a mix of every status, as the seed drew them), creates its session in the database, starts
gunicorn with two workers and loads each page. Tracking is a POST with the CSRF token and a different
client address per request (X-Forwarded-For from a trusted proxy, TRUSTED_PROXIES=127.0.0.1 for this
server only): the per-address limit of 10 lookups in 10 minutes would otherwise answer 429.
--profile/--top/--only/--no-load as in bench/queue_page.py (bench/page_profile.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_queue")
os.environ.setdefault("TRUSTED_PROXIES", "127.0.0.1")

import http_load
import queue_page
import server

CITIZEN = "bench-citizen@bench.vn"
CSRF = "benchcsrfbenchcsrfbenchcsrf12345"  # a 32-character secret: the cookie and the form's token


def prepare(dossiers: int) -> tuple[str, str, dict[str, str]]:
    """The citizen (exactly `dossiers` bench dossiers), their session key, a dossier's page path and
    the tracking form of one of their dossiers."""
    queue_page._django()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from onestop.models import Dossier, DossierStatus
    from portal.models import User

    citizen, _ = User.objects.get_or_create(
        email=CITIZEN, defaults={"full_name": "Công dân thử tải", "password": make_password(None)}
    )
    with transaction.atomic():
        if Dossier.objects.filter(applicant=citizen).count() != dossiers:
            other = User.objects.filter(email__startswith="bq-citizen-").order_by("pk").first()
            Dossier.objects.filter(applicant=citizen).update(applicant=other)
            ids = list(
                Dossier.objects.filter(code__startswith="BQ-").order_by("pk").values_list("pk", flat=True)[:dossiers]
            )
            Dossier.objects.filter(pk__in=ids).update(applicant=citizen)
    session = SessionStore()
    session[SESSION_KEY] = str(citizen.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = citizen.get_session_auth_hash()
    session.create()
    mine = Dossier.objects.filter(applicant=citizen).exclude(status=DossierStatus.DRAFT)
    shown = mine.filter(status=DossierStatus.PROCESSING).first() or mine.first()
    return session.session_key, f"/ho-so/{shown.public_id}/", {"code": shown.code, "verifier": shown.applicant_phone}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200, help="the citizen's dossiers")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--top", type=int, default=0, metavar="K")
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args()

    server.ensure_database()
    cookie, dossier_path, track = prepare(args.dossiers)
    body = urlencode({**track, "csrfmiddlewaretoken": CSRF}).encode()
    post = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={CSRF}"}
    gets = [
        (f"hồ sơ của tôi ({args.dossiers} dossiers)", "/ho-so/", cookie),
        ("the citizen's dossier page", dossier_path, cookie),
        ("tracking form (GET /tra-cuu/)", "/tra-cuu/", None),
    ]
    gets = [run for run in gets if args.only in run[0]]
    if args.profile:
        import page_profile

        lookups = (
            [("tracking lookup (POST)", "/tra-cuu/", None, track)] if args.only in "tracking lookup (POST)" else []
        )
        page_profile.report(
            [("trivial view /robots.txt", "/robots.txt", None), *gets, *lookups], n=args.profile, top=args.top
        )
    if args.no_load:
        return

    def address(n: int) -> dict[str, str]:  # a different citizen each time, through the proxy
        return {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}

    def load(label: str, path: str, cookie: str | None, concurrency: int, seconds: float) -> http_load.Result:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        return http_load.run(base, [path], label=label, concurrency=concurrency, seconds=seconds, headers=headers)

    def lookup(concurrency: int, seconds: float) -> http_load.Result:
        return http_load.run(
            base, ["/tra-cuu/"], label="tracking lookup (POST /tra-cuu/, code + phone)", concurrency=concurrency,
            seconds=seconds, headers=post, method="POST", body=body, per_request=address,
        )  # fmt: skip

    with server.gunicorn(port=args.port, workers=args.web_workers) as base:
        for label, path, who in gets:
            if load(label, path, who, 1, 1).errors:
                raise SystemExit(f"{path} answered errors")
        tracking = args.only in "tracking lookup (POST /tra-cuu/, code + phone)"
        if tracking and lookup(1, 1).errors:
            raise SystemExit("/tra-cuu/ (POST) answered errors")
        http_load.run(base, ["/robots.txt"], label="warm", concurrency=1, seconds=1)
        results = [http_load.run(base, ["/robots.txt"], label="trivial view /robots.txt",
                                 concurrency=args.concurrency, seconds=args.seconds)]  # fmt: skip
        for label, path, who in gets:
            results.append(load(label, path, who, args.concurrency, args.seconds))
        if tracking:
            results.append(lookup(args.concurrency, args.seconds))
    trivial = results[0]
    print(f"\n{queue_page.table_summary()}; gunicorn {args.web_workers} worker(s), {args.concurrency} connections, "
          f"{args.seconds:.0f} s each\n")  # fmt: skip
    print("| page | requests | errors | median ms | p95 ms | req/s | median vs trivial | req/s vs trivial |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.label} | {r.requests} | {r.errors} | {r.median:.1f} | {r.percentile(95):.1f} | {r.throughput:.0f} "
            f"| {r.median / trivial.median:.1f}× | {r.throughput / trivial.throughput:.2f} |"
        )


if __name__ == "__main__":
    main()
