"""The monthly report of an agency (or any period) as a PDF in the Decree 30/2020/NĐ-CP layout:
the agency header and national motto, number, place and date, the title, the summary, the table by
agency, how each figure is counted, "Nơi nhận" and the head's signature (templates/pdf/base.html)."""

from __future__ import annotations

from django.utils import timezone

from procedures.models import Agency

from ..documents.layout import document_meta
from ..documents.render import render_pdf
from .figures import FIGURES_BY_KEY, Report

REPORT_KEYS = [
    "carried_over", "received", "received_online", "resolved", "resolved_early", "resolved_on_time",
    "resolved_late", "on_time_rate", "open_on_time", "open_overdue", "withdrawn", "refused", "stopped",
]  # fmt: skip
SUMMARY_KEYS = [
    *REPORT_KEYS, "late_by_supplement", "supplement_requests", "extensions", "online_share", "digitised_share",
    "results_digitised_share", "online_payment_share", "satisfaction",
]  # fmt: skip


def monthly_report_context(report: Report, *, agency: Agency) -> dict:
    total = report.total
    return {
        "doc": document_meta(
            agency=agency,
            title="Báo cáo",
            subtitle=f"Kết quả giải quyết thủ tục hành chính — {report.period.label}",
            at=timezone.now(),
            number="      /BC",
        ),
        "report": report,
        "summary": [(FIGURES_BY_KEY[k], total.get(k)) for k in SUMMARY_KEYS],
        "columns": [FIGURES_BY_KEY[k] for k in REPORT_KEYS],
        "rows": [(row["name"], [row.get(k) for k in REPORT_KEYS]) for row in report.tables["agency"].rows],
        "totals": [total.get(k) for k in REPORT_KEYS],
        "landscape": True,
    }


def monthly_report_pdf(report: Report, *, agency: Agency) -> bytes:
    from django.utils import translation

    with translation.override("vi"):  # labels and sentences of the figures are translated strings
        return render_pdf("pdf/statistics_report.html", monthly_report_context(report, agency=agency))
