"""Filters of the public catalogue (pages and API share them)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Agency, OnlineLevel, Procedure, Sector
from .search import filter_procedures


class ApplicantType:
    CITIZEN = "citizen"
    ORGANISATION = "organisation"
    CHOICES = [(CITIZEN, _("Citizens")), (ORGANISATION, _("Organisations and businesses"))]


class ProcedureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search by name or code"))
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.order_by("name"), to_field_name="code", label=_("Sector"), empty_label=_("All sectors")
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.filter(active=True).order_by("name"),
        to_field_name="code",
        method="filter_agency",
        label=_("Agency"),
        empty_label=_("All agencies"),
    )
    online_level = django_filters.ChoiceFilter(
        choices=OnlineLevel.choices, label=_("Online service level"), empty_label=_("All levels")
    )
    applicant = django_filters.ChoiceFilter(
        choices=ApplicantType.CHOICES, method="filter_applicant", label=_("Applicant"), empty_label=_("Everyone")
    )

    class Meta:
        model = Procedure
        fields = ["q", "sector", "agency", "online_level", "applicant"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_procedures(queryset, value)

    def filter_agency(self, queryset: QuerySet, name: str, value: Agency) -> QuerySet:
        implemented = Procedure.implementing_agencies.through.objects.filter(agency=value).values("procedure_id")
        return queryset.filter(Q(receiving_agency=value) | Q(pk__in=implemented))

    def filter_applicant(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ApplicantType.CITIZEN:
            return queryset.filter(applicant_citizen=True)
        return queryset.filter(applicant_organisation=True)


class ProcedureApiFilter(ProcedureFilter):
    """The API names the free-text parameter `search`."""

    search = django_filters.CharFilter(method="filter_search", label=_("Search by name or code"))

    class Meta(ProcedureFilter.Meta):
        fields = ["search", "q", "sector", "agency", "online_level", "applicant"]
