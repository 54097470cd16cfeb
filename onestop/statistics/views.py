"""/mot-cua/thong-ke/: the statistics of an agency subtree for a period, for leaders and heads of
unit (who may read which agency: onestop.access.statistics_agencies_for). Thin: parse, call the
figures, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import staff_required, statistics_agencies_for
from . import charts, exports
from .figures import FIGURES, statistics_report
from .forms import KINDS, PeriodForm, period_query
from .periods import instant, local_today
from .selectors import processing_times

TABLES = {"co-quan": "agency", "linh-vuc": "sector", "thu-tuc": "procedure"}


def _table_html(slug: str, table) -> dict:
    from ..templatetags.stats import header_cells, row_cells

    return {
        "slug": slug,
        "table": table,
        "header": header_cells(table.figures),
        "rows": [(row, row_cells(row, table.figures)) for row in table.rows],
        "total": row_cells(table.total, table.figures),
    }


def _form_context(period) -> dict:
    kind = {"month": "thang", "quarter": "quy", "year": "nam", "custom": "tuy-chon"}[period.kind]
    return {
        "period_kind": kind,
        "period_quarter": (period.start.month - 1) // 3 + 1,
        "months": range(1, 13),
        "quarters": range(1, 5),
    }


def _context(request: HttpRequest):
    now = timezone.now()
    form = PeriodForm(request.GET or None, today=local_today(now))
    period = form.period()
    agency, ids, choices = statistics_agencies_for(user=request.user, code=request.GET.get("co-quan") or None)
    query = {**period_query(period), "co-quan": agency.code}
    return form, period, agency, ids, choices, query, now


@staff_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    form, period, agency, ids, choices, query, now = _context(request)
    report = statistics_report(agency_ids=ids, period=period, now=now)
    agency_rows = report.tables["agency"].rows
    context = {
        "form": form,
        "kinds": KINDS,
        **_form_context(period),
        "period": period,
        "agency": agency,
        "choices": choices,
        "report": report,
        "tables": [_table_html(slug, report.tables[key]) for slug, key in TABLES.items()],
        "figures": FIGURES,
        "query": urlencode(query),
        "chart_months": charts.received_resolved(report.months, title=_("Received and resolved per month")),
        "chart_on_time": charts.horizontal_bars(
            [(r["name"], r["on_time_rate"]) for r in agency_rows if r["resolved"]],
            title=_("On-time rate per agency"),
            percent=True,
        ),
        "chart_overdue": charts.horizontal_bars(
            [(r["name"], r["overdue"]) for r in report.overdue_by_unit[:20]],
            title=_("Overdue dossiers per unit"),
            percent=False,
            late=True,
        ),
    }
    return render(request, "onestop/statistics/page.html", context)


TIME_TABLES = {"thoi-gian-don-vi": "units", "thoi-gian-buoc": "steps"}
TIMES_HOW = gettext_lazy(  # a name makemessages extracts (an alias such as _lazy is not)
    "Dossiers resolved in the period: from the moment a unit gets the dossier at a step to the moment it passes "
    "it on, minus the time waiting for the citizen's supplement. Elapsed hours (calendar), not working hours; the "
    "90th percentile is the time within which nine dossiers in ten were handled."
)


@staff_required
def statistics_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table as CSV or XLSX, for the same period and agency as the page (the figures' tables and
    the processing-time tables)."""
    if (table not in TABLES and table not in TIME_TABLES) or fmt not in ("csv", "xlsx"):
        raise Http404
    _form, period, agency, ids, _choices, _query, now = _context(request)
    if table in TABLES:
        report = statistics_report(agency_ids=ids, period=period, now=now)
        chosen = report.tables[TABLES[table]]
        title = str(chosen.title)
        header, rows = exports.table_lines(chosen)
        notes = [(str(f.label), str(f.how)) for f in chosen.figures]
    else:
        title, header, rows = exports.times_lines(_times(ids, period, now), TIME_TABLES[table])
        notes = [(str(_("Processing time per unit and step")), str(TIMES_HOW))]
    name = f"thong-ke-{table}-{agency.code}-{period.slug}"
    if fmt == "csv":
        # The BOM: spreadsheet programs then read the file as UTF-8.
        response = HttpResponse("\ufeff" + exports.lines_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.lines_xlsx(f"{title} — {agency.name} — {period.label}", title, header, rows, notes),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _times(ids, period, now) -> dict:
    """Processing times with their units' and procedures' names (three queries)."""
    from procedures.models import Agency, Procedure

    times = processing_times(agency_ids=ids, start=instant(period.start), end=min(instant(period.end), now))
    units = Agency.objects.in_bulk({r["unit_id"] for r in times["units"]} | {r["unit_id"] for r in times["steps"]})
    procedures = Procedure.objects.only("code", "name").in_bulk({r["procedure_id"] for r in times["steps"]})
    for row in times["units"] + times["steps"]:
        row["unit"] = units.get(row["unit_id"])
        if "procedure_id" in row:
            row["procedure"] = procedures.get(row["procedure_id"])
    return times


@staff_required
def statistics_times(request: HttpRequest) -> HttpResponse:
    """Average and 90th-percentile time per unit and per procedure step (dossiers resolved in the period)."""
    form, period, agency, ids, choices, query, now = _context(request)
    times = _times(ids, period, now)
    return render(
        request,
        "onestop/statistics/times.html",
        {"form": form, "kinds": KINDS, **_form_context(period), "period": period, "agency": agency,
         "choices": choices, "times": times, "query": urlencode(query), "how": TIMES_HOW},
    )  # fmt: skip


@staff_required
def statistics_report_pdf(request: HttpRequest) -> HttpResponse:
    """The monthly report (Decree 30/2020 layout) of the chosen agency and period."""
    from ..documents.render import pdf_response
    from .report import monthly_report_pdf

    _form, period, agency, ids, _choices, _query, now = _context(request)
    report = statistics_report(agency_ids=ids, period=period, now=now)
    return pdf_response(monthly_report_pdf(report, agency=agency), f"bao-cao-thong-ke-{agency.code}-{period.slug}.pdf")
