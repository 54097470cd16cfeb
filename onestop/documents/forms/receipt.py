"""Form 01 (Circular 03/2025/TT-VPCP): Giấy tiếp nhận hồ sơ và hẹn trả kết quả.

Issued when the one-stop office accepts a dossier (Decree 118/2025/NĐ-CP practice: no dossier is received
without a receipt carrying an appointment date). Not the online submission's confirmation
(onestop.documents.confirmation), which comes before the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from onestop.models import DocumentRole, Dossier

from ..codes import code128_svg, qr_svg, svg_data_uri, tracking_url
from ..layout import vn_datetime
from ..render import render_pdf
from .common import (
    BLANK,
    applicant,
    channel_fees,
    delivery_words,
    form_meta,
    kind_words,
    person_name,
    procedure_code,
    procedure_name,
    processing_time,
    two_digits,
)

TEMPLATE = "pdf/forms/01_receipt.html"


@dataclass
class ReceivedDocument:
    """One line of item 1: STT | Tên giấy tờ | Loại | Số lượng (with the files, for an electronic dossier)."""

    name: str
    kind: str
    quantity: str
    files: list[str] = field(default_factory=list)


def _quantity(value: Any, unit: str = "bản") -> str:
    if isinstance(value, int):
        return f"{two_digits(value)} {unit}"
    return str(value or "").strip()


def _given(documents: list[dict]) -> list[ReceivedDocument]:
    """Lines the receptionist entered: {"name", "kind" (DocumentKind value or words), "quantity"}."""
    return [
        ReceivedDocument(
            name=str(item.get("name", "")).strip(),
            kind=kind_words(str(item.get("kind", ""))),
            quantity=_quantity(item.get("quantity", 1)),
        )
        for item in documents
        if str(item.get("name", "")).strip()
    ]


def _from_dossier(dossier: Dossier) -> list[ReceivedDocument]:
    """The attached files grouped by required document, in the order of the procedure's list.

    With no file attached (a paper dossier without lines entered), the procedure's list as received,
    with the number of originals and copies it asks for.
    """
    listed = (dossier.snapshot or {}).get("documents") or []
    files: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for document in dossier.documents.all():  # uses a prefetch when the caller made one
        if document.role != DocumentRole.SUBMITTED:
            continue
        files.setdefault(document.requirement_code, []).append(document.file.original_name)
        names.setdefault(document.requirement_code, document.requirement_name)
    if not files:
        return [
            ReceivedDocument(
                name=item.get("name", ""),
                kind=kind_words(item.get("kind", "")),
                quantity=_quantity(max(1, int(item.get("originals") or 0) + int(item.get("copies") or 0))),
            )
            for item in listed
        ]
    order = {item.get("code"): position for position, item in enumerate(listed)}
    by_code = {item.get("code"): item for item in listed}
    lines = []
    for code in sorted(files, key=lambda c: order.get(c, len(order))):
        item = by_code.get(code, {})
        lines.append(
            ReceivedDocument(
                name=item.get("name") or names[code],
                kind=kind_words(item.get("kind", "")),
                quantity=_quantity(len(files[code]), "tệp"),
                files=files[code],
            )
        )
    return lines


def form01_context(
    dossier: Dossier,
    *,
    received_by: Any,
    documents: list[dict] | None = None,
    register_book: str = "",
    register_number: int | None = None,
    sets: int = 1,
) -> dict[str, Any]:
    if not dossier.code or not dossier.received_at:
        raise ValueError("Form 01 is issued for a received dossier (with a code and a reception time).")
    fees, fees_total, fees_provisional = channel_fees(dossier)
    url = tracking_url(dossier.code)
    return {
        "form_number": "01",
        "doc": form_meta("01", agency=dossier.agency, at=dossier.received_at),
        "dossier": dossier,
        "applicant": applicant(dossier),
        "procedure_name": procedure_name(dossier),
        "procedure_code": procedure_code(dossier),
        "documents": _given(documents) if documents is not None else _from_dossier(dossier),
        "sets": two_digits(sets),
        "processing_time": processing_time(dossier) or BLANK,
        "received_at": vn_datetime(dossier.received_at),
        "due_at": vn_datetime(dossier.due_at) if dossier.due_at else BLANK,
        "delivery": delivery_words(dossier),
        "fees": fees,
        "fees_total": fees_total,
        "fees_provisional": fees_provisional,
        "register_book": register_book or BLANK,
        "register_number": register_number if register_number is not None else BLANK,
        "receiver": person_name(received_by),
        # As data: URIs (<img>): WeasyPrint draws them as SVG documents of their own.
        "barcode_src": svg_data_uri(code128_svg(dossier.code, text=False)),
        "qr_src": svg_data_uri(qr_svg(url)),
        "tracking_url": url,
    }


def form01_receipt_pdf(
    dossier: Dossier,
    *,
    received_by: Any,
    documents: list[dict] | None = None,
    register_book: str = "",
    register_number: int | None = None,
    sets: int = 1,
) -> bytes:
    """Form 01 as PDF bytes.

    `received_by`: the receptionist (a user, or a name). `documents`: the lines the receptionist
    checked ({"name", "kind": "original" | "certified_copy" | "copy" | words, "quantity": int | words});
    without them the dossier's attached files are listed. Prefetch ``documents__file`` and
    select ``agency__parent`` to save queries.
    """
    return render_pdf(
        TEMPLATE,
        form01_context(
            dossier,
            received_by=received_by,
            documents=documents,
            register_book=register_book,
            register_number=register_number,
            sets=sets,
        ),
    )
