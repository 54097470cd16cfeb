"""/api/v1/dossiers/ — partners' systems read their agencies' dossiers and add to them.

Scopes: `dossiers:read` lists and reads; `dossiers:write` adds a note, a document or an
inter-agency result — through the dossier core's actions (onestop.workflow: the same guards, the
same event log, the same hook as the back office), never by writing rows here. What a partner reads
is the dossier's summary: its code, procedure, agencies, status and dates, and the applicant's
name — no ID number, contact details, form answers or files (least access, Decree 13/2023/NĐ-CP
art. 3). Another agency's dossier answers 404, like a missing one (onestop.access.dossier_for_client).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from procedures.api import AgencyViewSet, ProcedureViewSet, SectorViewSet

from .. import workflow
from ..access import dossier_for_client, dossiers_for_client
from ..models import ApiScope, Dossier, DossierDocument, DossierEvent, DossierStatus
from ..workflow import TransitionError
from .auth import ApiTokenAuthentication, ClientApiMixin, public_or_scoped, scoped
from .pagination import UpdatedCursor
from .params import UpdatedSinceMixin, updated_since_parameter

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class PartnerDossierSerializer(serializers.ModelSerializer):
    """A dossier as a partner reads it (also the `dossier` of every webhook body)."""

    id = serializers.UUIDField(source="public_id", read_only=True, help_text="Stable id of the dossier")
    code = serializers.CharField(read_only=True, allow_null=True, help_text="Mã hồ sơ")
    procedure = serializers.CharField(source="procedure.code", read_only=True, help_text="Mã TTHC")
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True, help_text="Receiving agency (mã định danh)")
    unit = serializers.CharField(
        source="step_agency.code", read_only=True, allow_null=True, default=None,
        help_text="The unit holding the current processing step",
    )  # fmt: skip
    national_status = serializers.IntegerField(read_only=True, allow_null=True, help_text="TrangThaiHoSo 1–10")
    applicant_name = serializers.CharField(read_only=True, help_text="The applicant's name (no other personal data)")

    class Meta:
        model = Dossier
        fields = [
            "id", "code", "procedure", "procedure_name", "agency", "unit", "current_step", "status",
            "national_status", "channel", "delivery_method", "applicant_name", "submitted_at", "received_at",
            "due_at", "resolved_at", "closed_at", "updated_at",
        ]  # fmt: skip


# What the summary reads: the rows leave their form answers, snapshot and search text behind.
SUMMARY_FIELDS = (
    "public_id", "code", "procedure__code", "procedure__name", "agency__code", "step_agency__code", "current_step",
    "status", "channel", "delivery_method", "applicant_name", "submitted_at", "received_at", "due_at", "resolved_at",
    "closed_at", "updated_at", "agency_id", "step_agency_id",
)  # fmt: skip


def summaries(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return queryset.select_related("procedure", "agency", "step_agency").only(*SUMMARY_FIELDS)


class PartnerDossierList(UpdatedSinceMixin, ClientApiMixin, generics.ListAPIView):
    """The dossiers of the client's agencies (received there, or held by one of their units), oldest
    change first; `status` and `updated_since` filter them; cursor pagination (`next` link)."""

    permission_classes = [scoped(ApiScope.DOSSIERS_READ)]
    serializer_class = PartnerDossierSerializer
    pagination_class = UpdatedCursor
    queryset = Dossier.objects.none()

    @extend_schema(
        operation_id="partner_dossiers_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=[s for s in DossierStatus.values if s != DossierStatus.DRAFT],
                description="Only dossiers in this status",
            ),
            updated_since_parameter("dossiers"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Dossier]:
        if getattr(self, "swagger_fake_view", False):
            return Dossier.objects.none()
        queryset = summaries(dossiers_for_client(client=self.request.auth))
        status_ = self.request.query_params.get("status")
        if status_:
            if status_ not in DossierStatus.values or status_ == DossierStatus.DRAFT:
                raise exceptions.ValidationError({"status": "One of the dossier statuses (not draft)."})
            queryset = queryset.filter(status=status_)
        return self.filter_updated_since(queryset)


def _dossier(request, dossier_id) -> Dossier:
    try:
        return dossier_for_client(
            client=request.auth,
            public_id=dossier_id,
            queryset=summaries(Dossier.objects.all()),
        )
    except Http404 as exc:
        raise exceptions.NotFound() from exc


class PartnerDossierDetail(ClientApiMixin, APIView):
    """One dossier of the client's agencies."""

    permission_classes = [scoped(ApiScope.DOSSIERS_READ)]
    log_object_kwarg = "dossier_id"

    @extend_schema(operation_id="partner_dossiers_retrieve", responses=PartnerDossierSerializer)
    def get(self, request, dossier_id):
        return Response(PartnerDossierSerializer(_dossier(request, dossier_id)).data)


class EventOutSerializer(serializers.ModelSerializer):
    """The event an addition recorded."""

    kind = serializers.CharField(source="action", read_only=True)
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = DossierEvent
        fields = ["id", "kind", "at", "note", "data"]


def _write(action):
    """Run a workflow action; its refusals become 409 (not now) or 400 (bad input)."""
    try:
        return action()
    except TransitionError as exc:
        raise Conflict(str(exc)) from exc
    except ValidationError as exc:
        raise exceptions.ValidationError({"detail": exc.messages}) from exc


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Not possible on this dossier now."


