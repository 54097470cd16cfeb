"""The VNPay IPN endpoint over HTTP on PostgreSQL: a first notification (verify, lock, confirm the
dossier, write the e-receipt row; its PDF is queued after commit) and a replay (verify, answer 02),
against a trivial view.

    .venv/bin/python bench/payments_ipn.py [--dossiers 60] [--concurrency 2] [--seconds 5]

Prepares N dossiers of bench citizens waiting for payment (walked there by the demo staff) with a
pending online attempt each, then sends each attempt's signed success notification once (the
confirmations), then replays them for a fixed time (all answered 02), then loads /robots.txt.
gunicorn runs two workers; results as Markdown.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import http_load
import server

SECRET = "bench-hash-secret-0123456789abcdef"  # noqa: S105 — a bench value, not a credential
GATEWAY_ENV = {"PAYMENT_PROVIDER": "sandbox", "VNPAY_HASH_SECRET": SECRET, "VNPAY_TMN_CODE": "BENCH001"}


def prepare(n: int) -> list[str]:
    os.environ.update({k: v for k, v in server.bench_env().items() if k not in os.environ or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from payments.models import Payment, PaymentStatus
    from payments.providers.vnpay import signed
    from payments.services import payment_start
    from portal.demo.dossiers import seed_dossier_awaiting_payment
    from portal.models import User

    paths = []
    for i in range(n):
        user, _ = User.objects.update_or_create(
            email=f"benchpay{i}@bench.vn",
            defaults={
                "full_name": "Nguyễn Văn Thử",
                "cccd": f"0790900{i:05d}",
                "phone": "0912345678",
                "address": "Thủ Dầu Một",
            },
        )
        seed_dossier_awaiting_payment(applicant=user)
        dossier = user.dossiers.filter(status="awaiting_payment").latest("pk")
        payment = payment_start(dossier=dossier, user=user)
        params = signed(
            {
                "vnp_TmnCode": "BENCH001", "vnp_Amount": str(payment.amount * 100), "vnp_BankCode": "NCB",
                "vnp_CardType": "ATM", "vnp_PayDate": "20261201100000", "vnp_OrderInfo": "Bench",
                "vnp_TransactionNo": str(20_000_000 + payment.pk), "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00", "vnp_TxnRef": payment.txn_ref,
            }
        )  # fmt: skip
        paths.append(f"/thanh-toan/vnpay/ipn/?{urlencode(params)}")
    if Payment.objects.filter(status=PaymentStatus.PENDING).count() < n:
        raise SystemExit("could not prepare the pending attempts")
    return paths


def once(base: str, paths: list[str], concurrency: int) -> tuple[list[float], list[str], float]:
    """Every path exactly once, spread over `concurrency` keep-alive connections."""
    parts = urlsplit(base)
    latencies: list[float] = []
    codes: list[str] = []
    lock = threading.Lock()

    def worker(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        for path in chunk:
            started = time.perf_counter()
            conn.request("GET", path)
            body = conn.getresponse().read().decode()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                codes.append(body.split('"RspCode": "')[1][:2] if '"RspCode"' in body else "??")
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(paths[i::concurrency],)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, codes, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    os.environ.update(GATEWAY_ENV)
    server.ensure_database()
    server.manage("migrate", "--noinput", "-v0")
    server.manage("seed_demo", "--without-dossiers")
    paths = prepare(args.dossiers)
    with server.gunicorn() as base:
        latencies, codes, seconds = once(base, paths, args.concurrency)
        if set(codes) != {"00"}:
            raise SystemExit(f"unexpected IPN answers: {sorted(set(codes))}")
        replay = http_load.run(base, paths, label="IPN replay (02)", concurrency=args.concurrency, seconds=args.seconds)
        trivial = http_load.run(base, ["/robots.txt"], label="/robots.txt", concurrency=args.concurrency,
                                seconds=args.seconds)  # fmt: skip
    data = sorted(latencies)
    print(f"\nVNPay IPN, PostgreSQL, gunicorn 2 workers, {args.concurrency} connections\n")
    print("| request | n | median ms | p95 ms | req/s |")
    print("|---|---|---|---|---|")
    print(f"| first IPN: confirm + receipt row (PDF after commit) | {len(data)} | {statistics.median(data):.1f} | "
          f"{data[int(0.95 * (len(data) - 1))]:.1f} | {len(data) / seconds:.1f} |")  # fmt: skip
    for result in (replay, trivial):
        print(f"| {result.label} | {result.requests} | {result.median:.1f} | {result.percentile(95):.1f} | "
              f"{result.throughput:.1f} |")  # fmt: skip
        if result.errors:
            print(f"  ({result.errors} errors)")


if __name__ == "__main__":
    main()
