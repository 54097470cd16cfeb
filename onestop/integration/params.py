"""Query parameters shared by the partner API's lists."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions


def moment_param(request, name: str):
    """An ISO 8601 date and time from the query string (a "+" read as a space is put back), aware;
    None when absent; 400 when it is not one (a well-formed but impossible date included)."""
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None:
        raise exceptions.ValidationError({name: "An ISO 8601 date and time."})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
