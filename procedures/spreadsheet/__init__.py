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

Modules: layout (sheets and columns), writer (records → workbook), tables (upload → typed rows,
refusing what is not a usable workbook), reader (rows → records).
"""

from .layout import NO, SHEETS, XLSX_CONTENT_TYPE, YES, Column, SpreadsheetError
from .reader import read_workbook, workbook_to_records
from .tables import MAX_ROWS_PER_SHEET, MAX_UNCOMPRESSED_BYTES
from .writer import EXCEL_CELL_LIMIT, records_to_workbook

__all__ = [
    "EXCEL_CELL_LIMIT",
    "MAX_ROWS_PER_SHEET",
    "MAX_UNCOMPRESSED_BYTES",
    "NO",
    "SHEETS",
    "XLSX_CONTENT_TYPE",
    "YES",
    "Column",
    "SpreadsheetError",
    "read_workbook",
    "records_to_workbook",
    "workbook_to_records",
]
