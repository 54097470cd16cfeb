"""Counter reception (channel 1) and dossiers received by post (channel 3): the receptionist or the
postal clerk registers a paper dossier on the citizen's behalf and prints form 01 at once."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.validators import normalize_cccd, normalize_phone, validate_cccd
from procedures.models import Agency, Procedure, ProcedureStatus

from ..models import Dossier, DossierChannel, Role
from ..submission.codes import dossier_code_next
from ..submission.snapshot import procedure_snapshot
from ..workflow.transitions import TransitionError, dossier_transition
from . import clock
from .services import _holds, _step_values


def applicant_find_or_create(*, cccd: str, full_name: str, phone: str = "", address: str = "") -> User:
    """A walk-in citizen is found by CCCD; one without an account gets one they can claim later."""
    cccd = normalize_cccd(cccd)
    validate_cccd(cccd)
    user = User.objects.filter(cccd=cccd).first()
    if user is not None:
        return user
    if not full_name.strip():
        raise ValidationError(_("Enter the applicant's full name."))
    user = User(
        email=f"cccd-{cccd}@tai-quay.invalid",
        full_name=full_name.strip(),
        cccd=cccd,
        phone=normalize_phone(phone),
        address=address.strip(),
    )
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def dossier_register_counter(
    *,
    actor,
    agency: Agency,
    procedure: Procedure,
    applicant: dict,
    checked_documents: list[str],
    scans: list,
    delivery_method: str,
    channel: int = DossierChannel.COUNTER,
) -> Dossier:
    role = Role.POSTAL_CLERK if channel == DossierChannel.POST else Role.RECEPTIONIST
    if not _holds(actor, role, agency.pk):
        raise TransitionError(_("You are not allowed to do this on this dossier."))
    if procedure.status != ProcedureStatus.PUBLISHED:
        raise ValidationError(_("This procedure is not published."))
    if delivery_method not in procedure.delivery_methods:
        raise ValidationError(_("Choose how to receive the result."))
    known = {d.code: d for d in procedure.documents.all()}
    missing = [d.name for d in known.values() if d.required and d.code not in checked_documents]
    if missing:
        # Decree 61/2018 practice: an incomplete paper dossier is not received; the officer guides
        # the citizen in writing (form 02) instead.
        raise ValidationError(_("Missing document: %(name)s") % {"name": ", ".join(missing)})
    person = applicant_find_or_create(
        cccd=applicant.get("cccd", ""),
        full_name=applicant.get("full_name", ""),
        phone=applicant.get("phone", ""),
        address=applicant.get("address", ""),
    )
    now = timezone.now()
    dossier = Dossier.objects.create(
        public_id=uuid.uuid4(),
        procedure=procedure,
        agency=agency,
        applicant=person,
        channel=channel,
        applicant_name=person.full_name,
        applicant_id_number=person.cccd or "",
        applicant_phone=normalize_phone(applicant.get("phone") or person.phone),
        applicant_address=applicant.get("address") or person.address,
        delivery_method=delivery_method,
        delivery_address=applicant.get("address") or person.address,
        delivery_phone=normalize_phone(applicant.get("phone") or person.phone),
        declaration_accepted=True,
        snapshot=procedure_snapshot(procedure),
    )
    _attach_scans(dossier, scans)
    updates = {
        "code": dossier_code_next(agency=agency, at=now),
        "submitted_at": now,
        "received_at": now,
    }
    dossier.received_at = now
    updates["due_at"] = clock.processing_due(dossier, now)
    if dossier.snapshot.get("process"):
        updates.update(_step_values(dossier, 1, now))
        updates["assignee"] = actor if dossier.snapshot["process"][0]["role"] == Role.RECEPTIONIST else None
    dossier_transition(
        dossier=dossier,
        action="register",
        actor=actor,
        updates=updates,
        step=updates.get("current_step"),
        data={"form": "01", "checked_documents": [c for c in checked_documents if c in known]},
    )
    return dossier


def _attach_scans(dossier: Dossier, scans: list) -> None:
    from ..models import DocumentRole, DossierDocument
    from ..uploads.storage import stored_file_create
    from ..uploads.validation import UploadRejected, validate_upload

    names = {d["code"]: d["name"] for d in dossier.snapshot.get("documents", [])}
    for code, uploaded in scans:
        try:
            validated = validate_upload(uploaded, max_bytes=10 * 1024 * 1024)
        except UploadRejected as exc:
            raise ValidationError(str(exc)) from exc
        stored = stored_file_create(owner=dossier.applicant, uploaded=uploaded, validated=validated)
        DossierDocument.objects.create(
            dossier=dossier,
            requirement_code=code,
            requirement_name=names.get(code, code),
            file=stored,
            role=DocumentRole.SUBMITTED,
        )
