"""The operator API (/api/v1/shipments/): the post's own systems, as token clients with scopes.

`Authorization: Bearer <token>`; a PostalApiClient (created by an agency admin in /admin/, the
token shown once and kept as its SHA-256) with `shipments:read` and/or `shipments:write`. Only
these endpoints accept the tokens: the rest of the site's API uses sessions. A client sees the
shipments of its own agency; another agency's answers 404, like a missing one.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import PostalApiClient, PostalScope, Shipment, ShipmentEvent, ShipmentState
from ..workflow import TransitionError
from . import services

TOKEN_PREFIX = "pst_"  # noqa: S105 (not a secret: the mark of a postal client token)
S = ShipmentState


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ClientPrincipal:
    """request.user for an operator's client: authenticated, no site account, no staff roles."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = is_superuser = False
    pk = id = None

    def __init__(self, client: PostalApiClient) -> None:
        self.client = client

    def __str__(self) -> str:
        return f"postal client {self.client.name}"


class PostalTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        client = (
            PostalApiClient.objects.select_related("agency")
            .filter(token_hash=token_hash(token), active=True, agency__active=True)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            PostalApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return ClientPrincipal(client), client

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="shipments"'


class PostalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "onestop.postal.api.PostalTokenAuthentication"
    name = "postalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A postal API client's token (pst_…)."}


def _scoped(scope: str) -> type[BasePermission]:
    class HasScope(BasePermission):
        message = f"This client lacks the scope {scope}."

        def has_permission(self, request, view) -> bool:
            client = request.auth
            if not isinstance(client, PostalApiClient):
                return False
            return client.has_scope(scope)

    HasScope.__name__ = f"HasScope_{scope.replace(':', '_')}"
    return HasScope


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


class ShipmentCursor(CursorPagination):
    ordering = ("updated_at", "id")
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"


class ShipmentList(generics.ListAPIView):
    """The agency's shipments, oldest change first; `since` (ISO 8601) and `state` filter them."""

    authentication_classes = [PostalTokenAuthentication]
    permission_classes = [_scoped(PostalScope.READ)]
    serializer_class = ShipmentSerializer
    pagination_class = ShipmentCursor
    queryset = Shipment.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=S.values, description="Only shipments in this state"),
            OpenApiParameter("since", str, description="Only shipments changed at or after this time (ISO 8601)"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shipment.objects.none()
        queryset = Shipment.objects.filter(agency_id=self.request.auth.agency_id).select_related("dossier")
        state = self.request.query_params.get("state")
        if state:
            if state not in S.values:
                raise exceptions.ValidationError({"state": f"One of {', '.join(S.values)}."})
            queryset = queryset.filter(state=state)
        since = self.request.query_params.get("since")
        if since:
            from django.utils.dateparse import parse_datetime

            moment = parse_datetime(since.replace(" ", "+"))
            if moment is None:
                raise exceptions.ValidationError({"since": "An ISO 8601 date and time."})
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            queryset = queryset.filter(Q(updated_at__gte=moment))
        return queryset


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


class ShipmentEventCreate(APIView):
    """Report a milestone (handed over, out for delivery, delivered, failed, returned to the agency).

    A repeated `event_id` is accepted once: the repeat answers 200 with the same event.
    """

    authentication_classes = [PostalTokenAuthentication]
    permission_classes = [_scoped(PostalScope.WRITE)]

    @extend_schema(
        request=EventInSerializer,
        responses={
            201: ShipmentEventSerializer,
            200: ShipmentEventSerializer,
            409: inline_serializer("ShipmentEventConflict", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request, item_number: str):
        client: PostalApiClient = request.auth
        shipment = Shipment.objects.filter(agency_id=client.agency_id, item_number=item_number.upper()).first()
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
