from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from onestop.selectors import agencies_administered_by

from .models import User

admin.site.site_header = _("Public Service Portal — administration")
admin.site.site_title = _("Administration")
admin.site.index_title = _("Catalogue, agencies and staff")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "phone", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name", "cccd", "phone")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal information"), {"fields": ("full_name", "cccd", "date_of_birth", "phone", "address")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    def get_queryset(self, request):
        # Decree 13/2023 least access: an agency admin sees only the staff of their agencies.
        qs = super().get_queryset(request)
        scope = agencies_administered_by(user=request.user)
        return qs if scope is None else qs.filter(staff_roles__agency__in=scope).distinct()
