"""Closing (DESIGN §4.1): the result is approved (national 9) and returned (10), or processing is
stopped (form 05, national 8)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..access import access_scope
from ..models import DocumentRole, Dossier, DossierDocument, Role
from ._engine import begin, finish
from .errors import TransitionError
from .registry import performs
from .steps import handover, issuing_agency, step_values, steps_of

RESULT_MAX_BYTES = 20 * 1024 * 1024
RETURN_METHODS = ("counter", "online", "post")


@performs("resolve")
@transaction.atomic
def dossier_resolve(
    *, dossier: Dossier, actor, result_file, note: str = "", expected_version: int | None = None
) -> Dossier:
    """Approve and attach the result (a signed or scanned PDF): the result is ready (national 9).

    The result belongs to the citizen: it goes into their data store (Decree 45/2020). A result
    that goes by post is picked up in this transaction by whatever listens to the event (the
    postal return, DESIGN §4.5).
    """
    from ..esign.services import result_signing
    from ..models import SignedResult
    from ..uploads.storage import stored_file_create
    from ..uploads.validation import UploadRejected, validate_upload

    if result_file is None:
        raise ValidationError(_("Attach the result (a PDF)."))
    locked = begin(dossier, "resolve", actor=actor, expected_version=expected_version)
    try:
        validate_upload(result_file, allowed=["pdf"], max_bytes=RESULT_MAX_BYTES)
        # Signed with the issuing agency's certificate when it has one (onestop/esign): the signed
        # file is what is stored and sent (Decree 45/2020: an e-result is valid when signed).
        result_file, signature = result_signing(dossier=locked, actor=actor, result_file=result_file)
        validated = validate_upload(result_file, allowed=["pdf"], max_bytes=RESULT_MAX_BYTES)
    except UploadRejected as exc:
        raise ValidationError(str(exc)) from exc
    stored = stored_file_create(owner=locked.applicant, uploaded=result_file, validated=validated)
    document = DossierDocument.objects.create(
        dossier=locked,
        requirement_code="KETQUA",
        requirement_name=pgettext("result document", "Result"),
        file=stored,
        role=DocumentRole.RESULT,
    )
    if signature is not None:
        SignedResult.objects.create(document=document, sha256=stored.sha256, **signature)
    steps = steps_of(locked)
    # Statistics compare this moment with due_at (on time / late, DESIGN §2).
    updates: dict = {"assignee": None, "resolved_at": timezone.now()}
    # A last step at the one-stop desk returns the result; the dossier waits there.
    if steps and steps[-1]["role"] == Role.RECEPTIONIST and locked.current_step != len(steps):
        updates.update(step_values(locked, len(steps), timezone.now()))
    return finish(
        locked,
        "resolve",
        actor=actor,
        note=note,
        step=updates.get("current_step", locked.current_step),
        data={
            **handover(locked, actor, updates),
            "result_file": stored.pk,
            **({"signed": signature["code"]} if signature else {}),
        },
        updates=updates,
        caller=dossier,
    )


@performs("stop")
@transaction.atomic
def dossier_stop(
    *, dossier: Dossier, actor, reason: str, legal_basis: str, expected_version: int | None = None
) -> Dossier:
    """Stop processing (form 05), with the reason and the legal basis."""
    if not (reason or "").strip() or not (legal_basis or "").strip():
        raise ValidationError(_("Give the reason and the legal basis for stopping."))
    locked = begin(dossier, "stop", actor=actor, expected_version=expected_version)
    issuer = issuing_agency(locked, actor)
    return finish(
        locked,
        "stop",
        actor=actor,
        note=reason.strip(),
        data={"form": "05", "legal_basis": legal_basis.strip(), "issuer": issuer.code},
        updates={"closed_at": timezone.now(), "assignee": None},
        caller=dossier,
    )


def return_methods(*, dossier: Dossier, user) -> list[str]:
    """How `user` may return this result with the return form (the form offers these; the action
    accepts these): the desk, at the counter or online.

    Decision 45/2016/QĐ-TTg: a result that goes by post is returned when the post delivers it. There
    is no form for that: the postal clerk (or the post's own system) records the delivery on the
    shipment (onestop.postal), which records `shipment_delivered` and then returns the dossier
    through this action with method "post" (see `dossier_return_result`).
    """
    return ["counter", "online"] if access_scope(user).holds(Role.RECEPTIONIST, dossier.agency_id) else []


def _delivered_by_post(dossier: Dossier) -> bool:
    """The post's delivery of this result is recorded (the `shipment_delivered` event, written in the
    same transaction just before the return)."""
    return dossier.events.filter(action="shipment_delivered").exists()


@performs("return_result")
@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier,
    actor,
    method: str,
    recipient_name: str = "",
    recipient_id_number: str = "",
    expected_version: int | None = None,
    system: bool = False,
    at=None,
) -> Dossier:
    """Return the result (national 10): at the counter (recipient recorded), online (the e-result is
    in the citizen's data store), or by post — only after the delivery is recorded on the shipment
    (`shipment_delivered`, by the postal clerk or reported by the post's own system: `system=True`),
    which is the one way a result by post is returned. `at`: by post, when it was delivered (not in
    the future)."""
    if method not in RETURN_METHODS:
        raise ValidationError(_("Choose how the result is returned."))
    if method == "counter" and not (recipient_name.strip() and recipient_id_number.strip()):
        raise ValidationError(_("Record the name and ID number of the person who collects the result."))
    now = timezone.now()
    if at is not None and (method != "post" or at > now + dt.timedelta(minutes=5)):
        raise ValidationError(_("The delivery time cannot be in the future."))
    locked = begin(dossier, "return_result", actor=actor, system=system, expected_version=expected_version)
    if method == "post":
        if not system and not access_scope(actor, fresh=True).holds(Role.POSTAL_CLERK, locked.agency_id):
            raise TransitionError(_("Results by post are marked returned by the postal clerk when delivered."))
        if not _delivered_by_post(locked):
            raise TransitionError(
                _("A result by post is returned when its delivery is recorded on the shipment, not before.")
            )
    elif system or method not in return_methods(dossier=locked, user=actor):
        raise TransitionError(_("Only the one-stop desk returns results at the counter or online."))
    return finish(
        locked,
        "return_result",
        actor=None if system else actor,
        data={
            "method": method,
            "recipient_name": recipient_name.strip(),
            "recipient_id_number": recipient_id_number.strip(),
        },
        updates={"closed_at": at or now, "assignee": None},
        caller=dossier,
    )
