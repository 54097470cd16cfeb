"""Read-only catalogue API (/api/v1/procedures/, /sectors/, /agencies/)."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .filters import ProcedureApiFilter
from .models import (
    Agency,
    DocumentRequirement,
    FeeItem,
    FormField,
    Procedure,
    ProcedureChannel,
    ProcessStep,
    Sector,
)
from .selectors import procedures_public


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name"]


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "parent", "address", "phone", "email"]


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureChannel
        fields = ["channel", "time_amount", "time_unit", "description"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeItem
        fields = ["channel", "code", "name", "amount", "basis"]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentRequirement
        fields = [
            "code", "name", "case", "kind", "originals", "copies", "required", "condition",
            "accepted_types", "max_size_mb", "template_name", "template_url",
        ]  # fmt: skip


class FormFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormField
        fields = ["key", "label", "kind", "required", "help_text", "choices", "validation"]


class StepSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "agency", "role", "duration_hours", "actions"]


class ProcedureListSerializer(serializers.ModelSerializer):
    sector = SectorSerializer(read_only=True)
    receiving_agency = AgencyRefSerializer(read_only=True)
    channels = ChannelSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "local_code",
            "name",
            "sector",
            "receiving_agency",
            "online_level",
            "legacy_level",
            "channels",
        ]


class ProcedureDetailSerializer(ProcedureListSerializer):
    implementing_agencies = AgencyRefSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    form_fields = FormFieldSerializer(many=True, read_only=True)
    process_steps = serializers.SerializerMethodField()

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "level", "implementing_agencies", "applicant_citizen", "applicant_organisation",
            "applicant_description", "conditions", "steps", "results", "legal_basis", "delivery_methods",
            "cutoff_time", "fees", "documents", "form_fields", "process_steps",
        ]  # fmt: skip

    def get_process_steps(self, procedure: Procedure) -> list[dict]:
        process = getattr(procedure, "process", None)
        return StepSerializer(process.steps.all(), many=True).data if process else []


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """Published administrative procedures. `?search=` ignores Vietnamese diacritics and case."""

    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"\d\.\d{6}"
    filterset_class = ProcedureApiFilter

    def get_queryset(self):
        qs = procedures_public().order_by("search_text")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "fees",
                "documents",
                "form_fields",
                "implementing_agencies",
                Prefetch("process__steps", queryset=ProcessStep.objects.select_related("agency")),
            )
        return qs

    def get_serializer_class(self):
        return ProcedureDetailSerializer if self.action == "retrieve" else ProcedureListSerializer


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = Sector.objects.order_by("name")
    serializer_class = SectorSerializer
    lookup_field = "code"
    filterset_fields = ["code"]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = Agency.objects.filter(active=True).select_related("parent").order_by("code")
    serializer_class = AgencySerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9.]+"
    filterset_fields = ["kind"]
