from django.contrib import admin

from procedures.models import Agency

from .admin_scoping import AgencyScopedAdminMixin
from .models import StaffRole


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("parent",)
    agency_field = "pk"
    inlines = [StaffRoleInline]


@admin.register(StaffRole)
class StaffRoleAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "agency", "role", "active", "created_at")
    list_filter = ("role", "active")
    search_fields = ("user__email", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")
