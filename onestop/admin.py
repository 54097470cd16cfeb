from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency

from .admin_scoping import AgencyScopedAdminMixin
from .esign import admin as esign_admin  # noqa: F401 — registers its admin
from .integration import admin as integration_admin  # noqa: F401 — registers its admins
from .models import WEEKDAY_FIELDS, AgencyWorkingHours, CalendarOverride, DeadlineCrossing, DossierAccessLog, StaffRole
from .national import admin as national_admin  # noqa: F401 — registers its admin
from .notifications import admin as notifications_admin  # noqa: F401 — registers its admins
from .postal import admin as postal_admin  # noqa: F401 — registers its admins
from .selectors import agencies_administered_by
from .workcalendar import parse_periods
from .workcalendar.explanation import format_week, weekday_vi


def assignable_staff(*, admin_user):
    """The accounts an agency admin may give roles to: staff already holding a role in one of their
    agencies — never a citizen's account, never a superuser (Decree 13/2023 least access). A new
    officer's account and first role are created by a superuser."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    scope = agencies_administered_by(user=admin_user)
    if scope is None:
        return users
    return users.filter(staff_roles__agency_id__in=scope, is_superuser=False).distinct()


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = assignable_staff(admin_user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = assignable_staff(admin_user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# ------------------------------------------------------------------------------ working calendar


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(date__year=int(value)) if value and value.isdigit() else queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    # Province-wide data (the Prime Minister's swaps): managed with the model permissions, by
    # superusers unless a group is given them; agency admins do not get them by default.
    list_display = ("date", "weekday", "kind", "basis", "created_by", "created_at")
    list_filter = ("kind", YearListFilter)
    search_fields = ("basis",)
    ordering = ("-date",)
    readonly_fields = ("created_by", "created_at")
    fields = ("date", "kind", "basis", "created_by", "created_at")
    list_select_related = ("created_by",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarOverride) -> str:
        return weekday_vi(obj.date)

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AgencyWorkingHours)
class AgencyWorkingHoursAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("agency", "week", "hours_per_day", "updated_at")
    search_fields = ("agency__name", "agency__code")
    autocomplete_fields = ("agency",)
    list_select_related = ("agency",)
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("agency",)}),
        (_("Weekly schedule"), {"fields": WEEKDAY_FIELDS}),
        (_("Working day"), {"fields": ("hours_per_day", "makeup_periods")}),
        (None, {"fields": ("basis", "updated_at")}),
    )

    @admin.display(description=_("working periods"))
    def week(self, obj: AgencyWorkingHours) -> str:
        try:
            return format_week([parse_periods(getattr(obj, name)) for name in WEEKDAY_FIELDS])
        except ValueError:
            return "?"


@admin.register(DeadlineCrossing)
class DeadlineCrossingAdmin(admin.ModelAdmin):
    """Read-only: crossings are recorded by the deadline sweep (onestop/deadlines)."""

    list_display = ("dossier", "kind", "deadline", "created_at", "notified_at")
    list_filter = ("kind",)
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# ------------------------------------------------------------------------- staff access log


@admin.register(DossierAccessLog)
class DossierAccessLogAdmin(admin.ModelAdmin):
    """Who read which citizen's dossier (Decree 13/2023/NĐ-CP). Read-only: written by onestop.access.
    Agency admins see the reads of their agencies' dossiers (received there, or at a unit there)."""

    list_display = ("at", "user", "kind", "dossier", "document", "detail")
    list_filter = ("kind", "at")
    search_fields = ("user__email", "user__full_name", "dossier__code")
    list_select_related = ("user", "dossier", "document")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        from django.db.models import Q

        qs = super().get_queryset(request)
        scope = agencies_administered_by(user=request.user)
        if scope is None:
            return qs
        return qs.filter(Q(dossier__agency_id__in=scope) | Q(dossier__step_agency_id__in=scope))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
