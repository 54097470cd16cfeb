"""The applicant's satisfaction evaluation of a returned dossier (issue #12), two doors:

* ``/ho-so/<id>/danh-gia/`` — signed in, their own dossier (onestop.access.dossier_for, owner only);
* ``/tra-cuu/danh-gia/`` — without an account, with the dossier code and the applicant's phone (or
  the last 4 ID digits): the same lookup as /tra-cuu/ (onestop.submission.selectors.dossier_track,
  with its per-code lock) behind the same per-client limit (tracking.track_allowed); a match gives a
  short-lived signed pass (onestop.satisfaction.tokens) that the form carries instead of the verifier
  (a forged pass: 404; an expired one: back to the lookup).
  The link in the "result returned" messages points here with ``?ma=<code>``; a signed-in applicant
  who owns that dossier goes straight to their own form.

Thin: the rules (returned only, once, revisable for 7 days) are onestop.satisfaction.services'.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onestop.access import dossier_for
from onestop.models import Dossier, DossierStatus
from onestop.satisfaction import selectors as satisfaction
from onestop.satisfaction.forms import EvaluationForm
from onestop.satisfaction.services import evaluation_submit
from onestop.satisfaction.tokens import PassExpired, tracking_pass, tracking_pass_dossier_id
from onestop.submission import selectors
from onestop.workflow import TransitionError

from .forms import TrackForm
from .tracking import track_allowed

TRACKED = Dossier.objects.exclude(status=DossierStatus.DRAFT).select_related("procedure", "agency")


def _error_text(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _form_page(request, *, dossier, state, form, pass_token="", status=200) -> HttpResponse:
    return render(
        request,
        "portal/submission/evaluate.html",
        {"dossier": dossier, "state": state, "form": form, "pass_token": pass_token},
        status=status,
    )


def _save(request, form: EvaluationForm, *, dossier, actor=None, verified=False) -> bool:
    if not form.is_valid():
        return False
    try:
        evaluation_submit(
            dossier=dossier,
            actor=actor,
            verified=verified,
            answers=form.answers(),
            comment=form.cleaned_data["comment"],
        )
    except (TransitionError, ValidationError) as exc:
        form.add_error(None, _error_text(exc))
        return False
    return True


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = dossier_for(user=request.user, public_id=public_id, owner_only=True, record=None, queryset=TRACKED)
    state = satisfaction.evaluation_state(dossier=dossier, user=request.user, as_owner=True)
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if _save(request, form, dossier=dossier, actor=request.user):
            messages.success(request, _("Thank you: your evaluation has been recorded."))
            return redirect("portal:dossier", public_id=public_id)
        return _form_page(request, dossier=dossier, state=state, form=form, status=400)
    return _form_page(request, dossier=dossier, state=state, form=EvaluationForm(evaluation=state.evaluation))


@never_cache
@require_http_methods(["GET", "POST"])
def track_evaluate(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("ma") or "").strip()
    if request.method == "GET" and code and request.user.is_authenticated:
        own = Dossier.objects.filter(code=code.upper(), applicant=request.user).exclude(status=DossierStatus.DRAFT)
        public_id = own.values_list("public_id", flat=True).first()
        if public_id is not None:
            return redirect("portal:evaluate", public_id=public_id)

    token = request.POST.get("pass", "")
    if request.method == "POST" and token:
        try:
            dossier = TRACKED.filter(pk=tracking_pass_dossier_id(token) or 0).first()
        except PassExpired:  # look it up again
            messages.error(request, _("Your session on this page has expired: enter the code and phone again."))
            return redirect("portal:track_evaluate")
        if dossier is None:  # forged or foreign: nothing here without the verifier
            raise Http404
        state = satisfaction.evaluation_state(dossier=dossier, user=request.user, as_owner=False, verified=True)
        if "save" not in request.POST:  # from the /tra-cuu/ result: show the form
            form = EvaluationForm(evaluation=state.evaluation)
            return _form_page(request, dossier=dossier, state=state, form=form, pass_token=token)
        form = EvaluationForm(request.POST)
        if _save(request, form, dossier=dossier, verified=True):
            state = satisfaction.evaluation_state(dossier=dossier, user=request.user, as_owner=False, verified=True)
            return render(request, "portal/submission/evaluated.html", {"dossier": dossier, "state": state})
        return _form_page(request, dossier=dossier, state=state, form=form, pass_token=token, status=400)

    # The verifier step: exactly /tra-cuu/'s lookup and limits.
    lookup = TrackForm(request.POST or None, initial={"code": code})
    context: dict = {"form": lookup}
    status = 200
    if request.method == "POST" and lookup.is_valid():
        if not track_allowed(request):
            context["limited"] = True
            status = 429
        else:
            data = lookup.cleaned_data
            dossier = selectors.dossier_track(code=data["code"], verifier=data["verifier"])
            if dossier is None:
                context["not_found"] = True
            else:
                state = satisfaction.evaluation_state(dossier=dossier, user=request.user, as_owner=False, verified=True)
                form = EvaluationForm(evaluation=state.evaluation)
                token = tracking_pass(dossier=dossier)
                return _form_page(request, dossier=dossier, state=state, form=form, pass_token=token)
    return render(request, "portal/submission/track_evaluate.html", context, status=status)


def tracking_context(dossier) -> dict:
    """What /tra-cuu/ shows about the evaluation of the dossier it found (the pass to the form)."""
    if dossier.status != DossierStatus.RETURNED:
        return {}
    return {"evaluation_pass": tracking_pass(dossier=dossier)}
