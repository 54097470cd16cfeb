"""An uploaded workbook → its sheets as rows of typed cells, refusing what is not a usable workbook."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NoReturn

from .layout import NO, SHEETS, YES, Column, SpreadsheetError

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a 10 MB upload that inflates beyond this is a zip bomb
MAX_ROWS_PER_SHEET = 100_000
_TRUE = {"co", "có", "x", "1", "true", "yes", "c"}
_FALSE = {"khong", "không", "0", "false", "no", "k"}
_NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng Excel Workbook (.xlsx)."


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
class Row:
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


def load_tables(data: bytes | IO[bytes]) -> dict[str, list[Row]]:
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


def _table(sheet, name: str, columns: tuple[Column, ...]) -> list[Row]:
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
    missing = [column.name for column in columns if column.name not in index and not column.optional]
    if missing:
        raise SpreadsheetError(f"thiếu cột {', '.join(missing)} ở dòng tiêu đề", sheet=name, row=1)
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS_PER_SHEET + 1:
            raise SpreadsheetError(f"quá {MAX_ROWS_PER_SHEET} dòng", sheet=name)
        cells = {
            c.name: values[index[c.name]] if c.name in index and index[c.name] < len(values) else None for c in columns
        }
        if all(value is None or _cell_text(value) == "" for value in cells.values()):
            continue
        result.append(Row(name, number, cells))
    return result
