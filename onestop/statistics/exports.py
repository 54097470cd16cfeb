"""Every statistics table as XLSX and CSV, written through procedures.spreadsheet.cells so that an
agency or procedure name can never become a live formula (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from procedures.spreadsheet.cells import csv_text, set_cell

from .figures import Table


def table_lines(table: Table) -> tuple[list[str], list[list]]:
    """(header, rows) of a table: code, name, then each figure; the total last."""
    header = [_("Code"), _("Name"), *[str(f.label) + (" (%)" if f.percent else "") for f in table.figures]]
    rows = [[row["code"], row["name"], *[row.get(k) for k in table.keys]] for row in table.rows]
    rows.append(["", _("Total"), *[table.total.get(k) for k in table.keys]])
    return header, rows


def lines_csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_text(h) for h in header])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return out.getvalue()


def lines_xlsx(heading: str, title: str, header: list[str], rows: list[list], notes: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook  # only when a workbook is asked for (STYLE §12)
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    set_cell(sheet.cell(row=1, column=1), heading)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=3, column=column)
        set_cell(cell, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, values in enumerate(rows, start=4):
        for column, value in enumerate(values, start=1):
            set_cell(sheet.cell(row=offset, column=column), value)
    # How each figure is counted, below the table.
    line = len(rows) + 5
    for label, how in notes:
        set_cell(sheet.cell(row=line, column=2), label)
        set_cell(sheet.cell(row=line, column=3), how)
        line += 1
    sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def times_lines(times: dict, key: str) -> tuple[str, list[str], list[list]]:
    """(title, header, rows) of a processing-time table: per unit, or per procedure step."""
    hours = [_("Steps handled"), _("Average (hours)"), _("90th percentile (hours)")]

    def numbers(row: dict) -> list:
        return [row["count"], round(row["average_hours"], 1), round(row["p90_hours"], 1)]

    def name(obj, fallback) -> str:
        return getattr(obj, "name", None) or str(fallback)

    if key == "units":
        rows = [[name(r.get("unit"), r["unit_id"]), *numbers(r)] for r in times["units"]]
        return str(_("Per unit")), [_("Unit"), *hours], rows
    rows = [
        [getattr(r.get("procedure"), "code", ""), name(r.get("procedure"), r["procedure_id"]), r["step"],
         name(r.get("unit"), r["unit_id"]), *numbers(r)]
        for r in times["steps"]
    ]  # fmt: skip
    return str(_("Per procedure step")), [_("Code"), _("Procedure"), _("Step"), _("Unit"), *hours], rows
