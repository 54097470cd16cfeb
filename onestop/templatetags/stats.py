"""Numbers of the statistics pages in Vietnamese notation (1.234; 66,7 %; — when there is nothing to count)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:,}".replace(",", ".")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{_number(float(value))} %"


@register.filter
def hours(value) -> str:
    return _number(None if value is None else round(float(value), 1))


@register.simple_tag
def figure(row: dict, key: str, is_percent: bool = False) -> str:
    value = row.get(key)
    return percent(value) if is_percent else _number(value)


def row_cells(row: dict, figures) -> str:
    """A table row's figure cells as one piece of HTML (a year's tables have thousands of cells:
    formatting them here costs a fraction of a template tag per cell). No escaping per cell: a
    figure's key is an identifier of FIGURES and its value a number formatted above (digits, dots,
    a comma, "%" or "—"), never text from the data."""
    cells = ((f.key, percent(row.get(f.key)) if f.percent else _number(row.get(f.key))) for f in figures)
    return mark_safe(  # noqa: S308 — keys and formatted numbers only (see above)
        "".join(f'<td class="num" data-figure="{key}">{value}</td>' for key, value in cells)
    )


def header_cells(figures) -> str:
    return format_html_join(
        "", '<th scope="col" title="{}">{}{}</th>', ((f.how, f.label, " (%)" if f.percent else "") for f in figures)
    )
