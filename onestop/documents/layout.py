"""Decree 30/2020/NĐ-CP layout data: the agency header, the national motto, place and date, wording.

The templates (templates/pdf/base.html) draw the layout; this module only prepares the words, so
that they are the same on every document and can be tested without rendering a PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from procedures.models import Agency, AgencyKind

# Administrative documents state Vietnamese legal time whatever the server's zone.
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# A People's Committee heads its own header (Decree 30, Annex I): no managing body above it.
_NO_PARENT_LINE = {AgencyKind.PROVINCE, AgencyKind.COMMUNE}


@dataclass(frozen=True)
class DocumentMeta:
    """What base.html needs: the header, the number, place and date, the title."""

    title: str
    agency: str
    parent: str = ""
    number: str = ""
    place_date: str = ""
    subtitle: str = ""


def vn_upper(text: str) -> str:
    return " ".join(text.split()).upper()


def agency_header(agency: Agency) -> tuple[str, str]:
    """(managing body line, issuing agency line), both upper case; the first may be empty."""
    parent = agency.parent if agency.kind not in _NO_PARENT_LINE else None
    parent_line = vn_upper(parent.short_name or parent.name) if parent is not None else ""
    return parent_line, vn_upper(agency.name)


def _local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("Aware datetimes only (USE_TZ).")
    return value.astimezone(VIETNAM_TZ)


def vn_date(value: dt.date | dt.datetime) -> str:
    """'ngày 05 tháng 02 năm 2026', 'ngày 28 tháng 11 năm 2026'.

    Decree 30, Annex I: a day below 10 and the months 1 and 2 take a leading zero.
    """
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def vn_datetime(value: dt.datetime) -> str:
    """'14 giờ 05 phút, ngày 28 tháng 11 năm 2026' (the form's '… giờ … phút, ngày … tháng … năm …')."""
    local = _local(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date(local)}"


def place_date(value: dt.date | dt.datetime, place: str | None = None) -> str:
    """'Thành phố Hồ Chí Minh, ngày 28 tháng 11 năm 2026' (the configured place: onestop.province)."""
    from ..province import province

    return f"{place or province().place}, {vn_date(value)}"


def vnd(amount: int | Decimal | str | None) -> str:
    """30000 → '30.000 đồng' (dot thousands separator, as Vietnamese documents write it)."""
    if isinstance(amount, str):  # as published: "30.000"
        amount = amount.replace(".", "").replace(",", "").strip()
    whole = int(Decimal(amount or 0).to_integral_value())
    return f"{whole:,}".replace(",", ".") + " đồng"


def document_meta(
    *, agency: Agency, title: str, at: dt.date | dt.datetime, number: str = "", subtitle: str = "", place: str = ""
) -> DocumentMeta:
    parent, name = agency_header(agency)
    return DocumentMeta(
        title=vn_upper(title),
        agency=name,
        parent=parent,
        number=number,
        place_date=place_date(at, place or None),
        subtitle=subtitle,
    )
