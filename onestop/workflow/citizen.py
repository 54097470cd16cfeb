"""The applicant's side of a dossier (DESIGN §4.1): the draft the wizard edits, submission,
withdrawal and the supplement that answers form 02."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Channel, Delivery, DocumentRequirement, Procedure, ProcedureStatus
from procedures.validators import normalize_phone, validate_cccd, validate_vn_mobile

from ..fees import dossier_dues, dossier_postage
from ..models import ApplicantKind, DocumentRole, Dossier, DossierChannel, DossierDocument, DossierStatus, StoredFile
from ..workcalendar.django_calendar import calendar_for_agency
from . import clock
from ._engine import begin, finish
from .codes import dossier_code_next
from .errors import TransitionError
from .fields import applicant_answers, application_form_class, label_prefix
from .guards import Who, refusal
from .payment import dossier_request_payment
from .registry import ACTIONS, performs
from .snapshot import form_field_definitions, procedure_snapshot

# Decree 118/2025/NĐ-CP practice (configurable later): an online dossier is checked within 8 working hours.
CHECK_HOURS = 8
WIZARD_STEPS = ("applicant", "form", "documents", "delivery", "review")


class IncompleteDossier(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Problem:
    step: str
    message: str


def procedure_accepts_online(procedure: Procedure) -> bool:
    return procedure.status == ProcedureStatus.PUBLISHED and any(
        c.channel == Channel.ONLINE for c in procedure.channels.all()
    )


@transaction.atomic
def dossier_draft_create(*, procedure: Procedure, applicant) -> Dossier:
    """Start an application, prefilled from the citizen's profile."""
    if not procedure_accepts_online(procedure):
        raise TransitionError(_("This procedure cannot be submitted online."))
    return Dossier.objects.create(
        procedure=procedure,
        agency=procedure.receiving_agency,
        applicant=applicant,
        channel=DossierChannel.ONLINE,
        applicant_name=applicant.full_name,
        applicant_id_number=applicant.cccd or "",
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        delivery_address=applicant.address,
        delivery_phone=applicant.phone,
        delivery_method=procedure.delivery_methods[0] if len(procedure.delivery_methods) == 1 else "",
    )


def _editable(dossier: Dossier) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status != DossierStatus.DRAFT:
        raise TransitionError(_("This dossier has already been submitted and can no longer be edited."))
    return locked


@transaction.atomic
def dossier_draft_update(*, dossier: Dossier, step: str, **values) -> Dossier:
    """Save one wizard step's values on a draft (validation is the step form's; submit re-checks)."""
    locked = _editable(dossier)
    for name, value in values.items():
        setattr(locked, name, value)
    if step in ("applicant", "form"):  # the form's copies of the applicant's details follow step 1
        answers = applicant_answers(form_field_definitions(locked.procedure), locked)
        if answers:
            locked.form_data = {**(locked.form_data or {}), **answers}
    steps = list(WIZARD_STEPS)
    if steps.index(step) + 1 > steps.index(locked.wizard_step):
        locked.wizard_step = steps[min(steps.index(step) + 1, len(steps) - 1)]
    locked.save(update_fields=[*values, "form_data", "wizard_step", "updated_at"])
    return locked


@transaction.atomic
def dossier_draft_delete(*, dossier: Dossier, actor) -> None:
    """The applicant deletes a draft never submitted (it has no code, no event, no deadline): its
    document rows go, the files stay in the applicant's data store."""
    locked = Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if locked is None:  # deleted already (a double click): nothing left to do
        return
    if locked.applicant_id != getattr(actor, "pk", None):
        raise TransitionError(_("You are not allowed to do this on this dossier."))
    if locked.status != DossierStatus.DRAFT:
        raise TransitionError(_("Only a draft can be deleted; a submitted dossier can be withdrawn."))
    locked.delete()


@transaction.atomic
def dossier_document_attach(*, dossier: Dossier, requirement_code: str, stored: StoredFile) -> DossierDocument:
    """Attach a stored file (just uploaded, or from the citizen's vault) to a document slot."""
    return dossier_documents_attach(dossier=dossier, files=[(requirement_code, stored)])[0]


