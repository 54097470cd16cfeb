"""Signing a result PDF (target ≤ 300 ms) and verifying it, in process.

    .venv/bin/python bench/result_signing.py [--runs 30]

Creates a test CA and an agency certificate (RSA 2048, as the government CA issues) in a temporary
folder, renders a one-page A4 result with WeasyPrint, then signs it `--runs` times after one warm-up
(PAdES with the visible stamp and QR code, onestop/esign/signing.py) and verifies each signed file
(onestop/esign/verification.py). Prints the median, p95 and min of each in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from weasyprint import HTML

    from onestop.esign import pki, signing, verification

    class Agency:
        code, name, parent = "000.00.12.H30", "Ủy ban nhân dân phường Thủ Dầu Một", None

    folder = Path(tempfile.mkdtemp(prefix="esign-bench-"))
    ca = pki.demo_pki(folder, [Agency], "bench")
    settings.ESIGN_PKCS12_DIR, settings.ESIGN_PKCS12_PASSWORD, settings.ESIGN_TRUST_ROOTS = (
        str(folder),
        "bench",
        [str(ca)],
    )
    result = HTML(string="<h1>Giấy chứng nhận kết hôn</h1><p>Số 12/2026 — Nguyễn Văn An, Trần Thị Bình</p>").write_pdf()
    key = signing.signing_key_for(Agency)

    def sign() -> bytes:
        return signing.sign_pdf(
            result, key=key, agency_name=Agency.name, officer="Hoàng Văn Em", code="ABCD-EFGH-JKMN",
            verify_url="https://dichvucong.example.vn/xac-thuc/ABCD-EFGH-JKMN/",
        )  # fmt: skip

    signed = sign()  # warm-up: the key, fonts and WeasyPrint's caches
    if verification.verify_pdf(signed).verdict != verification.Verdict.VALID:
        raise SystemExit("the signed result does not verify")
    sign_ms, verify_ms = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        signed = sign()
        sign_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        verification.verify_pdf(signed)
        verify_ms.append((time.perf_counter() - started) * 1000)
    print("| operation | runs | median ms | p95 ms | min ms |\n|---|---|---|---|---|")
    for label, values in (("sign (stamp + PAdES)", sign_ms), ("verify", verify_ms)):
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)
        print(f"| {label} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} | {min(values):.0f} |")


if __name__ == "__main__":
    main()
