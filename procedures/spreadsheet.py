"""National catalogue records (interchange.py) ⇄ an XLSX workbook civil servants edit in Excel or LibreOffice.

One sheet per repeating part of the record, every row keyed by MATTHC:

- ThuTuc: one row per procedure; short lists live in one cell, one "mã|tên" item per line;
- TrinhTu: the published steps, one row per step (step texts often span several lines, which a
  one-line-per-step cell could not keep), grouped by TRUONGHOP;
- CachThuc, PhiLePhi: processing time per channel (KENH) and its fees;
- GiayTo, TruongDon, QuyTrinh: documents, online form fields, internal process steps.

`workbook_to_records(records_to_workbook(r)) == r` for every record `procedure_to_record` produces
(names in "mã|tên" cells are kept on one line). Errors are raised as SpreadsheetError with the sheet
and row, in Vietnamese, like the record errors of interchange.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NoReturn

from .models import DocumentKind, FeeBasis, FieldKind, OnlineLevel, StepRole

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_CELL_LIMIT = 32_767  # characters; Excel "repairs" (truncates) longer cells
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a 10 MB upload that inflates beyond this is a zip bomb
MAX_ROWS_PER_SHEET = 100_000
YES, NO = "Có", "Không"
_TRUE = {"co", "có", "x", "1", "true", "yes", "c"}
_FALSE = {"khong", "không", "0", "false", "no", "k"}
# The applicant names procedure_to_record writes for each DOITUONGTHUCHIEN code.
_APPLICANTS = {"1": "Công dân Việt Nam", "2": "Tổ chức, doanh nghiệp"}
_NATIONAL_UNITS = ("Ngày làm việc", "Giờ làm việc", "Ngày")
_NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng Excel Workbook (.xlsx)."


class SpreadsheetError(ValueError):
    """A workbook that cannot be read; the message names the sheet and row, in Vietnamese."""

    def __init__(self, reason: str, *, sheet: str | None = None, row: int | None = None) -> None:
        self.reason, self.sheet, self.row = reason, sheet, row
        where = f"Trang tính {sheet}" if sheet else ""
        if sheet and row:
            where += f", dòng {row}"
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True)
class Column:
    name: str
    width: int
    note: str  # shown as the header's comment
    wrap: bool = False
    number: bool = False
    choices: tuple[str, ...] = ()  # offered as a drop-down list


_LINES = "một mục mỗi dòng, dạng mã|tên"
SHEETS: dict[str, tuple[Column, ...]] = {
    "ThuTuc": (
        Column("MATTHC", 12, "Mã thủ tục hành chính, dạng 1.001234"),
        Column("TENTTHC", 45, "Tên thủ tục", wrap=True),
        Column("MALINHVUC", 12, "Mã lĩnh vực"),
        Column("TENLINHVUC", 22, "Tên lĩnh vực"),
        Column("CAPTHUCHIEN", 14, "Cấp thực hiện"),
        Column("LOAITTHC", 20, "Loại thủ tục"),
        Column("MUCDO", 8, "Mức độ cũ (2, 3, 4) hoặc để trống"),
        Column("MUCDOTRUCTUYEN", 14, "toan_trinh (toàn trình) hoặc mot_phan (một phần)", choices=tuple(OnlineLevel)),
        Column("COQUANTHUCHIEN", 40, f"Cơ quan thực hiện, {_LINES}", wrap=True),
        Column("COQUANTIEPNHAN", 40, "Cơ quan tiếp nhận hồ sơ, dạng mã|tên", wrap=True),
        Column("DOITUONG", 10, "1 = công dân, 2 = tổ chức; ví dụ 1;2"),
        Column("MOTADOITUONG", 30, "Mô tả đối tượng thực hiện", wrap=True),
        Column("YEUCAU", 40, "Yêu cầu, điều kiện", wrap=True),
        Column("TRAKETQUA", 18, "Cách trả kết quả: counter, online, post; ví dụ counter;online"),
        Column("GIOCHOT", 8, "Giờ chốt nhận hồ sơ trong ngày, dạng 15:00"),
        Column("TRANGTHAI", 10, "1 = công bố, 0 = nháp", choices=("1", "0")),
        Column("MALOCAL", 24, "Mã thủ tục của địa phương"),
        Column("KETQUA", 36, f"Kết quả thực hiện, {_LINES}", wrap=True),
        Column("CANCUPHAPLY", 45, "Căn cứ pháp lý, một văn bản mỗi dòng, dạng số|tên", wrap=True),
    ),
    "TrinhTu": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("TRUONGHOP", 30, "Trường hợp; để trống nếu chỉ có một", wrap=True),
        Column("BUOC", 80, "Nội dung một bước; có thể nhiều dòng", wrap=True),
    ),
    "CachThuc": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("KENH", 7, "1 = trực tiếp, 2 = trực tuyến, 3 = bưu chính công ích"),
        Column("THOIGIAN", 10, "Thời hạn giải quyết (số)", number=True),
        Column("DONVITINH", 15, "Ngày làm việc, Giờ làm việc hoặc Ngày", choices=_NATIONAL_UNITS),
        Column("MOTA", 40, "Mô tả", wrap=True),
    ),
    "PhiLePhi": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("KENH", 7, "Kênh (phải có trong trang CachThuc)"),
        Column("MAPHILEPHI", 12, "Mã phí, lệ phí"),
        Column("SOTIEN", 12, "Số tiền (đồng)", number=True),
        Column("MOTA", 40, "Tên, mô tả", wrap=True),
        Column("CACHTINH", 14, "Để trống = theo hồ sơ; per_copy, per_page, per_item", choices=tuple(FeeBasis)),
    ),
    "GiayTo": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("TRUONGHOP", 25, "Trường hợp; để trống nếu chỉ có một", wrap=True),
        Column("MAGIAYTO", 10, "Mã giấy tờ, không trùng trong một thủ tục"),
        Column("TENGIAYTO", 45, "Tên giấy tờ", wrap=True),
        Column("LOAI", 14, "original, certified_copy hoặc copy", choices=tuple(DocumentKind)),
        Column("SOBANCHINH", 8, "Số bản chính", number=True),
        Column("SOBANSAO", 8, "Số bản sao", number=True),
        Column("BATBUOC", 9, f"{YES} hoặc {NO}", choices=(YES, NO)),
        Column("DIEUKIEN", 30, "Khi nào cần (bắt buộc nếu không bắt buộc nộp)", wrap=True),
        Column("DINHDANG", 18, "Định dạng tệp: pdf;jpg;png;docx;xlsx"),
        Column("DUNGLUONGMB", 9, "Dung lượng tối đa (MB)", number=True),
        Column("TENMAUDON", 25, "Tên mẫu đơn, tờ khai", wrap=True),
        Column("URL", 30, "Địa chỉ tải mẫu"),
    ),
    "TruongDon": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("MA", 18, "Mã trường: chữ không dấu, số, gạch dưới"),
        Column("NHAN", 30, "Nhãn hiển thị", wrap=True),
        Column("KIEU", 10, "Kiểu trường", choices=tuple(FieldKind)),
        Column("BATBUOC", 9, f"{YES} hoặc {NO}", choices=(YES, NO)),
        Column("GOIY", 30, "Gợi ý", wrap=True),
        Column("LUACHON", 30, "Các lựa chọn, cách nhau bởi dấu ; (hoặc mỗi lựa chọn một dòng)", wrap=True),
        Column("KIEMTRA", 25, 'Ràng buộc dạng JSON, ví dụ {"max_length": 100}'),
    ),
    "QuyTrinh": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("TT", 5, "Thứ tự bước", number=True),
        Column("TEN", 30, "Tên bước", wrap=True),
        Column("MADONVI", 16, "Mã đơn vị xử lý"),
        Column("VAITRO", 14, "Vai trò", choices=tuple(StepRole)),
        Column("SOGIO", 8, "Số giờ làm việc", number=True),
        Column("HANHDONG", 35, "Thao tác được phép, cách nhau bởi dấu ;"),
    ),
}


# --- records → workbook -----------------------------------------------------------------------


def records_to_workbook(records: list[dict]) -> bytes:
    """The workbook (XLSX bytes) for national records, one sheet per part of the record."""
    from openpyxl import Workbook  # heavy: imported when a workbook is made (STYLE 12)

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    for record in records:
        _add_record_rows(record, rows)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns in SHEETS.items():
        _write_sheet(workbook.create_sheet(name), columns, rows[name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _one_line(value: Any) -> str:
    """Names in "mã|tên" cells and ";" lists stay on one line (the line is the item separator)."""
    text = "" if value is None else str(value)
    return " ".join(text.split()) if "\n" in text else text


def _pairs_cell(items: Any, first: str, second: str) -> str:
    return "\n".join(f"{_one_line(i.get(first))}|{_one_line(i.get(second))}" for i in _dicts(items))


def _list_cell(values: Any, separator: str = ";") -> str:
    return separator.join(str(v) for v in values) if isinstance(values, list) else str(values or "")


def _choices_cell(values: Any) -> str:
    if not isinstance(values, list):
        return str(values or "")
    if any(";" in str(v) for v in values):
        # One choice per line; the final line break marks a single choice as a list of one.
        return "\n".join(_one_line(v) for v in values) + ("\n" if len(values) == 1 else "")
    return ";".join(_one_line(v) for v in values)


def _number_or_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def _money_or_text(value: Any) -> Any:
    digits = re.sub(r"[\s.,]", "", str(value if value is not None else ""))
    return int(digits) if digits.isdigit() else value


def _add_record_rows(record: dict, rows: dict[str, list[dict[str, Any]]]) -> None:
    code = record.get("MATTHC")
    sector = (_dicts(record.get("LINHVUCTHUCHIEN")) or [{}])[0]
    receiving = record.get("MOTCUA_COQUANTIEPNHAN")
    rows["ThuTuc"].append(
        {
            "MATTHC": code,
            "TENTTHC": record.get("TENTTHC"),
            "MALINHVUC": sector.get("MALINHVUC"),
            "TENLINHVUC": sector.get("TENLINHVUC"),
            "CAPTHUCHIEN": record.get("CAPTHUCHIEN"),
            "LOAITTHC": record.get("LOAITTHC"),
            "MUCDO": record.get("MUCDO"),
            "MUCDOTRUCTUYEN": record.get("MOTCUA_MUCDOTRUCTUYEN"),
            "COQUANTHUCHIEN": _pairs_cell(record.get("COQUANTHUCHIEN"), "MADONVI", "TENDONVI"),
            "COQUANTIEPNHAN": _pairs_cell([receiving] if receiving else [], "MADONVI", "TENDONVI"),
            "DOITUONG": ";".join(str(i.get("MADOITUONG")) for i in _dicts(record.get("DOITUONGTHUCHIEN"))),
            "MOTADOITUONG": record.get("MOTADOITUONGTHUCHIEN"),
            "YEUCAU": record.get("YEUCAU"),
            "TRAKETQUA": _list_cell(record.get("MOTCUA_TRAKETQUA")),
            "GIOCHOT": record.get("MOTCUA_GIOCHOT"),
            "TRANGTHAI": record.get("TRANGTHAI"),
            "MALOCAL": record.get("MOTCUA_MALOCAL"),
            "KETQUA": _pairs_cell(record.get("KETQUATHUCHIEN"), "MAKETQUA", "TENKETQUA"),
            "CANCUPHAPLY": _pairs_cell(record.get("CANCUPHAPLY"), "SOVANBAN", "TENVANBAN"),
        }
    )
    for group in _dicts(record.get("TRINHTUTHUCHIEN")):
        steps = _dicts(group.get("TRINHTU")) or [{}]  # a group without steps keeps one row, BUOC empty
        for step in steps:
            rows["TrinhTu"].append(
                {"MATTHC": code, "TRUONGHOP": group.get("TRUONGHOP"), "BUOC": step.get("TENTRINHTU")}
            )
    for channel in _dicts(record.get("CACHTHUCTHUCHIEN")):
        time = (_dicts(channel.get("THOIGIAN")) or [{}])[0]
        rows["CachThuc"].append(
            {
                "MATTHC": code,
                "KENH": channel.get("KENH"),
                "THOIGIAN": _number_or_text(time.get("THOIGIANGIAIQUYET")),
                "DONVITINH": time.get("DONVITINH"),
                "MOTA": time.get("MOTA"),
            }
        )
        for fee in _dicts(time.get("PHILEPHI")):
            rows["PhiLePhi"].append(
                {
                    "MATTHC": code,
                    "KENH": channel.get("KENH"),
                    "MAPHILEPHI": fee.get("MAPHILEPHI"),
                    "SOTIEN": _money_or_text(fee.get("SOTIEN")),
                    "MOTA": fee.get("MOTA"),
                    "CACHTINH": fee.get("MOTCUA_CACHTINH"),
                }
            )
    for group in _dicts(record.get("THANHPHANHOSO")):
        for doc in _dicts(group.get("GIAYTO")):
            rows["GiayTo"].append(
                {
                    "MATTHC": code,
                    "TRUONGHOP": group.get("TRUONGHOP"),
                    "MAGIAYTO": doc.get("MAGIAYTO"),
                    "TENGIAYTO": doc.get("TENGIAYTO"),
                    "LOAI": doc.get("MOTCUA_LOAI"),
                    "SOBANCHINH": _number_or_text(doc.get("SOBANCHINH")),
                    "SOBANSAO": _number_or_text(doc.get("SOBANSAO")),
                    "BATBUOC": YES if doc.get("MOTCUA_BATBUOC", True) else NO,
                    "DIEUKIEN": doc.get("MOTCUA_DIEUKIEN"),
                    "DINHDANG": _list_cell(doc.get("MOTCUA_DINHDANG")),
                    "DUNGLUONGMB": _number_or_text(doc.get("MOTCUA_DUNGLUONGMB")),
                    "TENMAUDON": doc.get("TENMAUDON"),
                    "URL": doc.get("URL"),
                }
            )
    for item in _dicts(record.get("MOTCUA_TRUONGDON")):
        validation = item.get("KIEMTRA")
        rows["TruongDon"].append(
            {
                "MATTHC": code,
                "MA": item.get("MA"),
                "NHAN": item.get("NHAN"),
                "KIEU": item.get("KIEU"),
                "BATBUOC": YES if item.get("BATBUOC") else NO,
                "GOIY": item.get("GOIY"),
                "LUACHON": _choices_cell(item.get("LUACHON")),
                "KIEMTRA": json.dumps(validation, ensure_ascii=False) if validation else "",
            }
        )
    for order, item in enumerate(_dicts(record.get("MOTCUA_QUYTRINH")), start=1):
        rows["QuyTrinh"].append(
            {
                "MATTHC": code,
                "TT": order,
                "TEN": item.get("TEN"),
                "MADONVI": item.get("MADONVI"),
                "VAITRO": item.get("VAITRO"),
                "SOGIO": _number_or_text(item.get("SOGIO")),
                "HANHDONG": _list_cell(item.get("HANHDONG")),
            }
        )


def _write_sheet(sheet, columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font, cell.fill = header_font, header_fill
        cell.comment = Comment(column.note, "Cổng dịch vụ công", width=260, height=90)
        sheet.column_dimensions[letter].width = column.width
        if not column.number:
            # Text format keeps codes such as 1.001230 or 01 from being turned into numbers by Excel.
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list", formula1='"{}"'.format(",".join(column.choices)), allow_blank=True, showErrorMessage=True
            )
            validation.error = "Chọn một giá trị trong danh sách: " + ", ".join(column.choices)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{max(len(rows) + 1, 1000)}")
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = row.get(column.name)
            if value is None or value == "":
                continue
            cell = sheet.cell(row=number, column=index)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.value = value
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                if len(text) > EXCEL_CELL_LIMIT:
                    raise SpreadsheetError(
                        f"thủ tục {row.get('MATTHC')}: cột {column.name} dài quá {EXCEL_CELL_LIMIT} ký tự, "
                        "giới hạn của một ô Excel",
                        sheet=sheet.title,
                    )
                cell.value = text
                # Always a string: a value starting with "=" must never become a formula (CSV/formula injection).
                cell.data_type = "s"
                cell.number_format = "@"
            cell.alignment = wrap if column.wrap else top
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"


# --- workbook → records -----------------------------------------------------------------------


def workbook_to_records(data: bytes | IO[bytes]) -> list[dict]:
    """The national records of a workbook made by records_to_workbook (and edited by hand)."""
    return [record for _, record in read_workbook(data)]


def read_workbook(data: bytes | IO[bytes]) -> list[tuple[int, dict]]:
    """Each record with the number of its row in ThuTuc, in sheet order; raise SpreadsheetError."""
    tables = _load_tables(data)
    records: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for row in tables["ThuTuc"]:
        code = row.code()
        if code in records:
            row.fail(f"MATTHC {code} đã có ở dòng {first_row[code]}")
        records[code], first_row[code] = _procedure(row), row.number

    def owner(row: _Row) -> dict:
        code = row.code()
        if code not in records:
            row.fail(f"MATTHC {code} không có trong trang tính ThuTuc")
        return records[code]

    groups: dict[tuple[str, str, str], dict] = {}
    for row in tables["TrinhTu"]:
        record, case = owner(row), row.text("TRUONGHOP")
        group = groups.get(("TrinhTu", row.code(), case))
        if group is None:
            group = groups[("TrinhTu", row.code(), case)] = {"TRUONGHOP": case, "TRINHTU": []}
            record["TRINHTUTHUCHIEN"].append(group)
        if row.text("BUOC"):
            group["TRINHTU"].append({"TENTRINHTU": row.text("BUOC")})

    times: dict[tuple[str, str], tuple[dict, int]] = {}
    for row in tables["CachThuc"]:
        record, channel = owner(row), row.text("KENH")
        if (row.code(), channel) in times:
            row.fail(f"KENH {channel} của thủ tục {row.code()} đã có ở dòng {times[(row.code(), channel)][1]}")
        time = {
            "THOIGIANGIAIQUYET": format(row.decimal("THOIGIAN").normalize(), "f"),
            "DONVITINH": row.text("DONVITINH"),
            "MOTA": row.text("MOTA"),
            "PHILEPHI": [],
        }
        times[(row.code(), channel)] = (time, row.number)
        record["CACHTHUCTHUCHIEN"].append({"KENH": channel, "THOIGIAN": [time]})

    for row in tables["PhiLePhi"]:
        owner(row)
        channel = row.text("KENH")
        if (row.code(), channel) not in times:
            row.fail(f"thủ tục {row.code()} chưa có KENH {channel!r} trong trang tính CachThuc")
        basis = row.text("CACHTINH")
        fee = {
            "MAPHILEPHI": row.text("MAPHILEPHI"),
            "SOTIEN": row.money("SOTIEN"),
            "DONVI": "Đồng",
            "MOTA": row.text("MOTA"),
        }
        if basis and basis != FeeBasis.PER_DOSSIER:
            fee["MOTCUA_CACHTINH"] = basis
        times[(row.code(), channel)][0]["PHILEPHI"].append(fee)

    for row in tables["GiayTo"]:
        record, case = owner(row), row.text("TRUONGHOP")
        group = groups.get(("GiayTo", row.code(), case))
        if group is None:
            group = groups[("GiayTo", row.code(), case)] = {"TRUONGHOP": case, "GIAYTO": []}
            record["THANHPHANHOSO"].append(group)
        group["GIAYTO"].append(
            {
                "MAGIAYTO": row.text("MAGIAYTO"),
                "TENGIAYTO": row.text("TENGIAYTO"),
                "TENMAUDON": row.text("TENMAUDON"),
                "URL": row.text("URL"),
                "SOBANCHINH": str(row.integer("SOBANCHINH", default=1)),
                "SOBANSAO": str(row.integer("SOBANSAO", default=0)),
                "MOTCUA_LOAI": row.text("LOAI") or DocumentKind.ORIGINAL.value,
                "MOTCUA_BATBUOC": row.flag("BATBUOC", default=True),
                "MOTCUA_DIEUKIEN": row.text("DIEUKIEN"),
                "MOTCUA_DINHDANG": [t.lower().lstrip(".") for t in row.items("DINHDANG")],
                "MOTCUA_DUNGLUONGMB": row.integer("DUNGLUONGMB", default=10),
            }
        )

    for row in tables["TruongDon"]:
        owner(row)["MOTCUA_TRUONGDON"].append(
            {
                "MA": row.text("MA"),
                "NHAN": row.text("NHAN"),
                "KIEU": row.text("KIEU") or FieldKind.TEXT.value,
                "BATBUOC": row.flag("BATBUOC", default=False),
                "GOIY": row.text("GOIY"),
                "LUACHON": row.choices("LUACHON"),
                "KIEMTRA": row.json_object("KIEMTRA"),
            }
        )

    steps: dict[str, list[tuple[Decimal, int, dict]]] = {}
    for row in tables["QuyTrinh"]:
        owner(row)
        order = row.decimal("TT") if row.text("TT") else Decimal(MAX_ROWS_PER_SHEET)
        hours = row.decimal("SOGIO")
        step = {
            "TEN": row.text("TEN"),
            "MADONVI": row.text("MADONVI"),
            "VAITRO": row.text("VAITRO"),
            "SOGIO": int(hours) if hours == hours.to_integral_value() else float(hours),
            "HANHDONG": row.items("HANHDONG"),
        }
        steps.setdefault(row.code(), []).append((order, row.number, step))
    for code, items in steps.items():
        records[code]["MOTCUA_QUYTRINH"] = [step for _, _, step in sorted(items, key=lambda i: (i[0], i[1]))]

    return [(first_row[code], record) for code, record in records.items()]


def _procedure(row: _Row) -> dict:
    receiving = row.pairs("COQUANTIEPNHAN", "MADONVI", "TENDONVI", bare_is_code=True)
    if len(receiving) > 1:
        row.fail("COQUANTIEPNHAN chỉ ghi một cơ quan, dạng mã|tên")
    sector = {"MALINHVUC": row.text("MALINHVUC"), "TENLINHVUC": row.text("TENLINHVUC")}
    applicants = []
    for code in row.items("DOITUONG"):
        if code not in _APPLICANTS:
            row.fail(f"DOITUONG chỉ nhận 1 (công dân) và 2 (tổ chức), không nhận {code!r}")
        applicants.append({"MADOITUONG": code, "TENDOITUONG": _APPLICANTS[code]})
    return {
        "MATTHC": row.code(),
        "TENTTHC": row.text("TENTTHC"),
        "CAPTHUCHIEN": row.text("CAPTHUCHIEN"),
        "LOAITTHC": row.text("LOAITTHC"),
        "MUCDO": row.text("MUCDO"),
        "LINHVUCTHUCHIEN": [sector] if any(sector.values()) else [],
        "TRINHTUTHUCHIEN": [],
        "CACHTHUCTHUCHIEN": [],
        "YEUCAU": row.text("YEUCAU"),
        "DOITUONGTHUCHIEN": applicants,
        "MOTADOITUONGTHUCHIEN": row.text("MOTADOITUONG"),
        "KETQUATHUCHIEN": row.pairs("KETQUA", "MAKETQUA", "TENKETQUA"),
        "CANCUPHAPLY": row.pairs("CANCUPHAPLY", "SOVANBAN", "TENVANBAN"),
        "COQUANTHUCHIEN": row.pairs("COQUANTHUCHIEN", "MADONVI", "TENDONVI", bare_is_code=True),
        "THANHPHANHOSO": [],
        "TRANGTHAI": row.text("TRANGTHAI"),
        "MOTCUA_MALOCAL": row.text("MALOCAL"),
        "MOTCUA_COQUANTIEPNHAN": receiving[0] if receiving else None,
        "MOTCUA_MUCDOTRUCTUYEN": row.text("MUCDOTRUCTUYEN"),
        "MOTCUA_TRAKETQUA": row.items("TRAKETQUA"),
        "MOTCUA_GIOCHOT": row.clock("GIOCHOT"),
        "MOTCUA_TRUONGDON": [],
        "MOTCUA_QUYTRINH": [],
    }


def _cell_text(value: Any) -> str:
    """A cell as text, undoing what Excel does to numbers typed into text columns."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]

    def fail(self, reason: str) -> NoReturn:
        raise SpreadsheetError(reason, sheet=self.sheet, row=self.number)

    def text(self, column: str) -> str:
        return _cell_text(self.values[column])

    def code(self) -> str:
        value = self.values["MATTHC"]
        if isinstance(value, float) and 0 < value < 10:
            # Excel reads 1.001230 typed into a general cell as the number 1.00123.
            return f"{value:.6f}"
        code = self.text("MATTHC")
        if not code:
            self.fail("thiếu MATTHC")
        return code

    def integer(self, column: str, *, default: int) -> int:
        value = self.values[column]
        text = _cell_text(value).replace(" ", "")
        if not text:
            return default
        if isinstance(value, bool) or not text.isdigit():
            self.fail(f"{column} phải là số nguyên không âm, không phải {text!r}")
        return int(text)

    def decimal(self, column: str) -> Decimal:
        value = self.values[column]
        text = _cell_text(value)
        if not text:
            self.fail(f"thiếu {column}")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
        if isinstance(value, bool) or not number.is_finite() or number < 0:
            self.fail(f"{column} không phải số hợp lệ: {text!r}")
        return number

    def money(self, column: str) -> str:
        value = self.values[column]
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value < 0 or not float(value).is_integer():
                self.fail(f"{column} phải là số đồng nguyên, không âm: {value!r}")
            return str(int(value))
        # Typed as text: 30.000 / 30,000 / 30 000 đ (Vietnamese thousands separators).
        text = re.sub(r"(?i)\s*(đồng|đ|vnđ|vnd)$", "", self.text(column))
        digits = re.sub(r"[\s.,]", "", text)
        if not digits:
            return "0"
        if not digits.isdigit():
            self.fail(f"{column} không phải số tiền: {self.text(column)!r}")
        return str(int(digits))

    def flag(self, column: str, *, default: bool) -> bool:
        value = self.values[column]
        if isinstance(value, bool):
            return value
        text = _cell_text(value).lower()
        if not text:
            return default
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        self.fail(f"{column} ghi “{YES}” hoặc “{NO}” (hoặc x / để trống), không phải {text!r}")

    def items(self, column: str) -> list[str]:
        return [item.strip() for item in re.split(r"[;,\n]", self.text(column)) if item.strip()]

    def choices(self, column: str) -> list[str]:
        raw = "" if self.values[column] is None else str(self.values[column])
        parts = raw.splitlines() if "\n" in raw else raw.split(";")
        return [part.strip() for part in parts if part.strip()]

    def pairs(self, column: str, first: str, second: str, *, bare_is_code: bool = False) -> list[dict[str, str]]:
        result = []
        for line in self.text(column).splitlines():
            if not line.strip():
                continue
            if "|" in line:
                code, name = (part.strip() for part in line.split("|", 1))
            else:
                code, name = (line.strip(), "") if bare_is_code else ("", line.strip())
            result.append({first: code, second: name})
        return result

    def clock(self, column: str) -> str:
        value = self.values[column]
        if isinstance(value, dt.datetime | dt.time):
            return value.strftime("%H:%M")
        if isinstance(value, float) and 0 <= value < 1:  # a time of day stored as a fraction of a day
            minutes = round(value * 24 * 60)
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
        return self.text(column)

    def json_object(self, column: str) -> dict:
        text = self.text(column)
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            self.fail(f'{column} phải là JSON dạng {{"tên": giá trị}}, ví dụ {{"max_length": 100}}')
        return value


