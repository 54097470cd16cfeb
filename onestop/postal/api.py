"""The operator API (/api/v1/shipments/): the post's own systems, as API clients with scopes.

`Authorization: Bearer <token>` of an ApiClient (onestop.integration: created by an agency admin in
/admin/, the token shown once and kept as its SHA-256) with `shipments:read` and/or
`shipments:write`. A client sees the shipments of its agencies; another agency's answers 404, like
a missing one. Calls are logged and throttled per client like the rest of the partner API.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import client_agency_ids
from ..integration.auth import ClientApiMixin, scoped
from ..integration.pagination import UpdatedCursor
from ..integration.params import UpdatedSinceMixin, updated_since_parameter
from ..models import ApiClient, ApiScope, Shipment, ShipmentEvent, ShipmentState
from ..workflow import TransitionError
from . import services

S = ShipmentState


class ShipmentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentEvent
        fields = ["state", "at", "note", "operator_event_id"]


class ShipmentSerializer(serializers.ModelSerializer):
    dossier_code = serializers.CharField(source="dossier.code", read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "item_number", "dossier_code", "state", "attempts", "sender_name", "sender_address", "sender_phone",
            "recipient_name", "recipient_phone", "recipient_address", "contents", "cod_amount", "weight_grams",
            "created_at", "updated_at", "handed_over_at", "delivered_at", "returned_at",
        ]  # fmt: skip


class ShipmentList(UpdatedSinceMixin, ClientApiMixin, generics.ListAPIView):
    """The agency's shipments, oldest change first; `since` (ISO 8601) and `state` filter them."""

    permission_classes = [scoped(ApiScope.SHIPMENTS_READ)]
    serializer_class = ShipmentSerializer
    pagination_class = UpdatedCursor
    queryset = Shipment.objects.none()
    since_param = "since"

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=S.values, description="Only shipments in this state"),
            updated_since_parameter("shipments", name=since_param),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shipment.objects.none()
        agencies = sorted(client_agency_ids(self.request.auth))
        queryset = Shipment.objects.filter(agency_id__in=agencies).select_related("dossier")
        state = self.request.query_params.get("state")
        if state:
            if state not in S.values:
                raise exceptions.ValidationError({"state": f"One of {', '.join(S.values)}."})
            queryset = queryset.filter(state=state)
        return self.filter_updated_since(queryset)


OPERATOR_STATES = [S.HANDED_OVER, S.OUT_FOR_DELIVERY, S.DELIVERED, S.FAILED, S.RETURNED_TO_AGENCY]


class EventInSerializer(serializers.Serializer):
    event_id = serializers.CharField(max_length=100, help_text="The operator's own id of this event (idempotency)")
    # The whole set of states (one enum in the schema); the operator may report these five.
    state = serializers.ChoiceField(choices=S.choices, help_text="handed_over, out_for_delivery, delivered, failed "
                                    "or returned_to_agency")  # fmt: skip
    at = serializers.DateTimeField(required=False, help_text="When it happened (default: now)")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="A failure's reason")
    received_by = serializers.CharField(max_length=150, required=False, allow_blank=True)
    relation = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def validate_state(self, value: str) -> str:
        if value not in OPERATOR_STATES:
            raise serializers.ValidationError(f"One of {', '.join(OPERATOR_STATES)}.")
        return value


class ShipmentEventCreate(ClientApiMixin, APIView):
    """Report a milestone (handed over, out for delivery, delivered, failed, returned to the agency).

    A repeated `event_id` is accepted once: the repeat answers 200 with the same event.
    """

    permission_classes = [scoped(ApiScope.SHIPMENTS_WRITE)]
    log_object_kwarg = "item_number"

    @extend_schema(
        request=EventInSerializer,
        responses={
            201: ShipmentEventSerializer,
            200: ShipmentEventSerializer,
            409: inline_serializer("ShipmentEventConflict", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request, item_number: str):
        client: ApiClient = request.auth
        shipment = Shipment.objects.filter(
            agency_id__in=sorted(client_agency_ids(client)), item_number=item_number.upper()
        ).first()
        if shipment is None:
            raise exceptions.NotFound()
        incoming = EventInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            recorded = services.shipment_record(
                shipment=shipment,
                state=data["state"],
                client=client,
                at=data.get("at"),
                note=data.get("note", ""),
                operator_event_id=data["event_id"],
                delivered_to=data.get("received_by", ""),
                relation=data.get("relation", ""),
            )
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        except TransitionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(
            ShipmentEventSerializer(recorded.event).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )
