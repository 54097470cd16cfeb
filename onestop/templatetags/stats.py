"""Numbers of the statistics pages in Vietnamese notation (1.234; 66,7 %; — when there is nothing to count)."""

from __future__ import annotations

from django import template

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