def _load_tables(data: bytes | IO[bytes]) -> dict[str, list[_Row]]:
    from openpyxl import load_workbook

    raw = data if isinstance(data, bytes) else data.read()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetError(_NOT_XLSX) from None
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError("Tệp quá lớn khi giải nén; hãy chia thành nhiều tệp nhỏ hơn.")
    try:
        # data_only: a formula typed by the user counts as the value Excel shows.
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # any failure to open an untrusted file means it is not a usable workbook
        raise SpreadsheetError(_NOT_XLSX) from None
    try:
        sheets = {name.strip().lower(): workbook[name] for name in workbook.sheetnames}
        return {name: _table(sheets.get(name.lower()), name, columns) for name, columns in SHEETS.items()}
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(_NOT_XLSX) from None
    finally:
        workbook.close()


def _table(sheet, name: str, columns: tuple[Column, ...]) -> list[_Row]:
    if sheet is None:
        raise SpreadsheetError(f"thiếu trang tính “{name}” (cần có: {', '.join(SHEETS)})")
    sheet.reset_dimensions()  # some writers store a wrong used range; read every row there is
    rows = sheet.iter_rows(values_only=True)
    index: dict[str, int] = {}
    for position, value in enumerate(next(rows, None) or ()):
        header = _cell_text(value).upper()
        if header in index:
            raise SpreadsheetError(f"cột {header} xuất hiện hai lần", sheet=name, row=1)
        if header:
            index[header] = position
    missing = [column.name for column in columns if column.name not in index]
    if missing:
        raise SpreadsheetError(f"thiếu cột {', '.join(missing)} ở dòng tiêu đề", sheet=name, row=1)
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS_PER_SHEET + 1:
            raise SpreadsheetError(f"quá {MAX_ROWS_PER_SHEET} dòng", sheet=name)
        cells = {c.name: values[index[c.name]] if index[c.name] < len(values) else None for c in columns}
        if all(value is None or _cell_text(value) == "" for value in cells.values()):
            continue
        result.append(_Row(name, number, cells))
    return result
