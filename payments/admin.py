from django.contrib import admin

from .models import IpnLog, Payment, Receipt


class ReadOnly(admin.ModelAdmin):
    """Money records are written by the services only; superusers read them here (agency staff use
    the reconciliation page, scoped to their agencies)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["txn_ref", "amount", "status", "method", "provider", "created_at", "paid_at", "needs_refund"]
    list_filter = ["status", "method", "provider", "needs_refund"]
    search_fields = ["txn_ref", "gateway_txn_no", "dossier__code"]
    raw_id_fields = ["dossier"]


@admin.register(IpnLog)
class IpnLogAdmin(ReadOnly):
    list_display = ["at", "txn_ref", "verdict", "rsp_code", "remote_addr"]
    list_filter = ["verdict", "rsp_code"]
    search_fields = ["txn_ref"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly):
    list_display = ["number", "payer_name", "issued_at"]
    search_fields = ["number"]
