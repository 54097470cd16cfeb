"""Form 07 (Circular 03/2025/TT-VPCP): Sổ theo dõi hồ sơ, the register of the dossiers received.

The annex's columns are not confirmed (REFERENCE.md), so they are derived from the dossier and its
events: STT, Mã hồ sơ, Người nộp, Thủ tục, Ngày tiếp nhận, Ngày hẹn trả, Chuyển xử lý (forward and
transfer events), Kết quả (status; when resolved, before / on / after the appointment by the same
rule as form 06), Ngày trả (the return event), Ký nhận (who collected it, or how it was returned).
Printed as A4 landscape PDF, and as an XLSX workbook for the office's own counting.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from onestop.models import Dossier, DossierEvent, DossierStatus
from procedures.models import Agency
from procedures.spreadsheet.cells import set_cell

from ..layout import VIETNAM_TZ, agency_header, vn_date
from ..render import render_pdf
from .common import FORM_TITLES, form_meta, local, procedure_name, return_method_words, short_date, short_datetime
from .control import timeliness

TEMPLATE = "pdf/forms/07_register.html"
COLUMNS = [
    "STT",
    "Mã hồ sơ",
    "Người nộp",
    "Thủ tục",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Chuyển xử lý",
    "Kết quả",
    "Ngày trả",
    "Ký nhận",
]
_STATUS_WORDS = {
    DossierStatus.RECEIVED: "Đang giải quyết",
    DossierStatus.PROCESSING: "Đang giải quyết",
    DossierStatus.SUPPLEMENT_REQUESTED: "Chờ bổ sung hồ sơ",
    DossierStatus.AWAITING_PAYMENT: "Chờ thực hiện nghĩa vụ tài chính",
    DossierStatus.STOPPED: "Dừng giải quyết",
    DossierStatus.WITHDRAWN: "Công dân rút hồ sơ",
    DossierStatus.REJECTED: "Không được tiếp nhận",
}


@dataclass
class RegisterRow:
    number: int
    code: str
    applicant: str
    address: str
    procedure: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    transferred: str
    result: str
    returned_at: dt.datetime | None
    signed: str

    @property
    def code_parts(self) -> list[str]:
        """The code's parts: the printed code may break after a hyphen, never inside a part."""
        return self.code.split("-")

    @property
    def received_words(self) -> str:
        return short_datetime(self.received_at)

    @property
    def due_words(self) -> str:
        return short_datetime(self.due_at)

    @property
    def returned_words(self) -> str:
        return short_datetime(self.returned_at)


def register_dossiers(*, agency: Agency, date_from: dt.date, date_to: dt.date) -> QuerySet[Dossier]:
    """The dossiers `agency` received from `date_from` to `date_to` (Vietnam dates, inclusive), with
    what form 07 reads: ``procedure`` selected and ``events`` prefetched (two queries in all)."""
    start = dt.datetime.combine(date_from, dt.time.min, VIETNAM_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, VIETNAM_TZ)
    return (
        Dossier.objects.filter(agency=agency, received_at__gte=start, received_at__lt=end)
        .select_related("procedure")
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("created_at", "pk")))
        .order_by("received_at", "code")
    )


# ------------------------------------------------------------ the book and the line numbers
# One book per receiving agency per calendar year (Vietnam dates), its lines numbered from 1 in order
# of reception (time, then code). Form 01 prints the book and the line of its dossier ("Vào Sổ theo
# dõi hồ sơ, Quyển số … Số thứ tự …"), form 07 the same numbers, whatever period it is printed for.


def _year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=VIETNAM_TZ)


def register_book(received_at: dt.datetime) -> str:
    """The book a dossier received at `received_at` is entered in: "01/2026"."""
    return f"01/{local(received_at).year}"


def register_number(dossier: Dossier) -> int:
    """The dossier's line in its agency's book of the year (one COUNT on the agency's receptions)."""
    received = dossier.received_at
    earlier = Dossier.objects.filter(
        agency_id=dossier.agency_id, received_at__gte=_year_start(local(received).year), received_at__lte=received
    ).exclude(pk=dossier.pk)
    same_moment = Q(received_at=received) & Q(code__gt=dossier.code or "")
    return earlier.exclude(same_moment).count() + 1


def register_first_numbers(*, agency: Agency, date_from: dt.date) -> dict[int, int]:
    """How many lines the book of `date_from`'s year has before `date_from` (a period starting in the
    middle of a year continues its numbering; a later year starts a new book at 1)."""
    start = dt.datetime.combine(date_from, dt.time.min, VIETNAM_TZ)
    before = Dossier.objects.filter(agency=agency, received_at__gte=_year_start(date_from.year), received_at__lt=start)
    return {date_from.year: before.count()}


def register_books(date_from: dt.date, date_to: dt.date) -> str:
    return ", ".join(f"01/{year}" for year in range(date_from.year, date_to.year + 1))


