"""The receipt of an online submission ("Phiếu xác nhận nộp hồ sơ trực tuyến").

Issued as soon as the citizen submits. It is not form 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết
quả): that one is issued when the one-stop office accepts the dossier, within 8 working hours, and
carries the appointment for the result. Everything printed comes from the dossier as submitted
(its own applicant fields and its snapshot of the procedure), never from the live catalogue,
except the procedure's name and code when an old snapshot lacks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from onestop.models import ApplicantKind, DocumentRole, Dossier

from .codes import code128_svg, qr_svg, svg_data_uri, tracking_url
from .layout import document_meta, vn_datetime
from .render import render_pdf

TITLE = "Phiếu xác nhận nộp hồ sơ trực tuyến"
TEMPLATE = "pdf/submission_confirmation.html"

# Per-unit fees are printed with their unit; their total depends on the count, fixed at reception.


@dataclass
class DocumentLine:
    code: str
    name: str
    files: list[str] = field(default_factory=list)


def _documents(dossier: Dossier) -> list[DocumentLine]:
    """The submitted files grouped by required document, in the order of the procedure's list."""
    listed = dossier.snapshot.get("documents") or []
    order = {item.get("code"): position for position, item in enumerate(listed)}
    names = {item.get("code"): item.get("name") for item in listed}
    lines: dict[str, DocumentLine] = {}
    for document in dossier.documents.all():  # uses a prefetch when the caller made one
        if document.role != DocumentRole.SUBMITTED:
            continue
        code = document.requirement_code
        line = lines.setdefault(code, DocumentLine(code, names.get(code) or document.requirement_name))
        line.files.append(document.file.original_name)
    return sorted(lines.values(), key=lambda line: order.get(line.code, len(order)))


def _fees(dossier: Dossier) -> tuple[list[dict[str, Any]], str, bool]:
    """What the dossier owes: lines, total, whether the total is provisional (the form 01 receipt's)."""
    from .forms.common import channel_fees

    return channel_fees(dossier)


def _delivery(dossier: Dossier) -> str:
    agency = dossier.agency
    method = dossier.delivery_method
    if method == "post":
        address = dossier.delivery_address or dossier.applicant_address
        return f"Qua dịch vụ bưu chính công ích, đến địa chỉ {address}" if address else "Qua dịch vụ bưu chính công ích"
    if method == "online":
        return "Kết quả điện tử trên Cổng Dịch vụ công (mục Hồ sơ của tôi)"
    where = f"{agency.name}" + (f", {agency.address}" if agency.address else "")
    return f"Trực tiếp tại Bộ phận Một cửa, {where}"


def submission_confirmation_context(dossier: Dossier) -> dict[str, Any]:
    if not dossier.code or not dossier.submitted_at:
        raise ValueError("Only a submitted dossier (with a code and a submission time) has a confirmation.")
    procedure = dossier.snapshot.get("procedure") or {}
    fees, fees_total, fees_provisional = _fees(dossier)
    url = tracking_url(dossier.code)
    return {
        "doc": document_meta(agency=dossier.agency, title=TITLE, at=dossier.submitted_at),
        "dossier": dossier,
        "is_organisation": dossier.applicant_kind == ApplicantKind.ORGANISATION,
        "procedure_name": procedure.get("name") or dossier.procedure.name,
        "procedure_code": procedure.get("code") or dossier.procedure.code,
        "sector": procedure.get("sector", ""),
        "submitted_at": vn_datetime(dossier.submitted_at),
        "check_due_at": vn_datetime(dossier.check_due_at) if dossier.check_due_at else "",
        "documents": _documents(dossier),
        "fees": fees,
        "fees_total": fees_total,
        "fees_provisional": fees_provisional,
        "delivery": _delivery(dossier),
        # As data: URIs (<img>): WeasyPrint draws them as SVG documents of their own.
        "barcode_src": svg_data_uri(code128_svg(dossier.code, text=False)),
        "qr_src": svg_data_uri(qr_svg(url)),
        "tracking_url": url,
        "tracking_page": url.split("?", 1)[0],
    }


def submission_confirmation_pdf(dossier: Dossier) -> bytes:
    """The PDF receipt (Decree 30 layout) of a submitted dossier.

    For a list of one, prefetch ``documents__file`` (see onestop.submission.selectors) to save queries.
    """
    return render_pdf(TEMPLATE, submission_confirmation_context(dossier))
