"""The staff dossier page (/mot-cua/ho-so/<id>/): what it shows to whom, and which action's form it
unfolds. Every action the user may take now is listed folded; only the form asked for by
?hanh-dong= (ACTION_PARAM) or the one sent back with errors is built (issue #17). The views
(onestop.backoffice.views) fetch the dossier, run the action and call render_dossier."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.models import Agency, Delivery, StepRole

from ..access import AccessScope, View, access_scope, may_read_register
from ..models import Dossier, DossierEvent, DossierStatus, Role, Shipment
from ..workflow import allowed_actions
from ..workflow.closing import return_methods
from ..workflow.registry import forms_issued, staff_label
from ..workflow.steps import current_step, steps_of, transfer_targets
from .forms import ACTION_FORMS, REQUIREMENT_LABELS, RETURN_METHODS, ActionForm
from .paper import CITIZEN_FORMS, register_url
from .queues import staff_of_units

STATUS_LABELS = dict(DossierStatus.choices)
METHOD_LABELS = {
    **dict(RETURN_METHODS),
    "cash": gettext_lazy("cash at the counter"),
    "transfer": gettext_lazy("bank transfer"),
    "vnpay": "VNPay",
}
ROLE_LABELS = dict(StepRole.choices)
CLOSED = {DossierStatus.RETURNED, DossierStatus.REJECTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}
# The seven forms of Circular 03/2025/TT-VPCP as the back office names its print links.
FORM_LABELS = {
    "01": gettext_lazy("Form 01 — receipt and appointment"),
    "02": gettext_lazy("Form 02 — request to supplement the dossier"),
    "03": gettext_lazy("Form 03 — refusal to receive the dossier"),
    "04": gettext_lazy("Form 04 — apology and new appointment"),
    "05": gettext_lazy("Form 05 — notice that processing stops"),
    "06": gettext_lazy("Form 06 — control slip of the processing"),
    "07": gettext_lazy("Form 07 — register of dossiers, the day of reception"),
}
# The query parameter that asks the dossier page to offer an event's form for printing at once.
PRINT_PARAM = "in-phieu"
# The action whose form the dossier page renders (the others are folded, their form built on demand).
ACTION_PARAM = "hanh-dong"

DOSSIER_PAGE = Dossier.objects.select_related("procedure", "agency", "step_agency", "assignee")


def _step_unit_id(dossier: Dossier) -> int:
    return dossier.step_agency_id or dossier.agency_id


def form_for(action: str, dossier: Dossier, data=None, files=None, *, user=None) -> ActionForm:
    """An action's form for this dossier with its choices (return methods, the step's staff, the
    transfer targets); bound when the view passes the POST."""
    form_class = ACTION_FORMS[action]
    extra: dict[str, Any] = {}
    if action == "return_result":
        extra["methods"] = return_methods(dossier=dossier, user=user)
    if action == "assign":
        step = current_step(dossier)
        roles = [step["role"]] if step else [Role.SPECIALIST, Role.APPROVER]
        extra["assignees"] = staff_of_units(agency_ids=[_step_unit_id(dossier)], roles=roles)
    elif action == "transfer":
        extra["agencies"] = Agency.objects.filter(code__in=transfer_targets(dossier)).order_by("name")
    return form_class(data, files, dossier=dossier, **extra)


def _form_links(dossier: Dossier, event: DossierEvent, scope: AccessScope) -> list[dict]:
    """The print links of the forms an event issued (registry.forms_issued), in form order."""
    links = []
    for form in forms_issued(event.action):
        if form == "07":
            if dossier.received_at is None or not may_read_register(scope, dossier.agency_id):
                continue
            url = register_url(dossier.agency, timezone.localdate(dossier.received_at))
        elif form == "06":
            url = reverse("onestop:form_pdf", args=[dossier.pk, form])
        else:
            url = f"{reverse('onestop:form_pdf', args=[dossier.pk, form])}?su-kien={event.pk}"
        links.append({"form": form, "label": FORM_LABELS[form], "url": url, "event": event})
    return links


def _events(dossier: Dossier, scope: AccessScope) -> list[dict]:
    events = []
    for event in dossier.events.select_related("actor").order_by("created_at", "pk"):
        data = event.data or {}
        details = []
        for item in data.get("items", []) or []:
            if isinstance(item, dict):
                name, detail = item.get("name", ""), item.get("detail") or item.get("note") or ""
                if item.get("requirement") in REQUIREMENT_LABELS:
                    name = f"{name} ({REQUIREMENT_LABELS[item['requirement']]})"
                details.append(f"{name} — {detail}" if detail else name)
            else:
                details.append(str(item))
        if data.get("legal_basis"):
            details.append(_("Legal basis: %(basis)s") % {"basis": data["legal_basis"]})
        if data.get("assignee"):
            details.append(_("Assigned to %(name)s") % {"name": data["assignee"]})
        if data.get("from_agency") or data.get("to_agency"):
            details.append(
                _("From %(from)s to %(to)s")
                % {"from": data.get("from_agency") or "—", "to": data.get("to_agency") or "—"}
            )
        if data.get("new_due_at"):
            details.append(_("New appointment: %(date)s") % {"date": _local(data["new_due_at"])})
        if data.get("recipient_name"):
            details.append(
                _("Handed to %(name)s (%(id)s)")
                % {"name": data["recipient_name"], "id": data.get("recipient_id_number")}
            )
        if data.get("method"):
            details.append(_("Method: %(method)s") % {"method": METHOD_LABELS.get(data["method"], data["method"])})
        if data.get("reference"):
            details.append(_("Receipt or transaction number: %(reference)s") % {"reference": data["reference"]})
        if data.get("amount") is not None and event.action in ("request_payment", "confirm_payment"):
            details.append(_("Amount: %(amount)s đồng") % {"amount": f"{data['amount']:,}".replace(",", ".")})
        events.append(
            {
                "event": event,
                "label": staff_label(event.action),
                "actor": (event.actor.get_full_name() or event.actor.email) if event.actor else _("System"),
                "from_status": STATUS_LABELS.get(event.from_status, ""),
                "to_status": STATUS_LABELS.get(event.to_status, event.to_status),
                "details": details,
                "forms": _form_links(dossier, event, scope),
            }
        )
    return events


def _local(iso: str) -> str:
    try:
        from datetime import datetime

        return timezone.localtime(datetime.fromisoformat(iso)).strftime("%H:%M %d/%m/%Y")
    except (TypeError, ValueError):
        return iso


def _steps(dossier: Dossier) -> list[dict]:
    steps = steps_of(dossier)
    names = dict(Agency.objects.filter(code__in={s["agency"] for s in steps}).values_list("code", "name"))
    return [
        {
            "number": number,
            "name": step.get("name", ""),
            "agency": names.get(step["agency"], step["agency"]),
            "role": ROLE_LABELS.get(step.get("role"), step.get("role")),
            "hours": step.get("hours"),
            "current": number == dossier.current_step and dossier.status not in CLOSED,
            "done": bool(dossier.current_step) and number < dossier.current_step,
        }
        for number, step in enumerate(steps, start=1)
    ]


def _due_explanation(dossier: Dossier) -> list[str]:
    """How the appointment was computed (DESIGN §4.3: every computed date explains itself)."""
    if dossier.received_at is None:
        return []
    from ..workcalendar.selectors import due_date_explain
    from ..workflow.clock import processing_time

    time = processing_time(dossier)
    if time is None:
        return []
    amount, unit = time
    if unit not in ("working_days", "working_hours"):
        return [_("%(amount)s calendar days from the receipt.") % {"amount": amount}]
    try:
        explained = due_date_explain(
            received_at=dossier.received_at,
            days=amount if unit == "working_days" else None,
            hours=amount if unit == "working_hours" else None,
            agency=dossier.agency,
            procedure_code=dossier.procedure.code,
            procedure=dossier.procedure,  # select_related (DOSSIER_PAGE): its cut-off without a query
        )
    except ValidationError:
        return []
    lines = explained.lines()
    if dossier.due_at and explained.due_at != dossier.due_at:
        lines.append(
            _(
                "The appointment now differs from this computation: the clock was paused for a supplement "
                "or the date was extended (see the history)."
            )
        )
    return lines


def shipment_of(dossier: Dossier, user) -> dict | None:
    """The page where the agency's postal clerk records this result's delivery (None for anyone else,
    or while the result has no shipment)."""
    if dossier.delivery_method != "post" or not access_scope(user).holds(Role.POSTAL_CLERK, dossier.agency_id):
        return None
    shipment = Shipment.objects.filter(dossier=dossier).only("pk", "item_number", "state").first()
    if shipment is None:
        return None
    return {"url": reverse("onestop:postal_shipment", args=[shipment.pk]), "item_number": shipment.item_number,
            "state": shipment.get_state_display()}  # fmt: skip


def render_dossier(request: HttpRequest, dossier: Dossier, bound: ActionForm | None = None) -> HttpResponse:
    """The page, `bound` being an action's form sent back with its errors."""
    from ..fees import dossier_dues
    from ..workflow.fields import display_value

    snapshot = dossier.snapshot or {}
    full = dossier.view >= View.STAFF
    allowed = allowed_actions(dossier=dossier, user=request.user)
    shipment = shipment_of(dossier, request.user)
    if shipment and "return_result" in allowed and not return_methods(dossier=dossier, user=request.user):
        # By post the return is the delivery recorded on the shipment: no one-click form here.
        allowed = [action for action in allowed if action != "return_result"]
    # Every allowed action is listed; only the form the officer opens is built and rendered (issue #17:
    # all of them cost ~90 template includes a page): the one sent back with errors, or the one asked
    # for by ?hanh-dong= (the link inside each folded action: the no-JavaScript path; static/js/portal.js
    # fetches the same page to unfold an action in place).
    wanted_action = request.GET.get(ACTION_PARAM, "")
    page_url = reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})  # also after a POST with errors
    actions = []
    for action in allowed:
        form = None
        if bound is not None and bound.action == action:
            form = bound
        elif action == wanted_action:
            form = form_for(action, dossier, user=request.user)
        form_class = ACTION_FORMS[action]
        actions.append(
            {
                "action": action,
                "title": form_class.title,
                "grave": form_class.grave,
                "form": form,
                "url": f"{page_url}?{ACTION_PARAM}={action}#{ACTION_PARAM}-{action}",
            }
        )
    dues = dossier_dues(dossier)
    # A postal clerk sees what delivery needs, not the form, the documents or the history (least
    # access, Decree 13/2023): onestop.access.View.POSTAL.
    answers = (
        [
            (d["label"], display_value(d, (dossier.form_data or {}).get(d["key"])))
            for d in snapshot.get("form_fields", [])
        ]
        if full
        else []
    )
    now = timezone.now()
    scope = access_scope(request.user)
    events = _events(dossier, scope) if full else []
    issued = [link for item in events for link in item["forms"]]
    # Form 06 is one slip for the whole dossier: listed once, under its latest issue.
    issued = [link for link in issued if link["form"] != "06"] + [link for link in issued if link["form"] == "06"][-1:]
    issued.sort(key=lambda link: link["form"])  # in form order; one form's several issues in time order
    wanted = request.GET.get(PRINT_PARAM, "")
    print_now = [link for link in issued if str(link["event"].pk) == wanted and link["form"] in CITIZEN_FORMS]
    satisfaction = None
    if full and dossier.status == DossierStatus.RETURNED:
        from ..satisfaction.forms import AnswerForm
        from ..satisfaction.selectors import evaluation_state

        satisfaction = evaluation_state(dossier=dossier, user=request.user, as_owner=False)
    return render(
        request,
        "onestop/backoffice/dossier.html",
        {
            "dossier": dossier,
            "full": full,
            "actions": actions,
            "documents": list(dossier.documents.select_related("file", "signature").order_by("created_at", "pk"))
            if full
            else [],
            "events": events,
            "issued_forms": issued,
            "print_now": print_now,
            "steps": _steps(dossier),
            "due_lines": _due_explanation(dossier),
            "answers": answers,
            "dues": dues,
            "delivery_label": dict(Delivery.choices).get(dossier.delivery_method, dossier.delivery_method),
            "satisfaction": satisfaction,
            "answer_form": AnswerForm(initial={"reply": satisfaction.evaluation.reply})
            if satisfaction and satisfaction.may_answer
            else None,
            "shipment": shipment,
            "late": {
                name: bool(getattr(dossier, name) and getattr(dossier, name) < now and dossier.is_open)
                for name in ("check_due_at", "step_due_at", "due_at")
            },
        },
    )
