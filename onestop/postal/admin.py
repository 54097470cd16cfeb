"""/admin/: the agencies' postage rules (an agency admin sets their own agencies'), and a read-only view of
shipments. Registered from onestop/admin.py. The post's systems are API clients
(onestop/integration/admin.py) with the shipments scopes."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..admin_scoping import AgencyScopedAdminMixin
from ..models import PostageMode, PostageRule, Shipment, ShipmentEvent


class PostageRuleForm(forms.ModelForm):
    class Meta:
        model = PostageRule
        fields = ["agency", "mode", "flat_amount", "same_ward_amount", "same_province_amount", "elsewhere_amount"]

    def clean(self):
        data = super().clean()
        if data.get("mode") == PostageMode.ZONE and not (data.get("agency") and (
            data["agency"].province_code or data["agency"].ward_code
        )):  # fmt: skip
            self.add_error(
                "mode",
                _("Zones compare the recipient's ward and province with the agency's: give the agency its codes."),
            )
        return data


@admin.register(PostageRule)
class PostageRuleAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    """Scoped like the other agency-admin models: an agency admin sees and sets the rules of their
    agencies and the agencies below them; a child without a rule uses its nearest ancestor's."""

    form = PostageRuleForm
    list_display = ["agency", "mode", "flat_amount", "same_ward_amount", "same_province_amount",
                    "elsewhere_amount", "updated_at"]  # fmt: skip
    list_filter = ["mode"]
    list_select_related = ["agency"]
    search_fields = ["agency__name", "agency__code"]


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    can_delete = False
    fields = ["state", "at", "actor", "client", "operator_event_id", "note"]
    readonly_fields = fields


@admin.register(Shipment)
class ShipmentAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ["item_number", "agency", "state", "attempts", "created_at"]
    list_filter = ["state"]
    search_fields = ["item_number"]
    inlines = [ShipmentEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
