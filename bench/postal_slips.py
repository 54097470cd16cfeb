"""One batch PDF of N delivery slips (A6, four to an A4 sheet): time and peak memory.

    .venv/bin/python bench/postal_slips.py [--counts 100 500] [--layout a6]

Each count runs in a fresh process (peak RSS is per process), on in-memory shipments (no database:
what is measured is the context, the barcodes, the QR codes and WeasyPrint). Results as Markdown:
wall seconds, the process's CPU seconds (on a shared machine the wall time mostly says how busy the
other jobs were) and the load average at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(count: int, layout: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    import resource

    import django

    django.setup()
    from onestop.models import Dossier, Shipment
    from onestop.postal import s10
    from onestop.postal.slips import slips_pdf
    from procedures.models import Agency

    agency = Agency(code="000.00.01.H12", name="Trung tâm Phục vụ hành chính công Thành phố", address="Số 1 Hùng Vương")
    shipments = []
    for i in range(count):
        dossier = Dossier(code=f"000.00.01.H12-261128-{i:04d}", agency=agency)
        shipments.append(
            Shipment(
                dossier=dossier, agency=agency, item_number=s10.item_number("RR", i + 1),
                sender_name=agency.name, sender_address=agency.address, sender_phone="0274 3822 222",
                recipient_name=f"Nguyễn Thị Hồng Nhung {i}", recipient_phone="0912345678",
                recipient_address="Số 12 đường Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
                contents="Kết quả giải quyết TTHC: Đăng ký kết hôn", cod_amount=(i % 3) * 25_000,
            )
        )  # fmt: skip
    slips_pdf(shipments[:1], layout=layout)  # warm-up: fonts, stylesheet
    start, cpu_start = time.perf_counter(), time.process_time()
    pdf = slips_pdf(shipments, layout=layout)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"count": count, "seconds": round(seconds, 2), "cpu": round(cpu, 2), "peak_mib": round(peak_mib),
            "pdf_kib": len(pdf) // 1024, "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--layout", default="a6")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.layout)))
        return
    # CPU seconds: this process's own time, what a busy shared machine distorts least.
    print("| slips | seconds | CPU seconds | peak RSS (MiB) | PDF (KiB) | load average |")
    print("|---:|---:|---:|---:|---:|---|")
    for count in args.counts:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(count), "--layout", args.layout],
            capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        row = json.loads(out)
        cells = [row[key] for key in ("count", "seconds", "cpu", "peak_mib", "pdf_kib", "load")]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")


if __name__ == "__main__":
    main()
