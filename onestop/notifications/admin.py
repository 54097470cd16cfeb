"""The delivery log in /admin/: read-only, with one action — retry what failed.

Registered by `from .notifications import admin as notifications_admin` in onestop/admin.py.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Notification, NotificationPreference
from .delivery import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "kind", "dossier", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient__email", "recipient__full_name", "dossier__code", "to")
    list_select_related = ("recipient", "dossier")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    actions = ["retry_failed"]
    fields = (
        "recipient",
        "channel",
        "to",
        "kind",
        "dossier",
        "event",
        "dedup_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "read_at",
        "subject",
        "body",
        "link",
    )
    readonly_fields = fields
    show_full_result_count = False  # the log grows; avoid a second COUNT(*) per page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a log: rows are read, never edited

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("onestop.change_notification")

    @admin.action(description=_("Retry the selected failed notifications"), permissions=["retry"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d notification queued again.", "%(count)d notifications queued again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "sms", "language", "updated_at")
    list_filter = ("email", "sms", "language")
    search_fields = ("user__email", "user__full_name")
    autocomplete_fields = ("user",)
