"""The demo catalogue: a JSON file in the national shape, loaded through the real import path."""

from __future__ import annotations

import json
from pathlib import Path

from procedures.services import ImportReport, procedures_import

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "procedures" / "data" / "demo_catalogue.json"


def seed_catalogue() -> ImportReport:
    records = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    report = procedures_import(records=records, base_dir=CATALOGUE_FILE.parent)  # its form templates: mau/
    if report.rejected:
        reasons = "; ".join(f"#{line.position} {line.code}: {line.reason}" for line in report.rejected)
        raise ValueError(f"The demo catalogue has bad records: {reasons}")
    return report
