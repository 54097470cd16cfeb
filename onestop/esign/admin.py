"""Signed results in /admin/: read-only but for revocation (a reason, and the time it is recorded).

Registered by `from .esign import admin as esign_admin` in onestop/admin.py; an agency admin sees
only the results their agencies signed. /xac-thuc/ shows a revoked result as revoked, with the reason.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from ..admin_scoping import AgencyScopedAdminMixin
from ..models import SignedResult


@admin.register(SignedResult)
class SignedResultAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_field = "agency_id"
    list_display = ("code", "document", "agency", "signer", "signed_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("=code", "document__dossier__code", "sha256")
    list_select_related = ("document", "agency", "signer")
    ordering = ("-signed_at",)
    fields = ("code", "document", "agency", "certificate_agency_code", "signer", "signed_at", "sha256",
              "revoke_reason", "revoked_at")  # fmt: skip
    readonly_fields = ("code", "document", "agency", "certificate_agency_code", "signer", "signed_at", "sha256",
                       "revoked_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj: SignedResult, form, change) -> None:
        # A reason given revokes the result from now on; it cannot be un-revoked by clearing it.
        if obj.revoke_reason.strip() and obj.revoked_at is None:
            obj.revoked_at = timezone.now()
        elif obj.revoked_at is not None and not obj.revoke_reason.strip():
            obj.revoke_reason = form.initial.get("revoke_reason", "")
        super().save_model(request, obj, form, change)
