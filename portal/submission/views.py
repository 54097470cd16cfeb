"""The submission wizard and the citizen's dossier pages (thin: parse, call a service, render)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from onestop.access import document_for, dossier_for
from onestop.fees import dossier_dues
from onestop.models import Dossier, DossierDocument, DossierStatus
from onestop.submission import selectors
from onestop.workflow import (
    IncompleteDossier,
    TransitionError,
    dossier_draft_create,
    dossier_draft_delete,
    dossier_draft_update,
    dossier_problems,
    dossier_submit,
    dossier_supplement,
    dossier_withdraw,
    may_withdraw,
    procedure_accepts_online,
)
from onestop.workflow.citizen import WIZARD_STEPS
from onestop.workflow.fields import applicant_answers, application_form_class, display_value, to_json
from onestop.workflow.snapshot import form_field_definitions, procedure_snapshot
from procedures.models import Procedure, ProcedureStatus

from .forms import ApplicantForm, DeliveryForm, ReviewForm, WithdrawForm
from .labels import NEXT_STEP, citizen_events

STEP_TITLES = {
    "applicant": gettext_lazy("Applicant"),
    "form": gettext_lazy("Application form"),
    "documents": gettext_lazy("Documents"),
    "delivery": gettext_lazy("Receiving the result"),
    "review": gettext_lazy("Review and submit"),
}
START_TOKENS = "apply_start_tokens"


OWN_DOSSIER = Dossier.objects.select_related("procedure", "agency", "procedure__sector").prefetch_related(
    Prefetch("documents", queryset=DossierDocument.objects.select_related("file", "signature"))
)


def _own_dossier(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    """The caller's own dossier; 404 for anyone else's — the same answer as an unknown id. Read once
    per request (an upload view reads it before the body, to set the limits)."""
    cached = getattr(request, "_own_dossier", None)
    if cached is not None and str(cached.public_id) == str(public_id):
        return cached
    dossier = dossier_for(user=request.user, public_id=public_id, owner_only=True, record=None, queryset=OWN_DOSSIER)
    request._own_dossier = dossier
    return dossier


def _own_dossier_or_none(request: HttpRequest, public_id: uuid.UUID) -> Dossier | None:
    try:
        return _own_dossier(request, public_id)
    except Http404:
        return None


@login_required
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.select_related("receiving_agency", "sector").prefetch_related("channels"),
        code=code,
        status=ProcedureStatus.PUBLISHED,
    )
    if not procedure_accepts_online(procedure):
        messages.error(request, _("This procedure cannot be submitted online."))
        return redirect("procedures:detail", code=code)
    tokens = request.session.get(START_TOKENS, {})
    drafts = list(selectors.drafts_of(applicant=request.user, procedure=procedure))
    if request.method == "POST":
        token = request.POST.get("token", "")
        existing = tokens.get(token)
        if existing:  # a double click or a re-posted form: the same draft, never a second one
            return redirect("portal:wizard", public_id=existing, step="applicant")
        if drafts and "new" not in request.POST:  # a draft exists: resume it unless a new one is asked for
            messages.info(request, _("You already have a draft of this procedure: it is open below."))
            return redirect("portal:wizard", public_id=drafts[0].public_id, step=drafts[0].wizard_step)
        dossier = dossier_draft_create(procedure=procedure, applicant=request.user)
        tokens[token or uuid.uuid4().hex] = str(dossier.public_id)
        request.session[START_TOKENS] = dict(list(tokens.items())[-20:])
        return redirect("portal:wizard", public_id=dossier.public_id, step="applicant")
    return render(
        request,
        "portal/submission/start.html",
        {"procedure": procedure, "token": uuid.uuid4().hex, "drafts": drafts},
    )


def _steps_nav(dossier: Dossier, current: str) -> list[dict]:
    reached = WIZARD_STEPS.index(dossier.wizard_step)
    return [
        {"key": key, "title": STEP_TITLES[key], "current": key == current, "reachable": i <= reached}
        for i, key in enumerate(WIZARD_STEPS)
    ]


def _next(step: str) -> str:
    return WIZARD_STEPS[min(WIZARD_STEPS.index(step) + 1, len(WIZARD_STEPS) - 1)]


def _previous(step: str) -> str:
    return WIZARD_STEPS[max(WIZARD_STEPS.index(step) - 1, 0)]


@csrf_exempt
def wizard(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    """Upload limits must be installed before the CSRF check parses the body: exempt here, and
    protected by csrf_protect on the inner view (onestop/uploads/handlers.py)."""
    if request.method == "POST" and step == "documents" and request.user.is_authenticated:
        from .documents import install_upload_limits

        dossier = _own_dossier_or_none(request, public_id)
        if dossier is not None:
            install_upload_limits(request, dossier)
    return _wizard(request, public_id, step)


@csrf_protect
@login_required
def _wizard(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    if step not in WIZARD_STEPS:
        raise Http404
    dossier = _own_dossier(request, public_id)
    if dossier.status != DossierStatus.DRAFT:
        return redirect("portal:dossier", public_id=dossier.public_id)
    if WIZARD_STEPS.index(step) > WIZARD_STEPS.index(dossier.wizard_step):
        return redirect("portal:wizard", public_id=public_id, step=dossier.wizard_step)
    going_back = "back" in request.POST
    handler = {
        "applicant": _step_applicant,
        "form": _step_form,
        "documents": _step_documents,
        "delivery": _step_delivery,
        "review": _step_review,
    }[step]
    result = handler(request, dossier)
    if isinstance(result, HttpResponse):
        return result
    if result is True:  # saved: move on (or back)
        target = _previous(step) if going_back else _next(step)
        return redirect("portal:wizard", public_id=public_id, step=target)
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "step": step,
        "steps": _steps_nav(dossier, step),
        "step_title": STEP_TITLES[step],
        "previous_step": _previous(step) if step != WIZARD_STEPS[0] else None,
        **result,
    }
    return render(request, f"portal/submission/step_{step}.html", context)


def _step_applicant(request: HttpRequest, dossier: Dossier):
    form = ApplicantForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        dossier_draft_update(dossier=dossier, step="applicant", **{f: form.cleaned_data[f] for f in form.fields})
        return True
    return {"form": form}


def _step_form(request: HttpRequest, dossier: Dossier):
    definitions = form_field_definitions(dossier.procedure)
    # What step 1 already asked (name, ID number…) is not asked again: shown, and copied by the workflow.
    given = applicant_answers(definitions, dossier)
    known = [d for d in definitions if d["key"] in given]
    form_class = application_form_class(definitions, leave_out=set(given))
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = {**dossier.form_data, **to_json(form.cleaned_data)}
            dossier_draft_update(dossier=dossier, step="form", form_data=data)
            return True
        if "back" in request.POST:  # going back keeps what was typed, even if incomplete
            partial = {k: v for k, v in request.POST.items() if k in form.fields}
            dossier_draft_update(dossier=dossier, step="applicant", form_data={**dossier.form_data, **partial})
            return True
    else:
        form = form_class(initial=dossier.form_data)
    from_applicant = [(d["label"], given[d["key"]]) for d in known]
    return {"form": form, "from_applicant": from_applicant}


def _step_documents(request: HttpRequest, dossier: Dossier):
    from .documents import documents_step

    return documents_step(request, dossier)


def _step_delivery(request: HttpRequest, dossier: Dossier):
    allowed = list(dossier.procedure.delivery_methods)
    initial = {
        "delivery_method": dossier.delivery_method,
        "delivery_address": dossier.delivery_address,
        "delivery_phone": dossier.delivery_phone,
        "delivery_area": f"{dossier.delivery_province_code}:{dossier.delivery_ward_code}"
        if dossier.delivery_province_code
        else "",
    }
    form = DeliveryForm(request.POST or None, initial=initial, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        dossier_draft_update(dossier=dossier, step="delivery", **form.dossier_values())
        return True
    return {"form": form}


def _review_context(dossier: Dossier) -> dict:
    snapshot = procedure_snapshot(dossier.procedure)
    dues = dossier_dues(dossier, snapshot=snapshot)
    answers = [(d["label"], display_value(d, dossier.form_data.get(d["key"]))) for d in snapshot["form_fields"]]
    return {
        "dues": dues,
        "pay_at_submission": bool(snapshot.get("pay_at_submission")) and dues.total > 0,
        "answers": answers,
        "documents": dossier.documents.all(),
    }


def _step_review(request: HttpRequest, dossier: Dossier):
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and "back" not in request.POST and form.is_valid():
        try:
            dossier_submit(dossier=dossier, actor=request.user, declaration=True)
        except IncompleteDossier as exc:
            for problem in exc.problems:
                messages.error(request, problem)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("portal:submitted", public_id=dossier.public_id)
    elif request.method == "POST" and "back" in request.POST:
        return redirect("portal:wizard", public_id=dossier.public_id, step="delivery")
    # Listed on the page only (dossier_submit checks them itself, in its transaction).
    return {"form": form, "problems": dossier_problems(dossier), **_review_context(dossier)}


@login_required
def submitted(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own_dossier(request, public_id)
    if dossier.status == DossierStatus.DRAFT:
        return redirect("portal:wizard", public_id=public_id, step=dossier.wizard_step)
    return render(request, "portal/submission/submitted.html", {"dossier": dossier})


@login_required
def confirmation_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own_dossier(request, public_id)
    if dossier.status == DossierStatus.DRAFT:
        raise Http404
    from onestop.documents.confirmation import submission_confirmation_pdf

    response = HttpResponse(submission_confirmation_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="xac-nhan-{dossier.code}.pdf"'
    return response


@login_required
def draft_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Delete one of the caller's drafts, after a confirmation page (GET asks, POST deletes)."""
    dossier = _own_dossier(request, public_id)
    if dossier.status != DossierStatus.DRAFT:
        return redirect("portal:dossier", public_id=public_id)
    if request.method == "POST":
        try:
            dossier_draft_delete(dossier=dossier, actor=request.user)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("portal:my_dossiers")
        messages.success(request, _("The draft has been deleted. Its files stay in your data store."))
        return redirect("portal:my_dossiers")
    return render(request, "portal/submission/draft_delete.html", {"dossier": dossier, "procedure": dossier.procedure})


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The citizen's dossiers, newest first, a page at a time (an organisation files hundreds), each
    row as ready-made strings: model instances, `{% url %}` and date filters row by row were most of
    the page's time (docs/performance.md, issue #17)."""
    paginator = Paginator(selectors.dossier_rows_of_applicant(user=request.user), MY_DOSSIERS_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    links = {name: reverse(f"portal:{name}", args=args) for name, args in _ROW_LINKS.items()}
    rows = []
    for d in page.object_list:
        public_id = str(d["public_id"])
        rows.append(
            {
                "draft": d["status"] == DossierStatus.DRAFT,
                "code": d["code"],
                "url": links["dossier"].replace(_ANY_ID, public_id),
                "wizard_url": links["wizard"].replace(_ANY_ID, public_id).replace(_ANY_STEP, d["wizard_step"] or ""),
                "delete_url": links["draft_delete"].replace(_ANY_ID, public_id),
                "procedure": d["procedure__name"],
                "status": d["status"],
                "status_label": STATUS_LABELS.get(d["status"], d["status"]),
                "submitted": _local_minute(d["submitted_at"]),
                "due": _local_minute(d["due_at"]),
                "next_step": NEXT_STEP.get(d["status"], ""),
                # The evaluation form one click away (issue #12; the rule: the selector's `awaits_evaluation`).
                "evaluate_url": links["evaluate"].replace(_ANY_ID, public_id) if d["awaits_evaluation"] else "",
            }
        )
    return render(request, "portal/submission/my_dossiers.html", {"rows": rows, "page": page})


MY_DOSSIERS_PAGE = 50
STATUS_LABELS = dict(DossierStatus.choices)
# Each row's links, built once a page from a reversed template (the same URLs as {% url %}).
_ANY_ID = "00000000-0000-0000-0000-000000000000"
_ANY_STEP = "step-placeholder"
_ROW_LINKS = {"dossier": [_ANY_ID], "wizard": [_ANY_ID, _ANY_STEP], "draft_delete": [_ANY_ID], "evaluate": [_ANY_ID]}


def _local_minute(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


@login_required
def dossier_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own_dossier(request, public_id)
    if dossier.status == DossierStatus.DRAFT:
        return redirect("portal:wizard", public_id=public_id, step=dossier.wizard_step)
    snapshot = dossier.snapshot or {}
    dues = dossier_dues(dossier)
    events = citizen_events(dossier)
    answers = [(d["label"], display_value(d, dossier.form_data.get(d["key"]))) for d in snapshot.get("form_fields", [])]
    supplement = satisfaction = None
    if dossier.status == DossierStatus.RETURNED:
        from onestop.satisfaction.selectors import evaluation_state

        satisfaction = evaluation_state(dossier=dossier, user=request.user, as_owner=True)
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        supplement = selectors.latest_supplement_request(dossier=dossier)
    return render(
        request,
        "portal/submission/dossier.html",
        {
            "dossier": dossier,
            "events": events,
            "answers": answers,
            "dues": dues,
            "next_step": NEXT_STEP.get(dossier.status, ""),
            "can_withdraw": may_withdraw(dossier=dossier, user=request.user),
            "withdraw_form": WithdrawForm(),
            "supplement": supplement,
            "satisfaction": satisfaction,
            "snapshot_documents": snapshot.get("documents", []),
            **_shipment(dossier),
        },
    )


def _shipment(dossier) -> dict:
    """The item number and milestones of a result sent by post (onestop.postal)."""
    from onestop.postal.selectors import shipment_events_public

    shipment, events = shipment_events_public(dossier=dossier)
    return {"shipment": shipment, "shipment_events": events}


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own_dossier(request, public_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for withdrawing the dossier."))
        return redirect("portal:dossier", public_id=public_id)
    try:
        dossier_withdraw(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"])
    except (TransitionError, IncompleteDossier) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your dossier has been withdrawn."))
    return redirect(reverse("portal:dossier", kwargs={"public_id": public_id}))


@csrf_exempt
@require_POST
def supplement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Exempt here so that the upload limits come first; protected inside (see wizard)."""
    if request.user.is_authenticated:
        from .documents import install_upload_limits

        dossier = _own_dossier_or_none(request, public_id)
        if dossier is not None:
            install_upload_limits(request, dossier)
    return _supplement(request, public_id)


@csrf_protect
@login_required
def _supplement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    from django.conf import settings

    from .documents import receive_files

    dossier = _own_dossier(request, public_id)
    code = request.POST.get("requirement", "BOSUNG")
    known = {d["code"]: d for d in (dossier.snapshot or {}).get("documents", [])}
    requirement = known.get(code) or {
        "code": "BOSUNG",
        "accepted_types": ["pdf", "jpg", "png", "docx", "xlsx"],
        "max_size_mb": settings.UPLOAD_MAX_FILE_MB,
    }
    stored, errors = receive_files(request, dossier=dossier, field_for=lambda r: "files", requirements=[requirement])
    for error in errors:
        messages.error(request, error)
    if stored and not errors:
        try:
            dossier_supplement(dossier=dossier, actor=request.user, files=stored, note=request.POST.get("note", ""))
        except (TransitionError, IncompleteDossier) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your supplement has been sent. The dossier keeps its code."))
    elif not errors:
        messages.error(request, _("Attach at least one document."))
    return redirect("portal:dossier", public_id=public_id)


@login_required
def dossier_document(request: HttpRequest, public_id: uuid.UUID, document_id: int) -> HttpResponse:
    """A dossier's file: the owner, or staff who see the whole dossier (recorded); else 404."""
    from onestop.uploads.storage import stored_file_response

    document = document_for(user=request.user, public_id=public_id, document_id=document_id, request=request)
    return stored_file_response(document.file, as_attachment=request.GET.get("xem") is None)


@login_required
def vault(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/submission/vault.html", {"files": selectors.vault_of(user=request.user)})


@login_required
def vault_file(request: HttpRequest, file_id: int) -> HttpResponse:
    from onestop.models import StoredFile
    from onestop.uploads.storage import stored_file_response

    stored = get_object_or_404(StoredFile, pk=file_id, owner=request.user)
    return stored_file_response(stored, as_attachment=True)


@login_required
def dossier_form_pdf(request: HttpRequest, public_id: uuid.UUID, form: str) -> HttpResponse:
    """The citizen's copies of the forms issued to them (01 receipt, 02 supplement request,
    03 refusal, 04 apology, 05 stop notice)."""
    from onestop.backoffice.paper import CITIZEN_FORMS, pdf_response, render_form

    dossier = _own_dossier(request, public_id)
    if form not in CITIZEN_FORMS:
        raise Http404
    event = request.GET.get("su-kien", "")
    content = render_form(dossier, form, event_id=int(event) if event.isdigit() else None)
    return pdf_response(content, f"mau-{form}-{dossier.code}.pdf")
