"""Records → workbook: one row per item of each repeating part, cells Excel keeps as typed."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .layout import NO, SHEETS, YES, Column, SpreadsheetError

EXCEL_CELL_LIMIT = 32_767  # characters; Excel "repairs" (truncates) longer cells


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
            "THANHTOANKHINOP": YES if record.get("MOTCUA_THANHTOANKHINOP") else NO,
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
                    "TRUONGSOLUONG": fee.get("MOTCUA_TRUONGSOLUONG"),
                    "TRUONGNHAN": fee.get("MOTCUA_TRUONGNHAN"),
                    "TUDONVI": fee.get("MOTCUA_TUDONVI"),
                    "DENDONVI": fee.get("MOTCUA_DENDONVI"),
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