@transaction.atomic
def dossier_documents_attach(*, dossier: Dossier, files: list[tuple[str, StoredFile]]) -> list[DossierDocument]:
    """Attach several stored files at once — (requirement code, file) pairs — in one transaction:
    one lock, one read of the slots and of what is attached already, one INSERT. A file already in
    its slot is not attached twice."""
    locked = _editable(dossier)
    if any(stored.owner_id != locked.applicant_id for _code, stored in files):
        raise TransitionError(_("This file is not yours."))
    requirements = {r.code: r for r in DocumentRequirement.objects.filter(procedure_id=locked.procedure_id)}
    if any(code not in requirements for code, _stored in files):
        raise TransitionError(_("Unknown document."))
    existing = {
        (d.requirement_code, d.file_id): d
        for d in DossierDocument.objects.filter(dossier=locked, file_id__in=[stored.pk for _c, stored in files])
    }
    documents: list[DossierDocument] = []
    new: list[DossierDocument] = []
    for code, stored in files:
        document = existing.get((code, stored.pk))
        if document is None:
            document = existing[(code, stored.pk)] = DossierDocument(
                dossier=locked,
                requirement_code=code,
                requirement_name=requirements[code].name,
                file=stored,
                role=DocumentRole.SUBMITTED,
            )
            new.append(document)
        documents.append(document)
    DossierDocument.objects.bulk_create(new)
    return documents


@transaction.atomic
def dossier_document_detach(*, dossier: Dossier, document_id: int) -> None:
    locked = _editable(dossier)
    DossierDocument.objects.filter(dossier=locked, pk=document_id).delete()  # the file stays in the vault


def dossier_problems(dossier: Dossier) -> list[Problem]:
    """Everything that keeps a draft from being submitted, per wizard step, in words."""
    problems: list[Problem] = []
    procedure = dossier.procedure
    if not procedure_accepts_online(procedure):
        problems.append(Problem("applicant", _("This procedure cannot be submitted online.")))
    if not dossier.applicant_name.strip():
        problems.append(Problem("applicant", _("Enter the applicant's full name.")))
    if dossier.applicant_kind == ApplicantKind.ORGANISATION:
        if not dossier.organisation_name.strip():
            problems.append(Problem("applicant", _("Enter the organisation's name.")))
        if not re.fullmatch(r"\d{10}(-\d{3})?", dossier.organisation_tax_code or ""):
            problems.append(Problem("applicant", _("Enter the organisation's tax code (10 digits, or 10-3).")))
    try:
        validate_cccd(dossier.applicant_id_number)
    except ValidationError:
        problems.append(Problem("applicant", _("Enter a valid citizen ID (CCCD) number.")))
    try:
        validate_vn_mobile(dossier.applicant_phone)
    except ValidationError:
        problems.append(Problem("applicant", _("Enter a valid mobile phone number.")))

    definitions = form_field_definitions(procedure)
    data = {**(dossier.form_data or {}), **applicant_answers(definitions, dossier)}
    form = application_form_class(definitions)(data=_as_form_data(definitions, data))
    if not form.is_valid():
        for key, errors in form.errors.items():
            label = form.fields[key].label if key in form.fields else key
            problems.append(Problem("form", f"{label_prefix(label)}: {' '.join(errors)}"))

    for requirement in missing_documents(dossier):
        problems.append(Problem("documents", _("Missing document: %(name)s") % {"name": requirement.name}))

    if dossier.delivery_method not in procedure.delivery_methods:
        problems.append(Problem("delivery", _("Choose how to receive the result.")))
    elif dossier.delivery_method == Delivery.POST:
        if not dossier.delivery_address.strip():
            problems.append(Problem("delivery", _("Enter the delivery address.")))
        try:
            validate_vn_mobile(dossier.delivery_phone)
        except ValidationError:
            problems.append(Problem("delivery", _("Enter a mobile number the postman can call.")))
    return problems


def missing_documents(dossier: Dossier, *, attached: set[str] | None = None) -> list:
    """The procedure's required documents that the draft does not carry yet (the documents step
    says so at once; submission refuses them again). `attached`: the requirement codes the caller
    knows to be attached (read here otherwise)."""
    if attached is None:
        attached = set(dossier.documents.values_list("requirement_code", flat=True))
    return [r for r in dossier.procedure.documents.all() if r.required and r.code not in attached]


def _as_form_data(definitions: list[dict], data: dict) -> dict:
    return {d["key"]: data.get(d["key"], "") for d in definitions}


SUBMISSION_PROCEDURE = Procedure.objects.select_related("sector", "receiving_agency").prefetch_related(
    "channels", "fees", "documents", "form_fields", "process__steps__agency"
)


