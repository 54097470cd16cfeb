"""/api/v1/me/dossiers/ (the caller's dossiers) and /api/v1/dossiers/track/ (public lookup)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from onestop.models import Dossier, DossierStatus
from onestop.submission import selectors

from .tracking import track_allowed


class DossierSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    national_status = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "code", "procedure", "procedure_name", "agency", "status", "status_label", "national_status",
            "channel", "created_at", "submitted_at", "received_at", "due_at",
        ]  # fmt: skip


class MilestoneSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField(source="to_status")
    at = serializers.DateTimeField(source="created_at")


class TrackedDossierSerializer(serializers.ModelSerializer):
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    national_status = serializers.IntegerField(read_only=True, allow_null=True)
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["code", "procedure_name", "status", "status_label", "national_status", "due_at", "milestones"]

    def get_milestones(self, dossier: Dossier) -> list[dict]:
        events = selectors.dossier_timeline(dossier=dossier, public_only=True)
        return MilestoneSerializer(events, many=True).data


class MyDossierViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own dossiers (drafts excluded), newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = DossierSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9.\-]+"

    queryset = Dossier.objects.none()  # for the schema generator; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dossier.objects.none()
        return selectors.dossiers_of_applicant(user=self.request.user).exclude(status=DossierStatus.DRAFT)


class TrackView(APIView):
    """Public status lookup: 404 unless the code and the verifier (phone, or last 4 ID digits) match."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, required=True, description="Dossier code"),
            OpenApiParameter("verifier", str, required=True, description="Applicant's phone or last 4 ID digits"),
        ],
        responses=TrackedDossierSerializer,
    )
    def get(self, request):
        if not track_allowed(request):
            raise Throttled()
        dossier = selectors.dossier_track(
            code=request.query_params.get("code", ""), verifier=request.query_params.get("verifier", "")
        )
        if dossier is None:
            raise NotFound()
        return Response(TrackedDossierSerializer(dossier).data)
