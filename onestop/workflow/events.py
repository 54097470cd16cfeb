"""Things that happen to a dossier without changing its status (a shipment handed over to the post,
a payment attempt, a note, a document or an inter-agency result added while it is processed): the
same event log, the same hook, the same guard shape (registry.EVENT_KINDS)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from ..models import DocumentRole, Dossier, DossierDocument, DossierEvent, StoredFile
from ..uploads.conf import max_file_bytes
from ._engine import record
from .errors import TransitionError
from .guards import Guard, Who, qualifies
from .registry import EVENT_KINDS


@transaction.atomic
def dossier_record_event(
    *,
    dossier: Dossier,
    kind: str,
    actor=None,
    system: bool = False,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Record one event of `kind` on the dossier (row-locked, so that it orders with transitions)."""
    spec = EVENT_KINDS.get(kind)
    if spec is None:
        raise TransitionError(_("Unknown action."))
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=dossier.pk)
    who = Who.of(actor, system=system, fresh=True)
    guard = Guard(action=kind, may=spec.may)
    if not any(qualifies(may, guard, locked, who) for may in spec.may):
        raise TransitionError(_("You are not allowed to do this on this dossier."))
    return record(locked, kind, actor=None if system else actor, note=note, data=data)


def event_allowed(*, dossier: Dossier, kind: str, user) -> bool:
    """Whether `user` may record an event of `kind` on `dossier` now — the guard that
    dossier_record_event applies, read from the request's scope (no query): pages offer what passes."""
    spec = EVENT_KINDS.get(kind)
    if spec is None:
        return False
    who = Who.of(user)
    guard = Guard(action=kind, may=spec.may)
    return any(qualifies(may, guard, dossier, who) for may in spec.may)


# ------------------------------------------------------------ notes, documents, inter-agency results


def _client_data(actor) -> dict[str, Any]:
    """Who acted, when it is a partner's system (the event's actor column holds accounts only)."""
    client = getattr(actor, "api_client", None)
    return {"client": client.pk, "client_name": client.name} if client is not None else {}


def _locked_for(kind: str, dossier: Dossier, actor) -> Dossier:
    spec = EVENT_KINDS[kind]
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=dossier.pk)
    who = Who.of(actor, fresh=True)
    if not any(qualifies(may, Guard(action=kind, may=spec.may), locked, who) for may in spec.may):
        raise TransitionError(_("You are not allowed to do this on this dossier."))
    return locked


@transaction.atomic
def dossier_note_add(*, dossier: Dossier, actor, note: str) -> DossierEvent:
    """An officer's (or a partner system's) note on the dossier. Internal: the applicant, the
    tracking page, the national portal and webhooks never get it (registry: not note_to_applicant)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write the note."))
    locked = _locked_for("note_added", dossier, actor)
    return _record_touching(locked, "note_added", actor=actor, note=note[:4000], data=_client_data(actor))


def _record_touching(locked: Dossier, kind: str, *, actor, note: str, data: dict[str, Any]) -> DossierEvent:
    """Record the event and mark the dossier changed (partners' feeds read `updated_at`); the version
    is not bumped, so that an officer's open page stays valid. Marked at the event's time, before the
    event's hook runs (webhooks' outbox rows carry the dossier as changed)."""
    return record(locked, kind, actor=actor, note=note, data=data, touch=True)


def _store(locked: Dossier, uploaded) -> StoredFile:
    from ..uploads.storage import stored_file_create
    from ..uploads.validation import UploadRejected, validate_upload

    try:
        validated = validate_upload(uploaded, max_bytes=max_file_bytes())
    except UploadRejected as exc:
        raise ValidationError(str(exc)) from exc
    return stored_file_create(owner=locked.applicant, uploaded=uploaded, validated=validated)


@transaction.atomic
def dossier_document_add(
    *, dossier: Dossier, actor, uploaded, requirement_code: str = "", name: str = "", note: str = ""
) -> DossierDocument:
    """A document added while the dossier is handled (DocumentRole.ADDED): for one of the
    procedure's documents (its code) or another paper (`name`). Checked like every upload (type
    sniffed, size capped, renamed) and stored privately; not shown to the applicant."""
    locked = _locked_for("document_added", dossier, actor)
    names = {d["code"]: d["name"] for d in (locked.snapshot or {}).get("documents", [])}
    if requirement_code and requirement_code not in names:
        raise ValidationError(_("Unknown document."))
    title = names.get(requirement_code) or (name or "").strip()[:1000] or uploaded.name
    stored = _store(locked, uploaded)
    document = DossierDocument.objects.create(
        dossier=locked,
        requirement_code=requirement_code or "added",
        requirement_name=title,
        file=stored,
        role=DocumentRole.ADDED,
    )
    data = {"document": document.pk, "name": title, **_client_data(actor)}
    _record_touching(locked, "document_added", actor=actor, note=(note or "")[:4000], data=data)
    return document


INTERAGENCY_OUTCOMES = ("agreed", "refused", "issued", "information")


@transaction.atomic
def dossier_interagency_result_record(
    *,
    dossier: Dossier,
    actor,
    agency_code: str,
    outcome: str,
    reference: str = "",
    issued_at=None,
    note: str = "",
    uploaded=None,
) -> DossierEvent:
    """The answer of the other agency of an inter-agency procedure (liên thông, Decree
    118/2025/NĐ-CP): its opinion or decision, with its reference number and, optionally, the signed
    paper. Recorded on a dossier being processed; the officer holding the step reads it and acts."""
    if outcome not in INTERAGENCY_OUTCOMES:
        raise ValidationError(_("Unknown outcome."))
    locked = _locked_for("interagency_result", dossier, actor)
    data: dict[str, Any] = {
        "agency_code": (agency_code or "")[:40],
        "outcome": outcome,
        "reference": (reference or "")[:100],
        "issued_at": issued_at.isoformat() if issued_at else None,
        **_client_data(actor),
    }
    if uploaded is not None:
        stored = _store(locked, uploaded)
        document = DossierDocument.objects.create(
            dossier=locked,
            requirement_code="interagency",
            requirement_name=gettext("Inter-agency result") + (f" {reference}" if reference else ""),
            file=stored,
            role=DocumentRole.ADDED,
        )
        data["document"] = document.pk
    return _record_touching(locked, "interagency_result", actor=actor, note=(note or "")[:4000], data=data)