@performs("submit")
@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor, declaration: bool) -> Dossier:
    """Submit a complete draft: code, snapshot, check deadline, event — all in one transaction.

    A double click or a re-posted form finds the dossier already submitted and returns it: never a
    second dossier, never a second code.
    """
    locked = begin(dossier, "submit", actor=actor, if_status=DossierStatus.DRAFT)
    if locked.applicant_id != getattr(actor, "pk", None):
        raise TransitionError(_("You are not allowed to do this on this dossier."))
    if locked.status != DossierStatus.DRAFT:
        return locked
    # The completeness check, the snapshot and the form's answers all read the procedure's lists:
    # read each once.
    locked.procedure = SUBMISSION_PROCEDURE.get(pk=locked.procedure_id)
    if not declaration:
        raise IncompleteDossier([_("Tick the declaration to confirm that the information is true.")])
    problems = dossier_problems(locked)
    if problems:
        raise IncompleteDossier([p.message for p in problems])

    now = timezone.now()
    calendar = calendar_for_agency(locked.agency)
    # The 8-working-hour check starts at the next working period; no same-day cut-off applies to it.
    check_due = calendar.due_at(now, hours=CHECK_HOURS, cutoff=None).due_at
    snapshot = procedure_snapshot(locked.procedure)
    # The postage of a result by post is quoted now and kept: a later change of the rule changes
    # no submitted dossier (onestop.fees).
    snapshot["postage"] = dossier_postage(locked, snapshot)
    submitted = finish(
        locked,
        "submit",
        actor=actor,
        caller=dossier,
        updates={
            "code": dossier_code_next(agency=locked.agency, at=now),
            "snapshot": snapshot,
            "submitted_at": now,
            "check_due_at": check_due,
            "declaration_accepted": True,
            "applicant_phone": normalize_phone(locked.applicant_phone),
            "form_data": {
                **(locked.form_data or {}),
                **applicant_answers(form_field_definitions(locked.procedure), locked),
            },
        },
    )
    if snapshot.get("pay_at_submission") and dossier_dues(submitted).total > 0:
        # Paid at submission: the dossier waits for its payment (national 6) before the desk
        # may receive it; the IPN's confirmation brings it back to "submitted" (payment.py).
        submitted = dossier_request_payment(
            dossier=submitted,
            system=True,
            note=_("This procedure is paid when the dossier is submitted: pay online to send it to the desk."),
        )
        for name in ("status", "version", "check_due_at"):
            setattr(dossier, name, getattr(submitted, name))
    return submitted


@performs("withdraw")
@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor, reason: str) -> Dossier:
    """The citizen withdraws a dossier not yet resolved (national status 7)."""
    reason = (reason or "").strip()
    if not reason:
        raise IncompleteDossier([_("Give a reason for withdrawing the dossier.")])
    locked = begin(dossier, "withdraw", actor=actor)
    return finish(
        locked,
        "withdraw",
        actor=actor,
        note=reason,
        updates={"withdraw_reason": reason, "closed_at": timezone.now()},
        caller=dossier,
    )


def may_withdraw(*, dossier: Dossier, user) -> bool:
    """The citizen's page shows the withdraw button when the guard passes."""
    return refusal(ACTIONS["withdraw"].guard, dossier, Who.of(user)) is None


@performs("supplement")
@transaction.atomic
def dossier_supplement(*, dossier: Dossier, actor, files: list[tuple[str, StoredFile]], note: str = "") -> Dossier:
    """The applicant sends what the officer asked for (form 02) — online, or handing the papers in
    at the counter (the desk records them); the dossier keeps its code and the clock resumes with
    the working time that was left (Decree 118/2025/NĐ-CP practice: the supplement time does not count)."""
    if not files:
        raise IncompleteDossier([_("Attach at least one document.")])
    current = Dossier.objects.filter(pk=dossier.pk).values_list("status", flat=True).first()
    if current != DossierStatus.SUPPLEMENT_REQUESTED:
        raise TransitionError(_("No supplement is requested for this dossier."))
    locked = begin(dossier, "supplement", actor=actor)
    for requirement_code, stored in files:
        if stored.owner_id != locked.applicant_id:
            raise TransitionError(_("This file is not yours."))
        name = next(
            (d["name"] for d in locked.snapshot.get("documents", []) if d["code"] == requirement_code),
            _("Supplementary document"),
        )
        DossierDocument.objects.get_or_create(
            dossier=locked,
            requirement_code=requirement_code,
            file=stored,
            defaults={"requirement_name": name, "role": DocumentRole.SUPPLEMENT},
        )
    return finish(
        locked,
        "supplement",
        actor=actor,
        note=note,
        data={"files": [stored.pk for _code, stored in files]},
        updates=clock.resume(locked, timezone.now()),
        caller=dossier,
    )
