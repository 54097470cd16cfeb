"""Online submission latency and throughput with two 200 KB files, on PostgreSQL, over HTTP.

    .venv/bin/python bench/submission.py [--dossiers 200] [--concurrency 2] [--in-process 33] [--profile]

Prepares N drafts (applicant, form and delivery filled in, through the services) for N bench
citizens, then each client submits over HTTP what a browser does at the end of the wizard:
the documents step with two 200 KB PDFs (multipart POST: sniffing, hashing, storing, attaching)
and the review step's submit (completeness, code from the locked counter, snapshot, event). The
two requests together are one "submission". gunicorn runs two workers; results as Markdown.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import server

CSRF = "benchcsrftokenbenchcsrftoken0123"  # a 32-character secret, sent as cookie and form field


def prepare(n: int) -> list[dict]:
    os.environ.update({k: v for k, v in server.bench_env().items() if k not in os.environ or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from onestop.workflow import dossier_draft_create
    from portal.models import User
    from procedures.models import Procedure

    procedure = Procedure.objects.get(code="1.001193")  # khai sinh: one required document
    out = []
    for i in range(n):
        user, _ = User.objects.get_or_create(
            email=f"bench{i}@bench.vn",
            defaults={"full_name": "Nguyễn Văn Thử", "cccd": None, "phone": "0912345678", "address": "Thủ Dầu Một"},
        )
        if _:  # the sessions below log them in: no password to hash (PBKDF2 took most of the set-up)
            user.set_unusable_password()
            user.save()
        dossier = dossier_draft_create(procedure=procedure, applicant=user)
        dossier.applicant_id_number = "074090001234"
        dossier.form_data = {f.key: _value(f) for f in procedure.form_fields.all()}
        dossier.delivery_method = "online"
        dossier.wizard_step = "review"
        dossier.save()
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out.append({"session": session.session_key, "public_id": str(dossier.public_id)})
    return out


def _value(field) -> str:
    import re

    choices = {"choice": (field.choices or ["x"])[0], "date": "2026-11-20", "number": "1", "boolean": "yes",
               "id_number": "074090001234", "address": "Thủ Dầu Một"}  # fmt: skip
    value = choices.get(field.kind, "Nguyễn Văn Thử")
    if field.validation.get("regex") and not re.search(field.validation["regex"], value):
        value = "0912345678"
    return value


def pdf_bytes(size: int, seed: str) -> bytes:
    head = b"%PDF-1.4\n%" + seed.encode() + b"\n"
    return head + b"0" * (size - len(head) - 6) + b"\n%%EOF"


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts.append(header.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def run(base: str, drafts: list[dict], concurrency: int) -> dict:
    parts = urlsplit(base)
    lock = threading.Lock()
    results: dict[str, list[float]] = {"documents": [], "submit": [], "total": []}
    errors = []
    queue = list(drafts)

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                draft = queue.pop()
            cookie = f"sessionid={draft['session']}; csrftoken={CSRF}"
            headers = {"Cookie": cookie, "Referer": base + "/", "Host": parts.netloc}
            files = [
                ("file-GT01", f"trang-{k}.pdf", pdf_bytes(200 * 1024, f"{draft['public_id']}-{k}")) for k in (1, 2)
            ]
            body, content_type = multipart({"csrfmiddlewaretoken": CSRF, "next": "1"}, files)
            t0 = time.perf_counter()
            conn.request(
                "POST", f"/ho-so/{draft['public_id']}/buoc/documents/", body, {**headers, "Content-Type": content_type}
            )
            r1 = conn.getresponse()
            r1.read()
            t1 = time.perf_counter()
            form = urlencode({"csrfmiddlewaretoken": CSRF, "declaration": "on", "submit": "1"})
            conn.request("POST", f"/ho-so/{draft['public_id']}/buoc/review/", form,
                         {**headers, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            r2 = conn.getresponse()
            r2.read()
            t2 = time.perf_counter()
            ok = r1.status == 302 and r2.status == 302 and "/da-nop/" in (r2.getheader("Location") or "")
            with lock:
                if not ok:
                    errors.append((r1.status, r2.status))
                results["documents"].append((t1 - t0) * 1000)
                results["submit"].append((t2 - t1) * 1000)
                results["total"].append((t2 - t0) * 1000)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"results": results, "errors": errors, "seconds": time.perf_counter() - started}


def in_process(drafts: list[dict], profile: bool) -> None:
    """The same two requests through Django's test client in this process (no HTTP, no other process):
    queries and CPU milliseconds per request — figures that do not depend on the machine's load —
    and, with --profile, cProfile's top entries for them."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile() if profile else None
    cpu: dict[str, list[float]] = {"documents": [], "submit": []}
    queries: dict[str, list[int]] = {"documents": [], "submit": []}
    for i, draft in enumerate(drafts):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = draft["session"]
        files = [_upload(f"trang-{k}.pdf", pdf_bytes(200 * 1024, f"{draft['public_id']}-{k}")) for k in (1, 2)]
        steps = (
            ("documents", f"/ho-so/{draft['public_id']}/buoc/documents/", {"next": "1", "file-GT01": files}),
            ("submit", f"/ho-so/{draft['public_id']}/buoc/review/", {"declaration": "on", "submit": "1"}),
        )
        for key, url, data in steps:
            with CaptureQueriesContext(connection) as captured:
                if profiler is not None and i >= 3:
                    profiler.enable()
                started = time.process_time()
                response = client.post(url, data)
                elapsed = time.process_time() - started
                if profiler is not None:
                    profiler.disable()
            if response.status_code != 302:
                raise SystemExit(f"{key}: HTTP {response.status_code} (expected a redirect)")
            if i >= 3:  # the first ones warm the process (templates, libmagic, URL patterns)
                cpu[key].append(elapsed * 1000)
                queries[key].append(len(captured))
    print(f"\nin process (Django test client, {len(drafts) - 3} submissions after 3 to warm up):\n")
    print("| request | queries | CPU ms median | CPU ms p95 |")
    print("|---|---|---|---|")
    for key in ("documents", "submit"):
        data = sorted(cpu[key])
        counts = sorted(set(queries[key]))
        print(f"| {key} | {'–'.join(map(str, counts))} | {statistics.median(data):.1f} "
              f"| {data[int(0.95 * (len(data) - 1))]:.1f} |")  # fmt: skip
    if profiler is not None:
        print("\ncProfile of those requests, by cumulative and own time:\n```")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(20)
        print("```")


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--in-process", type=int, default=33, help="submissions measured in process too (0: none)")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process submissions")
    parser.add_argument("--skip-http", action="store_true", help="only the in-process measure")
    args = parser.parse_args()
    server.ensure_database()
    server.manage("migrate", "--noinput", "-v0")
    server.manage("seed_demo")
    drafts = prepare(args.dossiers * (not args.skip_http) + 10 + args.in_process)
    local, drafts = drafts[: args.in_process], drafts[args.in_process :]
    if local:
        in_process(local, args.profile)
    if args.skip_http:
        return
    warm, drafts = drafts[:10], drafts[10:]
    with server.gunicorn() as base:
        run(base, warm, 1)
        outcome = run(base, drafts, args.concurrency)
    res = outcome["results"]
    print(f"\n{len(drafts)} submissions (two 200 KB PDFs each), PostgreSQL, gunicorn 2 workers, "
          f"{args.concurrency} clients, {len(outcome['errors'])} errors\n")  # fmt: skip
    print("| request | median ms | p95 ms |")
    print("|---|---|---|")
    for key, label in (
        ("documents", "documents step (2 × 200 KB upload)"),
        ("submit", "submit"),
        ("total", "whole submission"),
    ):
        data = sorted(res[key])
        print(f"| {label} | {statistics.median(data):.1f} | {data[int(0.95 * (len(data) - 1))]:.1f} |")
    print(f"\nthroughput: {len(drafts) / outcome['seconds']:.1f} submissions/s")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
