"""The queue tables' rows, rendered in Python (onestop.templatetags.queue_rows: why)."""

from __future__ import annotations

from django import template

from . import queue_rows as tables

register = template.Library()


@register.filter
def queue_rows(rows, pick=False):
    return tables.queue_rows(rows, pick=bool(pick))


@register.filter
def oversight_rows(rows):
    return tables.oversight_rows(rows)
