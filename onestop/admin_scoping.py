"""Admin scoping: an agency admin manages only their agencies and what lies below them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from .selectors import agencies_administered_by


class AgencyScopedAdminMixin:
    #: the lookup from the model to an agency id, e.g. "agency_id" or "pk" for Agency itself
    agency_field = "agency_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        scope = agencies_administered_by(user=request.user)
        return qs if scope is None else qs.filter(**{f"{self.agency_field}__in": scope})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from procedures.models import Agency

        if db_field.related_model is Agency:
            scope = agencies_administered_by(user=request.user)
            if scope is not None:
                kwargs["queryset"] = Agency.objects.filter(pk__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
