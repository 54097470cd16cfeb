"""/api/v1/payments/ — partners' systems (scope payments:read) read the payments of their agencies'
dossiers: the amounts, what they pay for, the status and the gateway's references; not the payer's
account (least access, Decree 13/2023/NĐ-CP art. 3). Token clients only (onestop.integration)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers

from onestop.access import dossiers_for_client
from onestop.integration.auth import ClientApiMixin, scoped
from onestop.integration.pagination import UpdatedCursor
from onestop.integration.params import UpdatedSinceMixin, updated_since_parameter
from onestop.models import ApiScope

from .models import Payment, PaymentStatus


class PartnerPaymentSerializer(serializers.ModelSerializer):
    dossier = serializers.UUIDField(source="dossier.public_id", read_only=True, help_text="The dossier's id")
    dossier_code = serializers.CharField(source="dossier.code", read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "txn_ref", "dossier", "dossier_code", "attempt", "amount", "items", "status", "method", "provider",
            "gateway_txn_no", "bank_code", "reference", "needs_refund", "created_at", "paid_at", "refunded_at",
            "refund_reference", "updated_at",
        ]  # fmt: skip


class PartnerPaymentList(UpdatedSinceMixin, ClientApiMixin, generics.ListAPIView):
    """Payments of the client's agencies' dossiers, oldest change first; cursor pagination."""

    permission_classes = [scoped(ApiScope.PAYMENTS_READ)]
    serializer_class = PartnerPaymentSerializer
    pagination_class = UpdatedCursor
    queryset = Payment.objects.none()

    @extend_schema(
        operation_id="partner_payments_list",
        parameters=[
            OpenApiParameter("status", str, enum=PaymentStatus.values, description="Only payments in this status"),
            updated_since_parameter("payments"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Payment]:
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        queryset = Payment.objects.filter(dossier__in=dossiers_for_client(client=self.request.auth)).select_related(
            "dossier"
        )
        status_ = self.request.query_params.get("status")
        if status_:
            if status_ not in PaymentStatus.values:
                raise exceptions.ValidationError({"status": f"One of {', '.join(PaymentStatus.values)}."})
            queryset = queryset.filter(status=status_)
        return self.filter_updated_since(queryset)
