"""Formatting as Vietnamese documents write it."""

from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """30000 → "30.000" (Vietnamese groups thousands with dots; the currency word is the template's)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")
