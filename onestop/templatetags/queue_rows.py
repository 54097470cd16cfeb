"""The rows of the queue tables as HTML, from the ready-made row strings of views._rows.

The template engine rendered the 25 rows of a queue node by node — some 30 variables and conditions a
row, ≈ 3 ms of the page, its largest template cost (docs/performance.md, issue #17). Here each row is
one format string, every value escaped. The tables' heads and captions stay in their templates
(_rows.html, _oversight_rows.html), which call these through the `queue_rows` and `oversight_rows`
filters (onestop.templatetags.queue_tables).
"""

from __future__ import annotations

from html import escape as html_escape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _labels() -> dict[str, str]:
    """The column names (data-label: the cards of narrow screens) and words, escaped, in the active language."""
    words = {
        "select": _("Select"),
        "code": _("Dossier code"),
        "applicant": _("Applicant"),
        "procedure": _("Procedure"),
        "status": _("Status"),
        "unit": _("Unit / officer"),
        "submitted": _("Submitted"),
        "deadline": _("Deadline"),
        "late": _("late"),
        "appointment": _("Appointment"),
        "where": _("Where it is now"),
        "how_late": _("How late"),
        "reason": _("Reason recorded"),
        "received": _("Received"),
        "no_reason": _("No reason recorded"),
        "not_assigned": _("not assigned"),
    }
    return {key: escape(value) for key, value in words.items()}


class _e:
    """A row's values escaped when read (a row has more values than a table shows), with the standard
    library's html.escape — what Django's escape() runs, without its lazy-string wrapper and SafeString
    (≈ 500 values a page: ≈ 0.5 ms, issue #17)."""

    __slots__ = ("row",)

    def __init__(self, row: dict) -> None:
        self.row = row

    def __getitem__(self, key: str) -> str:
        value = self.row.get(key)
        return "" if value is None else html_escape(str(value))


def _hinted(first: str, *hints: str) -> str:
    """`first`, then each non-empty hint (escaped already) on its own line in the hint style."""
    return first + "".join(f'<br><span class="hint">{hint}</span>' for hint in hints if hint)


def queue_rows(rows: list[dict], pick: bool = False) -> SafeString:
    """<tr>s of a work queue (_rows.html): code, applicant, procedure, status, unit, dates."""
    w = _labels()
    out = []
    for row in rows:
        r = _e(row)
        cells = []
        if pick:
            cells.append(
                f'<td data-label="{w["select"]}"><input type="checkbox" name="dossier" value="{r["pk"]}" '
                f'id="pick-{r["pk"]}"><label for="pick-{r["pk"]}" class="visually-hidden">'
                f"{r['pick_label']}</label></td>"
            )
        cells.append(f'<th scope="row" data-label="{w["code"]}"><a href="{r["url"]}">{r["code"]}</a></th>')
        applicant = _hinted(r["applicant"], r["organisation"], r["phone"])
        cells.append(f'<td data-label="{w["applicant"]}">{applicant}</td>')
        cells.append(
            f'<td data-label="{w["procedure"]}"><span class="hint">{r["procedure_code"]}</span><br>'
            f"{r['procedure_name']}</td>"
        )
        status = _hinted(f'<span class="status status-{r["status"]}">{r["status_label"]}</span>', r["channel_label"])
        cells.append(f'<td data-label="{w["status"]}">{status}</td>')
        unit = r["unit"]
        if row.get("step"):
            unit += f' <span class="hint">({r["step"]})</span>'
        if row.get("assignee"):
            unit += f"<br>{r['assignee']}"
        cells.append(f'<td data-label="{w["unit"]}">{unit}</td>')
        cells.append(f'<td data-label="{w["submitted"]}">{r["submitted"]}</td>')
        if row.get("deadline"):
            deadline = f'<time datetime="{r["deadline_iso"]}">{r["deadline"]}</time>'
            if row.get("late"):
                deadline += f' <strong class="late-flag">{w["late"]}</strong>'
        else:
            deadline = "—"
        if row.get("appointment"):
            deadline += f'<br><span class="hint">{w["appointment"]}: {r["appointment"]}</span>'
        cells.append(f'<td data-label="{w["deadline"]}">{deadline}</td>')
        late = ' class="late"' if row.get("late") else ""
        out.append(f"<tr{late}>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 — every value escaped above


def oversight_rows(rows: list[dict]) -> SafeString:
    """<tr>s of an oversight queue (_oversight_rows.html): where it is, how late, the reason recorded."""
    w = _labels()
    out = []
    for row in rows:
        r = _e(row)
        applicant = r["applicant"] + (f" — {r['organisation']}" if row.get("organisation") else "")
        where = r["agency"]
        if row.get("step_unit"):
            where += f"<br>{r['step_unit']}"
        if row.get("step"):
            where += f' <span class="hint">({r["step"]})</span>'
        where += "<br>" + (r["assignee"] if row.get("assignee") else f'<span class="hint">{w["not_assigned"]}</span>')
        status = f'<span class="status status-{r["status"]}">{r["status_label"]}</span>'
        if row.get("received"):
            status += f'<br><span class="hint">{w["received"]}: {r["received"]}</span>'
        if row.get("lateness"):
            how = f'<strong class="late-flag">{r["lateness"]}</strong>' if row.get("behind") else r["lateness"]
        else:
            how = "—"
        if row.get("due"):
            how += f'<br><span class="hint">{w["appointment"]}: {r["due"]}</span>'
        if row.get("reason"):
            reason = r["reason"]
        elif row.get("behind"):
            reason = f'<span class="hint">{w["no_reason"]}</span>'
        else:
            reason = "—"
        late = ' class="late"' if row.get("behind") else ""
        out.append(
            f"<tr{late}>"
            f'<th scope="row" data-label="{w["code"]}"><a href="{r["url"]}">{r["code"]}</a><br>'
            f'<span class="hint">{applicant}</span></th>'
            f'<td data-label="{w["procedure"]}"><span class="hint">{r["procedure_code"]}</span><br>'
            f"{r['procedure_name']}</td>"
            f'<td data-label="{w["where"]}">{where}</td>'
            f'<td data-label="{w["status"]}">{status}</td>'
            f'<td data-label="{w["how_late"]}">{how}</td>'
            f'<td data-label="{w["reason"]}">{reason}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value escaped above