def _row(number: int, dossier: Dossier) -> RegisterRow:
    events = sorted(dossier.events.all(), key=lambda e: e.created_at)  # the prefetch, when made
    transferred: dict[str, dt.datetime] = {}
    resolved = returned = None
    for event in events:
        data = event.data or {}
        if event.action in ("forward", "transfer") and data.get("to_agency"):
            transferred.setdefault(data["to_agency"], event.created_at)
        elif event.action == "resolve":
            resolved = event
        elif event.action == "return_result":
            returned = event
    if resolved is not None:
        due = resolved.deadline or dossier.due_at
        when = timeliness(resolved.created_at, due).lower()
        result = "Đã giải quyết" + (f", {when}" if when else "")
    else:
        result = _STATUS_WORDS.get(dossier.status, "")
    signed = ""
    if returned is not None:
        data = returned.data or {}
        signed = data.get("recipient_name") or return_method_words(data.get("method", ""))
    return RegisterRow(
        number=number,
        code=dossier.code or "",
        applicant=(
            f"{dossier.organisation_name} ({dossier.applicant_name})"
            if dossier.organisation_name
            else dossier.applicant_name
        ),
        address=dossier.applicant_address,
        procedure=procedure_name(dossier),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        transferred="; ".join(f"{name} ({short_date(at)})" for name, at in transferred.items()),
        result=result,
        returned_at=returned.created_at if returned is not None else None,
        signed=signed,
    )


def register_rows(
    *, date_from: dt.date, date_to: dt.date, dossiers: Iterable[Dossier], first_numbers: dict[int, int] | None = None
) -> list[RegisterRow]:
    """The register's lines: the dossiers received from `date_from` to `date_to` (Vietnam dates,
    inclusive) — others are left out, whatever the caller passed — in order of reception.

    Lines are numbered within each year's book; `first_numbers` (register_first_numbers) gives the
    lines of a year before the period (none: the period is numbered from 1)."""
    chosen = [d for d in dossiers if d.received_at is not None and date_from <= local(d.received_at).date() <= date_to]
    chosen.sort(key=lambda d: (d.received_at, d.code or ""))
    counters = dict(first_numbers or {})
    rows = []
    for dossier in chosen:
        year = local(dossier.received_at).year
        counters[year] = counters.get(year, 0) + 1
        rows.append(_row(counters[year], dossier))
    return rows


def _period(date_from: dt.date, date_to: dt.date) -> str:
    return f"Từ {vn_date(date_from)} đến {vn_date(date_to)}"


def form07_context(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    dossiers: Iterable[Dossier],
    book: str = "",
    first_numbers: dict[int, int] | None = None,
) -> dict[str, Any]:
    if date_to < date_from:
        raise ValueError("The register's period ends before it starts.")
    return {
        "form_number": "07",
        "landscape": True,
        "doc": form_meta("07", agency=agency, at=None, with_date=False),
        "period": _period(date_from, date_to),
        "book": book,
        "rows": register_rows(date_from=date_from, date_to=date_to, dossiers=dossiers, first_numbers=first_numbers),
    }


def form07_register_pdf(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    dossiers: Iterable[Dossier],
    book: str = "",
    first_numbers: dict[int, int] | None = None,
) -> bytes:
    """Form 07 as PDF bytes (A4 landscape). Pass ``register_dossiers(...)`` or any dossiers with
    ``procedure`` selected and ``events`` prefetched; those received outside the period are left out."""
    context = form07_context(
        agency=agency, date_from=date_from, date_to=date_to, dossiers=dossiers, book=book, first_numbers=first_numbers
    )
    return render_pdf(TEMPLATE, context)


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """Spreadsheets have no time zones: the Vietnam wall-clock time."""
    return local(value).replace(tzinfo=None) if value else None


def form07_register_xlsx(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    dossiers: Iterable[Dossier],
    book: str = "",
    first_numbers: dict[int, int] | None = None,
) -> bytes:
    """Form 07 as an XLSX workbook: the same lines as the PDF, dates as real date cells."""
    from openpyxl import Workbook  # only when a workbook is asked for (STYLE §12)
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    if date_to < date_from:
        raise ValueError("The register's period ends before it starts.")
    rows = register_rows(date_from=date_from, date_to=date_to, dossiers=dossiers, first_numbers=first_numbers)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FORM_TITLES["07"]
    serif = "Times New Roman"
    parent, name = agency_header(agency)
    last = get_column_letter(len(COLUMNS))
    heading = [
        ("A1", parent, False, "D"),
        ("A2", name, True, "D"),
        ("F1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, last),
        ("F2", "Độc lập - Tự do - Hạnh phúc", True, last),
        ("A3", "Mẫu số 07", True, last),
        ("A4", FORM_TITLES["07"].upper(), True, last),
        ("A5", _period(date_from, date_to) + (f" — Quyển số: {book}" if book else ""), False, last),
    ]
    for cell, text, bold, until in heading:
        sheet[cell] = text
        sheet[cell].font = Font(name=serif, size=14 if cell == "A4" else 12, bold=bold)
        sheet[cell].alignment = Alignment(horizontal="right" if cell == "A3" else "center")
        sheet.merge_cells(f"{cell}:{until}{cell[1:]}")
    header_row = 7
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=title)
        cell.font = Font(name=serif, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for offset, row in enumerate(rows, start=1):
        values = [
            row.number,
            row.code,
            f"{row.applicant}\n{row.address}" if row.address else row.applicant,
            row.procedure,
            _naive(row.received_at),
            _naive(row.due_at),
            row.transferred,
            row.result,
            _naive(row.returned_at),
            row.signed,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=column)
            set_cell(cell, value)  # an applicant's name is text, never a formula (formula injection)
            cell.font = Font(name=serif, size=11)
            cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="center" if column == 1 else None)
            cell.border = border
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    for column, width in enumerate([6, 27, 28, 34, 16, 16, 28, 20, 16, 18], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
