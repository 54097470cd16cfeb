"""Catalogue admin. The Agency admin is registered in onestop/admin.py: it is scoped by staff
roles, which live in onestop, and procedures never imports onestop (DESIGN §4)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .interchange import procedure_to_record
from .models import (
    DocumentRequirement,
    FeeItem,
    FormField,
    Procedure,
    ProcedureChannel,
    ProcessDefinition,
    ProcessStep,
    Sector,
)
from .selectors import procedures_for_export
from .services import (
    ImportReport,
    admin_agency_scope,
    procedure_save,
    procedures_import,
    process_validate_durations,
)
from .spreadsheet import XLSX_CONTENT_TYPE, SpreadsheetError, read_workbook, records_to_workbook

MAX_XLSX_UPLOAD_BYTES = 10 * 1024 * 1024
# libmagic names a workbook by its first zip member: Excel's files sniff as OOXML, some others as zip.
_XLSX_SNIFFED = {XLSX_CONTENT_TYPE, "application/zip"}


class ScopedByAgency:
    """Decree 13/2023 least access: an agency admin sees, and may choose, only what their agencies hold.

    `agency_lookup` leads from this admin's model to the agency id that scopes it ("" = not scoped);
    `scoped_foreign_keys` maps a foreign key to the lookup from its related model to an agency id.
    """

    agency_lookup = ""
    scoped_foreign_keys: dict[str, str] = {}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        scope = admin_agency_scope(user=request.user) if self.agency_lookup else None
        return qs if scope is None else qs.filter(**{f"{self.agency_lookup}__in": scope})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        lookup = self.scoped_foreign_keys.get(db_field.name)
        scope = admin_agency_scope(user=request.user) if lookup else None
        if scope is not None:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(**{f"{lookup}__in": scope})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class XlsxImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_("An Excel workbook of at most 10 MB, in the layout of the exported file."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_XLSX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."), code="extension")
        import magic  # STYLE 7: sniff the content, not only the name

        head = upload.read(8192)
        upload.seek(0)
        if magic.from_buffer(head, mime=True) not in _XLSX_SNIFFED:
            raise forms.ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="not_xlsx")
        return upload


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ChannelInline(admin.TabularInline):
    model = ProcedureChannel
    extra = 0


class FeeInline(admin.TabularInline):
    model = FeeItem
    extra = 0


class DocumentInline(admin.StackedInline):
    model = DocumentRequirement
    extra = 0


class FormFieldInline(admin.TabularInline):
    model = FormField
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(ScopedByAgency, admin.ModelAdmin):
    list_display = ("code", "name", "sector", "receiving_agency", "online_level", "status", "updated_at")
    list_filter = ("status", "online_level", "sector")
    search_fields = ("code", "local_code", "name")
    list_select_related = ("sector", "receiving_agency")
    autocomplete_fields = ("sector", "receiving_agency", "implementing_agencies")
    inlines = [ChannelInline, FeeInline, DocumentInline, FormFieldInline]
    readonly_fields = ("created_at", "updated_at")
    actions = ["export_xlsx"]
    # An agency admin sees the procedures their agencies receive, and may name only those as receiving.
    agency_lookup = "receiving_agency_id"
    scoped_foreign_keys = {"receiving_agency": "pk"}

    def save_model(self, request, obj, form, change):
        procedure_save(procedure=obj)

    # --- spreadsheet import / export (issue: agency admins import and export XLSX) -------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import-xlsx/", self.admin_site.admin_view(self.import_xlsx_view), name=f"{info}_import_xlsx"),
            path("export-xlsx/", self.admin_site.admin_view(self.export_xlsx_view), name=f"{info}_export_xlsx"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Export XLSX"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse | None:
        return self._xlsx_response(request, codes=list(queryset.values_list("code", flat=True)))

    def export_xlsx_view(self, request: HttpRequest) -> HttpResponse:
        """Every procedure this admin may see, as one workbook."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        scoped = admin_agency_scope(user=request.user) is not None
        codes = list(self.get_queryset(request).values_list("code", flat=True)) if scoped else None
        changelist = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return self._xlsx_response(request, codes=codes) or HttpResponseRedirect(changelist)

    def _xlsx_response(self, request: HttpRequest, *, codes: list[str] | None) -> HttpResponse | None:
        records = [procedure_to_record(p) for p in procedures_for_export(codes=codes)]
        try:
            data = records_to_workbook(records)
        except SpreadsheetError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        filename = f"danh-muc-thu-tuc-{timezone.localdate():%Y%m%d}.xlsx"
        return HttpResponse(
            data,
            content_type=XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": content_disposition_header(True, filename)},
        )

    def import_xlsx_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = XlsxImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_workbook(upload)
            except SpreadsheetError as exc:
                form.add_error("file", ValidationError(str(exc), code="unreadable"))
            else:
                report = procedures_import(
                    records=[record for _, record in rows],
                    scope=admin_agency_scope(user=request.user),
                    allow_updates=self.has_change_permission(request),
                )
                for line in report.lines:  # the report names rows of the ThuTuc sheet
                    line.position = rows[line.position - 1][0]
                self._log_import(request, report, filename=upload.name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import procedures from a spreadsheet"),
            "form": form,
            "report": report,
            "counts": {outcome: report.count(outcome) for outcome in ("created", "updated", "rejected")}
            if report
            else None,
        }
        return TemplateResponse(request, "admin/procedures/procedure/import_xlsx.html", context)

    def _log_import(self, request: HttpRequest, report: ImportReport, *, filename: str) -> None:
        """Every procedure written by an import leaves an admin history entry (STYLE 6)."""
        written = {line.code: line.outcome for line in report.lines if line.outcome != "rejected"}
        message = gettext("Imported from the spreadsheet %(name)s.") % {"name": filename}
        for procedure in Procedure.objects.filter(code__in=written):
            if written[procedure.code] == "created":
                self.log_addition(request, procedure, message)
            else:
                self.log_change(request, procedure, message)


class ProcessStepFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        steps = [
            f.instance
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.instance.duration_hours is not None
        ]
        try:
            process_validate_durations(steps=steps, channels=self.instance.procedure.channels.all())
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        except Procedure.DoesNotExist:
            pass


class ProcessStepInline(ScopedByAgency, admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0
    autocomplete_fields = ("agency",)
    scoped_foreign_keys = {"agency": "pk"}


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ScopedByAgency, admin.ModelAdmin):
    list_display = ("procedure", "name")
    search_fields = ("procedure__code", "procedure__name", "name")
    autocomplete_fields = ("procedure",)
    list_select_related = ("procedure",)
    inlines = [ProcessStepInline]
    fieldsets = ((None, {"fields": ("procedure", "name")}),)
    verbose_name = _("process definition")
    # An agency admin manages the processes of the procedures their agencies receive.
    agency_lookup = "procedure__receiving_agency_id"
    scoped_foreign_keys = {"procedure": "receiving_agency_id"}