CONFLICT = inline_serializer("DossierConflict", {"detail": serializers.CharField()})


class NoteInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, help_text="Internal: never shown to the applicant")


class PartnerDossierNote(ClientApiMixin, APIView):
    """Add an internal note (officers and partners only: the applicant, the tracking page, the
    national portal and webhooks never see it)."""

    permission_classes = [scoped(ApiScope.DOSSIERS_WRITE)]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    log_object_kwarg = "dossier_id"

    @extend_schema(operation_id="partner_dossiers_notes_create", request=NoteInSerializer,
                   responses={201: EventOutSerializer, 409: CONFLICT})  # fmt: skip
    def post(self, request, dossier_id):
        dossier = _dossier(request, dossier_id)
        incoming = NoteInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = _write(
            lambda: workflow.dossier_note_add(dossier=dossier, actor=request.user, note=incoming.validated_data["note"])
        )
        return Response(EventOutSerializer(event).data, status=status.HTTP_201_CREATED)


class DocumentInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, image or office document; checked like every upload")
    requirement_code = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                             help_text="The procedure's document code it answers, if any")  # fmt: skip
    name = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="Its title")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text="Internal note")


class DocumentOutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="requirement_name", read_only=True)
    file_name = serializers.CharField(source="file.original_name", read_only=True)
    size = serializers.IntegerField(source="file.size", read_only=True)
    content_type = serializers.CharField(source="file.content_type", read_only=True)

    class Meta:
        model = DossierDocument
        fields = ["id", "requirement_code", "name", "file_name", "size", "content_type", "created_at"]


class PartnerDossierDocument(ClientApiMixin, APIView):
    """Add a document to a dossier being handled (received, processing, waiting for a supplement or a
    payment). It joins the officers' working papers, not the applicant's documents."""

    permission_classes = [scoped(ApiScope.DOSSIERS_WRITE)]
    parser_classes = [MultiPartParser, FormParser]
    log_object_kwarg = "dossier_id"

    @extend_schema(operation_id="partner_dossiers_documents_create",
                   request={"multipart/form-data": DocumentInSerializer},
                   responses={201: DocumentOutSerializer, 409: CONFLICT})  # fmt: skip
    def post(self, request, dossier_id):
        dossier = _dossier(request, dossier_id)
        incoming = DocumentInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        document = _write(
            lambda: workflow.dossier_document_add(
                dossier=dossier,
                actor=request.user,
                uploaded=data["file"],
                requirement_code=data.get("requirement_code", ""),
                name=data.get("name", ""),
                note=data.get("note", ""),
            )
        )
        return Response(DocumentOutSerializer(document).data, status=status.HTTP_201_CREATED)


class InteragencyResultInSerializer(serializers.Serializer):
    agency_code = serializers.CharField(max_length=40, help_text="The answering agency (mã định danh)")
    outcome = serializers.ChoiceField(
        choices=workflow.INTERAGENCY_OUTCOMES, help_text="agreed, refused, issued (a decision or notice), information"
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="Số văn bản")
    issued_at = serializers.DateTimeField(required=False, help_text="When the agency issued it")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text="Internal note")
    file = serializers.FileField(required=False, help_text="The signed answer, if any")


class PartnerDossierInteragencyResult(ClientApiMixin, APIView):
    """Record the answer of the other agency of an inter-agency procedure (liên thông) on a dossier
    being processed; the officer holding the step reads it in the dossier's history."""

    permission_classes = [scoped(ApiScope.DOSSIERS_WRITE)]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    log_object_kwarg = "dossier_id"

    @extend_schema(operation_id="partner_dossiers_interagency_results_create",
                   request={"application/json": InteragencyResultInSerializer,
                            "multipart/form-data": InteragencyResultInSerializer},
                   responses={201: EventOutSerializer, 409: CONFLICT})  # fmt: skip
    def post(self, request, dossier_id):
        dossier = _dossier(request, dossier_id)
        incoming = InteragencyResultInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        event = _write(
            lambda: workflow.dossier_interagency_result_record(
                dossier=dossier,
                actor=request.user,
                agency_code=data["agency_code"],
                outcome=data["outcome"],
                reference=data.get("reference", ""),
                issued_at=data.get("issued_at"),
                note=data.get("note", ""),
                uploaded=data.get("file"),
            )
        )
        return Response(EventOutSerializer(event).data, status=status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------- the catalogue


class _CatalogueForPartners(ClientApiMixin):
    """The public catalogue, also for partners' tokens (scope catalogue:read; logged, throttled).
    Without a token it answers everyone, as before; with the site's session too."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [public_or_scoped(ApiScope.CATALOGUE_READ)]
    log_object_kwarg = "code"


class CatalogueProcedureViewSet(_CatalogueForPartners, ProcedureViewSet):
    __doc__ = ProcedureViewSet.__doc__


class CatalogueSectorViewSet(_CatalogueForPartners, SectorViewSet):
    __doc__ = SectorViewSet.__doc__


class CatalogueAgencyViewSet(_CatalogueForPartners, AgencyViewSet):
    __doc__ = AgencyViewSet.__doc__
