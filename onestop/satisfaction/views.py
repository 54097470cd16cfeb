"""The back office's side of the evaluation (thin: parse, call one service, render): a receptionist
of the desk records an evaluation given at the counter; the desk's receptionists or heads answer
a comment (onestop.access.FEEDBACK_ANSWER_ROLES). The dossier is fetched through onestop.access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access import View, dossier_for, staff_required
from ..models import AccessKind
from ..workflow import TransitionError
from . import selectors, services
from .forms import AnswerForm, CounterEvaluationForm


def _error_text(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@staff_required
@require_http_methods(["GET", "POST"])
def counter_record(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = dossier_for(
        user=request.user,
        pk=dossier_id,
        at_least=View.STAFF,
        record=AccessKind.PAGE if request.method == "GET" else None,
        request=request,
    )
    state = selectors.evaluation_state(dossier=dossier, user=request.user, as_owner=False)
    if not state.may_record_at_counter:
        if state.evaluation is None:
            raise PermissionDenied  # not the desk's receptionist, or not returned (the 403 page tells an official)
        # Evaluated already (a stale link, a second click): back to the dossier, told why.
        messages.info(request, _("This dossier has already been evaluated; its evaluation is on the dossier page."))
        return redirect("onestop:dossier", dossier_id=dossier.pk)
    form = CounterEvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record_at_counter(
                dossier=dossier,
                actor=request.user,
                source=form.cleaned_data["source"],
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
        except (TransitionError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("The evaluation given at the counter has been recorded."))
            return redirect("onestop:dossier", dossier_id=dossier.pk)
    return render(request, "onestop/satisfaction/counter.html", {"dossier": dossier, "form": form})


@staff_required
@require_POST
def answer(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = dossier_for(user=request.user, pk=dossier_id, at_least=View.STAFF, record=None)
    state = selectors.evaluation_state(dossier=dossier, user=request.user, as_owner=False)
    if not state.may_answer:
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer to the applicant."))
    else:
        try:
            services.evaluation_answer(dossier=dossier, actor=request.user, reply=form.cleaned_data["reply"])
        except (TransitionError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Your answer has been sent to the applicant."))
    return redirect("onestop:dossier", dossier_id=dossier.pk)
