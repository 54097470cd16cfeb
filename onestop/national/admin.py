"""The national sync outbox in /admin/: read-only, with one action — replay what stopped.

Registered by `from .national import admin as national_admin` in onestop/admin.py. The records carry
personal data (the national shape includes the applicant's ID number): an agency admin sees only the
rows of their agencies' dossiers.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin_scoping import AgencyScopedAdminMixin
from ..models import NationalSyncRecord
from .selectors import national_sync_backlog
from .services import national_records_replay


@admin.register(NationalSyncRecord)
class NationalSyncRecordAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_field = "dossier__agency_id"
    list_display = ("pk", "created_at", "dossier", "service", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "service")
    search_fields = ("dossier__code", "=idempotency_key")
    list_select_related = ("dossier",)
    ordering = ("-pk",)
    actions = ["replay"]
    fields = (
        "dossier",
        "event",
        "service",
        "idempotency_key",
        "state",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "last_error",
        "created_at",
        "sent_at",
        "payload",
    )
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an outbox: rows are read and replayed, never edited

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("onestop.change_nationalsyncrecord")

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "backlog": national_sync_backlog()}
        figures = extra_context["backlog"]
        self.message_user(
            request,
            _("Waiting: %(pending)s (oldest %(age)s s); failing: %(failing)s; stopped: %(dead)s.")
            % {
                "pending": figures["pending"],
                "age": figures["oldest_pending_seconds"],
                "failing": figures["failing"],
                "dead": figures["dead"],
            },
            messages.WARNING if figures["dead"] else messages.INFO,
        )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Send the selected stopped records again"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[NationalSyncRecord]) -> None:
        count = national_records_replay(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d record queued again.", "%(count)d records queued again.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
