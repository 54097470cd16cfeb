"""Query parameters shared by the partner API's lists."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
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
        example = _("Expected an ISO 8601 date and time, e.g. 2026-12-04T08:00:00+07:00.")
        raise exceptions.ValidationError({name: [example]})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def updated_since_parameter(rows: str, *, name: str = "updated_since") -> OpenApiParameter:
    """The OpenAPI declaration of UpdatedSinceMixin's parameter, `rows` naming what the list holds."""
    return OpenApiParameter(name, str, description=f"Only {rows} changed at or after this time (ISO 8601)")


class UpdatedSinceMixin:
    """A list narrowed to the rows changed at or after `?updated_since=` (ISO 8601; `since_param`
    names it otherwise). Its `get` declares the parameter with updated_since_parameter()."""

    since_param = "updated_since"

    def filter_updated_since(self, queryset: QuerySet) -> QuerySet:
        since = moment_param(self.request, self.since_param)
        return queryset if since is None else queryset.filter(updated_at__gte=since)
