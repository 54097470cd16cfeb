"""The postal PDFs: delivery slips (A6 four to an A4 sheet, or A5), the hand-over manifest (bảng kê
bàn giao) and the postal dossier slip of a dossier received by post (phiếu hồ sơ).

Vietnamese wording is literal: these are Vietnamese documents whatever the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ..documents.codes import code128_png_data_uri, code128_svg, qr_png_data_uri, qr_svg, svg_data_uri, tracking_url
from ..documents.layout import document_meta, vn_datetime, vnd
from ..documents.render import html_parts_to_pdf, render_html, render_pdf
from ..documents.words import vnd_in_words
from ..models import Dossier, Shipment

LAYOUTS = ("a6", "a5")
SLIPS_TEMPLATE = "pdf/postal_slips.html"
MANIFEST_TEMPLATE = "pdf/postal_manifest.html"
INTAKE_TEMPLATE = "pdf/postal_intake.html"
# Slips per WeasyPrint document in a batch (a multiple of four: whole A4 sheets). One document of
# 500 slips took 43 s and 499 MiB (its layout slows down as it grows); parts of 20 to 100 slips cost
# the same per slip, and 40 keeps the peak near 180 MiB whatever the batch (docs/performance.md).
SLIPS_PER_PART = 40
# One fixed QR mask for every slip: qrcode otherwise builds all eight masks to keep the best one.
SLIP_QR_MASK = 0
MANIFEST_TITLE = "Bảng kê bàn giao kết quả giải quyết thủ tục hành chính qua dịch vụ bưu chính công ích"


@dataclass(frozen=True)
class Slip:
    shipment: Shipment
    code: str
    barcode_src: str
    qr_src: str
    cod: str
    cod_words: str
    postage: str = ""  # of the COD, the postage (onestop.fees): printed beside it


def _slip(shipment: Shipment, request=None) -> Slip:
    code = shipment.dossier.code or ""
    return Slip(
        shipment=shipment,
        code=code,
        # Bitmaps, one pixel per module (printed with image-rendering: pixelated): WeasyPrint draws
        # an SVG path by path, ~20 ms a slip for its two codes.
        barcode_src=code128_png_data_uri(shipment.item_number),
        qr_src=qr_png_data_uri(tracking_url(code, request=request), border=2, mask_pattern=SLIP_QR_MASK),
        cod=vnd(shipment.cod_amount),
        cod_words=vnd_in_words(shipment.cod_amount) if shipment.cod_amount else "Không thu hộ",
        postage=vnd(shipment.postage_amount) if shipment.postage_amount else "",
    )


def slips_pdf(shipments: list[Shipment], *, layout: str = "a6", request=None) -> bytes:
    """Delivery slips: A6, four to an A4 sheet (cut along the dashed lines), or one A5 per page.

    What every slip repeats (the cut lines, the title, the signature boxes: a third of the layout
    work) is laid out once per batch as a frame and drawn over each sheet; WeasyPrint lays out only
    each slip's own data (docs/performance.md)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    per_sheet = 4 if layout == "a6" else 1

    title = "Phiếu gửi bưu chính"

    def parts():  # one part's slips (their codes, their HTML) at a time
        for start in range(0, len(shipments), SLIPS_PER_PART):
            slips = [_slip(shipment, request) for shipment in shipments[start : start + SLIPS_PER_PART]]
            sheets = [slips[i : i + per_sheet] for i in range(0, len(slips), per_sheet)]
            yield render_html(SLIPS_TEMPLATE, {"sheets": sheets, "layout": layout, "title": title})

    # What every slip repeats, laid out once: frame page k has k + 1 slips (a last sheet may be short).
    frames = render_html(
        SLIPS_TEMPLATE, {"frame": True, "sheets": [[None] * n for n in range(1, per_sheet + 1)], "layout": layout,
                         "title": title},
    )  # fmt: skip
    last = len(shipments) % per_sheet or per_sheet

    def frame_of(page: int, total: int) -> int:
        return (last if page == total - 1 else per_sheet) - 1

    return html_parts_to_pdf(parts(), frames=frames, frame_of=frame_of)


def manifest_context(shipments: list[Shipment], *, at=None) -> dict[str, Any]:
    if not shipments:
        raise ValueError("A manifest lists at least one item.")
    agency = shipments[0].agency
    at = at or timezone.now()
    return {
        "doc": document_meta(agency=agency, title=MANIFEST_TITLE, at=at),
        "agency": agency,
        "at": vn_datetime(at),
        "rows": [
            {"shipment": s, "code": s.dossier.code or "", "cod": vnd(s.cod_amount) if s.cod_amount else ""}
            for s in shipments
        ],
        "count": len(shipments),
        "cod_total": vnd(sum(s.cod_amount for s in shipments)),
        "cod_total_words": vnd_in_words(sum(s.cod_amount for s in shipments)),
    }


def manifest_pdf(shipments: list[Shipment], *, at=None) -> bytes:
    return render_pdf(MANIFEST_TEMPLATE, manifest_context(shipments, at=at))


def intake_context(dossier: Dossier, *, request=None) -> dict[str, Any]:
    procedure = dossier.snapshot.get("procedure") or {}
    url = tracking_url(dossier.code or "", request=request)
    return {
        "doc": document_meta(agency=dossier.agency, title="Phiếu hồ sơ", at=dossier.received_at or timezone.now()),
        "dossier": dossier,
        "procedure_name": procedure.get("name") or dossier.procedure.name,
        "received_at": vn_datetime(dossier.received_at or dossier.created_at),
        "collected_at": vn_datetime(dossier.collected_at) if dossier.collected_at else "",
        "documents": [d.get("name", "") for d in dossier.snapshot.get("documents") or []],
        "delivery_address": dossier.delivery_address or dossier.applicant_address,
        "barcode_src": svg_data_uri(code128_svg(dossier.code or "-", text=False)),
        "qr_src": svg_data_uri(qr_svg(url)),
        "tracking_page": url.split("?", 1)[0],
    }


def intake_pdf(dossier: Dossier, *, request=None) -> bytes:
    return render_pdf(INTAKE_TEMPLATE, intake_context(dossier, request=request))
