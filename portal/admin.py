from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from onestop.selectors import agencies_administered_by

from .models import User


def admin_login(request, extra_context=None):
    """The admin has no password form of its own: its door is the one login of the site (allauth's,
    with its rate limits and two-factor authentication); staff without TOTP are sent to enrol it by
    onestop.middleware.StaffMFAMiddleware."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied
    return redirect_to_login(target, login_url=reverse("account_login"))


admin.site.login = admin_login

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
        # Decree 13/2023 least access: an agency admin sees only the staff of their agencies, never
        # citizens, and never a superuser.
        qs = super().get_queryset(request)
        scope = agencies_administered_by(user=request.user)
        if scope is None:
            return qs
        return qs.filter(staff_roles__agency__in=scope, is_superuser=False).distinct()

    def get_fieldsets(self, request, obj=None):
        """An agency admin sees a staff member's name and contacts, not their identity data."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return (
            (None, {"fields": ("email",)}),
            (_("Personal information"), {"fields": ("full_name", "phone")}),
            (_("Permissions"), {"fields": ("is_active",)}),
        )
