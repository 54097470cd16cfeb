"""Public catalogue pages (no login): list with search and filters, procedure, agency, sector."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from .filters import ProcedureFilter
from .models import Agency, DocumentRequirement, Procedure, ProcedureStatus, Sector
from .selectors import procedure_public_detail, procedures_public
from .validators import TEMPLATE_MIME, template_filename

PAGE_SIZE = 20


def _select_options(procedure_filter: ProcedureFilter, hidden: set[str]) -> list[dict]:
    """The filter selects as plain data: rendering Django's Select widget option by option through
    the template engine was 40% of the page's time (bench/catalogue_search.py)."""
    form = procedure_filter.form
    selects = []
    for name in ("sector", "agency", "online_level", "applicant"):
        if name in hidden:
            continue
        field = form.fields[name]
        current = str(form[name].value() or "")
        if hasattr(field, "queryset"):
            options = list(field.queryset.values_list("code", "name"))
        else:
            options = [(str(value), label) for value, label in field.choices if value != ""]
        selects.append(
            {
                "name": name,
                "id": f"id_{name}",
                "label": field.label,
                "empty": field.empty_label,
                "options": [(value, label, value == current) for value, label in options],
                # The <option>s as one escaped string (issue #17: node by node they cost ≈ 1 ms).
                "options_html": format_html(
                    '<option value="">{}</option>{}',
                    field.empty_label,
                    format_html_join(
                        "",
                        '<option value="{}"{}>{}</option>',
                        ((value, " selected" if value == current else "", label) for value, label in options),
                    ),
                ),
            }
        )
    return selects


# What a row of the list shows, as plain values: a procedure carries its whole published text, and
# model instances with `{% url %}` three times a row were most of the page (issue #17).
ROW_VALUES = ("code", "name", "online_level", "sector__code", "sector__name", "receiving_agency__code",
              "receiving_agency__name")  # fmt: skip
_ANY_CODE = "any-code"


def _rows(procedures) -> list[dict]:
    links = {name: reverse(f"procedures:{name}", args=[_ANY_CODE]) for name in ("detail", "sector", "agency")}
    levels = dict(Procedure._meta.get_field("online_level").choices)
    return [
        {
            "code": p["code"],
            "name": p["name"],
            "url": links["detail"].replace(_ANY_CODE, p["code"]),
            "sector": p["sector__name"],
            "sector_url": links["sector"].replace(_ANY_CODE, p["sector__code"] or ""),
            "agency": p["receiving_agency__name"],
            "agency_url": links["agency"].replace(_ANY_CODE, p["receiving_agency__code"] or ""),
            "level": p["online_level"],
            "level_label": levels.get(p["online_level"], p["online_level"]),
        }
        for p in procedures
    ]


def _list_page(request: HttpRequest, *, title: str = "", preset: dict | None = None, extra: dict | None = None):
    data = request.GET.copy()
    for key, value in (preset or {}).items():
        data[key] = value
    procedure_filter = ProcedureFilter(data, queryset=procedures_public(with_channels=False))
    rows = procedure_filter.qs.order_by("search_text").values(*ROW_VALUES)
    paginator = Paginator(rows, PAGE_SIZE)
    # Counted without the sector and agency joins that the rows' values bring into the count.
    paginator.__dict__["count"] = procedure_filter.qs.order_by().count()
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/list.html",
        {
            "filter": procedure_filter,
            "selects": _select_options(procedure_filter, hidden=set(preset or {})),
            "page": page,
            "rows": _rows(page.object_list),
            "title": title,
            "querystring": query.urlencode(),
            "preset": preset or {},
            **(extra or {}),
        },
    )


def procedure_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), code=code, active=True)
    return _list_page(request, title=agency.name, preset={"agency": agency.code}, extra={"agency": agency})


def sector_detail(request: HttpRequest, code: str) -> HttpResponse:
    sector = get_object_or_404(Sector, code=code)
    return _list_page(request, title=sector.name, preset={"sector": sector.code}, extra={"sector": sector})


def _apply_url(procedure: Procedure) -> str | None:
    """The online submission wizard's address, once that part of the portal exists."""
    try:
        return reverse("portal:apply", args=[procedure.code])
    except NoReverseMatch:
        return None


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_public_detail(code=code)
    except Procedure.DoesNotExist:
        raise Http404 from None
    channels = list(procedure.channels.all())
    fees = list(procedure.fees.all())
    by_channel = [(channel, [fee for fee in fees if fee.channel == channel.channel]) for channel in channels]
    online = any(channel.channel == 2 for channel in channels)
    process = getattr(procedure, "process", None)
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "channels": by_channel,
            "documents": procedure.documents.all(),
            "process_steps": process.steps.all() if process else [],
            "apply_url": _apply_url(procedure) if online else None,
            "online": online,
        },
    )


def document_template(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A published procedure's form template (the files live in private storage)."""
    document = get_object_or_404(
        DocumentRequirement.objects.select_related("procedure"),
        pk=document_id,
        procedure__code=code,
        procedure__status=ProcedureStatus.PUBLISHED,
    )
    if not document.template_file:
        raise Http404
    kind = document.template_file.name.rsplit(".", 1)[-1].lower()
    if kind not in TEMPLATE_MIME:  # only what the catalogue accepts is ever served
        raise Http404
    # The name comes from the template's title, in ASCII (no quote, slash or line break can reach the
    # header); the type from the checked kind, never guessed from a name.
    response = FileResponse(
        document.template_file.open("rb"),
        as_attachment=True,
        filename=template_filename(document.template_name or document.name, kind),
        content_type=TEMPLATE_MIME[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
