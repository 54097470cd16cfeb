"""Reception (DESIGN §4.1; Decree 118/2025/NĐ-CP practice, Circular 03/2025 forms 01–03): an online dossier
is checked and received or refused, or a supplement is asked for; a paper dossier is registered at
the counter (channel 1) or on arrival by post (channel 3)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Agency, Procedure, ProcedureStatus
from procedures.validators import normalize_cccd, normalize_phone, validate_cccd, validate_vn_mobile

from ..access import access_scope
from ..fees import dossier_postage
from ..models import DocumentRole, Dossier, DossierChannel, DossierDocument, Role
from . import clock
from ._engine import begin, finish
from .codes import dossier_code_next
from .errors import TransitionError
from .guards import Who, refusal
from .registry import ACTIONS, MAX_SUPPLEMENT_REQUESTS_WITHOUT_FLAG, performs
from .snapshot import procedure_snapshot
from .steps import step_values, steps_of

SCAN_MAX_BYTES = 10 * 1024 * 1024
# Received by post (channel 3): how long before its registration the post may have collected a
# dossier. The post carries it to the desk within days (Decision 45/2016/QĐ-TTg); an older date is
# a typing mistake, and the collection time is what the phiếu hồ sơ and the applicant rely on.
PICKUP_MAX_AGE = dt.timedelta(days=30)
# A clock a few minutes ahead (the postman's phone, the clerk's PC) is not "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)


def _first_step(dossier: Dossier, actor, now) -> dict:
    """The dossier enters step 1 of its process; a desk step is the receiving officer's own (a postal
    clerk registering a parcel leaves it to the desk, where it waits for reception)."""
    steps = steps_of(dossier)
    if not steps:
        return {}
    values = step_values(dossier, 1, now)
    if steps[0]["role"] == Role.RECEPTIONIST and access_scope(actor).holds(Role.RECEPTIONIST, dossier.agency_id):
        values["assignee"] = actor
    return values


@performs("receive")
@transaction.atomic
def dossier_receive(*, dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    """Accept an online dossier after the check: the appointment is set and form 01 issued."""
    locked = begin(dossier, "receive", actor=actor, expected_version=expected_version)
    now = timezone.now()
    updates = {"received_at": now, "due_at": clock.processing_due(locked, now), **_first_step(locked, actor, now)}
    return finish(
        locked,
        "receive",
        actor=actor,
        updates=updates,
        step=updates.get("current_step"),
        data={"form": "01", "to_agency": updates["step_agency"].name if "step_agency" in updates else ""},
        caller=dossier,
    )


@performs("refuse")
@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor, reasons: str, expected_version: int | None = None) -> Dossier:
    """Refuse at reception, in writing (form 03)."""
    if not (reasons or "").strip():
        raise ValidationError(_("Give the reasons for refusing the dossier."))
    locked = begin(dossier, "refuse", actor=actor, expected_version=expected_version)
    return finish(
        locked,
        "refuse",
        actor=actor,
        note=reasons.strip(),
        data={"form": "03", "reasons": reasons.strip()},
        updates={"closed_at": timezone.now()},
        caller=dossier,
    )


@performs("request_supplement")
@transaction.atomic
def dossier_request_supplement(
    *, dossier: Dossier, actor, items: list[dict], reason: str, expected_version: int | None = None
) -> Dossier:
    """Ask for a supplement, once and in writing (form 02); the clock pauses until it comes."""
    items = [i for i in items if (i.get("name") or "").strip()]
    if not items:
        raise ValidationError(_("List at least one document to supplement."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the supplement request."))
    locked = begin(dossier, "request_supplement", actor=actor, expected_version=expected_version)
    # More than one supplement request counts as overdue in national statistics (REFERENCE.md).
    counts_as_overdue = locked.supplement_requests >= MAX_SUPPLEMENT_REQUESTS_WITHOUT_FLAG
    return finish(
        locked,
        "request_supplement",
        actor=actor,
        note=reason.strip(),
        data={"form": "02", "items": items, "counts_as_overdue": counts_as_overdue},
        updates={"supplement_requests": locked.supplement_requests + 1, **clock.pause(locked, timezone.now())},
        caller=dossier,
    )


# ---------------------------------------------------------------------- paper dossiers


def applicant_find_or_create(*, cccd: str, full_name: str, phone: str = "", address: str = ""):
    """The walk-in applicant's account, by the CCCD the officer checked on the card.

    Only an account whose CCCD is proven (VNeID, or an earlier check at a counter) is the person's:
    a number merely typed into somebody's profile binds nothing, so a squatter never receives
    another person's dossier, scans or result. Without a proven account, the counter opens one —
    proven by this officer's check — that the person can claim later.
    """
    User = get_user_model()
    cccd = normalize_cccd(cccd)
    validate_cccd(cccd)
    user = User.objects.filter(cccd=cccd, cccd_verified_at__isnull=False).first()
    if user is not None:
        return user
    if not full_name.strip():
        raise ValidationError(_("Enter the applicant's full name."))
    user = User(
        email=f"cccd-{cccd}@tai-quay.invalid",
        full_name=full_name.strip(),
        cccd=cccd,
        cccd_verified_at=timezone.now(),
        cccd_verified_by="counter",
        phone=normalize_phone(phone),
        address=address.strip(),
    )
    user.set_unusable_password()
    user.save()
    return user


def pickup_problems(*, pickup_address: str, collected_at: dt.datetime | None, now: dt.datetime) -> dict[str, str]:
    """What is wrong with the pickup of a dossier received by post (channel 3), by field."""
    problems = {}
    if not (pickup_address or "").strip():
        problems["pickup_address"] = _("Received by post: give the address where the post collected the dossier.")
    if collected_at is None:
        problems["collected_at"] = _("Received by post: give the time the post collected the dossier.")
    elif collected_at > now + CLOCK_SKEW:
        problems["collected_at"] = _("The collection time cannot be in the future.")
    elif collected_at < now - PICKUP_MAX_AGE:
        problems["collected_at"] = _(
            "The collection time cannot be more than %(days)d days ago: check the date on the postal receipt."
        ) % {"days": PICKUP_MAX_AGE.days}
    return problems


@performs("register")
@transaction.atomic
def dossier_register(
    *,
    actor,
    agency: Agency,
    procedure: Procedure,
    applicant: dict,
    checked_documents: list[str],
    scans: list,
    delivery_method: str,
    channel: int = DossierChannel.COUNTER,
    delivery_address: str = "",
    delivery_phone: str = "",
    delivery_province_code: str = "",
    delivery_ward_code: str = "",
    pickup_address: str = "",
    collected_at: dt.datetime | None = None,
) -> Dossier:
    """Register a paper dossier on the applicant's behalf and issue form 01 at once: at the
    counter (receptionist) or received by post (postal clerk, Decision 45/2016/QĐ-TTg) — then with
    the address where the post collected it and when (`pickup_problems`).

    A result by post needs the delivery address and a mobile number the postman can call (the
    applicant's own when none is given), as the online wizard does (citizen.dossier_problems)."""
    # The guard first, on the dossier as it would be: nothing is created for someone not allowed.
    reason = refusal(ACTIONS["register"].guard, Dossier(agency=agency, channel=channel), Who.of(actor, fresh=True))
    if reason:
        raise TransitionError(reason)
    if procedure.status != ProcedureStatus.PUBLISHED:
        raise ValidationError(_("This procedure is not published."))
    if delivery_method not in procedure.delivery_methods:
        raise ValidationError(_("Choose how to receive the result."))
    known = {d.code: d for d in procedure.documents.all()}
    missing = [d.name for d in known.values() if d.required and d.code not in checked_documents]
    if missing:
        # Decree 118/2025/NĐ-CP practice: an incomplete paper dossier is not received; the officer guides
        # the citizen in writing (form 02) instead.
        raise ValidationError(_("Missing document: %(name)s") % {"name": ", ".join(missing)})
    pickup_address = (pickup_address or "").strip() if channel == DossierChannel.POST else ""
    if channel == DossierChannel.POST:
        problems = pickup_problems(pickup_address=pickup_address, collected_at=collected_at, now=timezone.now())
        if problems:
            raise ValidationError(problems)
    else:
        collected_at = None
    person = applicant_find_or_create(
        cccd=applicant.get("cccd", ""),
        full_name=applicant.get("full_name", ""),
        phone=applicant.get("phone", ""),
        address=applicant.get("address", ""),
    )
    phone = normalize_phone(applicant.get("phone") or person.phone)
    address = applicant.get("address") or person.address
    delivery_address = (delivery_address or "").strip() or address
    delivery_phone = normalize_phone(delivery_phone or "") or phone
    if delivery_method == "post":
        if not (delivery_address or "").strip():
            raise ValidationError(_("Enter the delivery address."))
        try:
            validate_vn_mobile(delivery_phone)
        except ValidationError as exc:
            raise ValidationError(_("Enter a mobile number the postman can call.")) from exc
    draft = Dossier.objects.create(
        public_id=uuid.uuid4(),
        procedure=procedure,
        agency=agency,
        applicant=person,
        channel=channel,
        applicant_name=person.full_name,
        applicant_id_number=person.cccd or "",
        applicant_phone=phone,
        applicant_address=address,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        delivery_phone=delivery_phone,
        # The postage zone of a result by post (onestop.fees): the ward's administrative-unit codes.
        delivery_province_code=delivery_province_code if delivery_method == "post" else "",
        delivery_ward_code=delivery_ward_code if delivery_method == "post" else "",
        pickup_address=pickup_address,
        collected_at=collected_at,
        declaration_accepted=True,
        snapshot=procedure_snapshot(procedure),
    )
    _attach_scans(draft, scans)
    locked = begin(draft, "register", actor=actor)
    now = timezone.now()
    locked.received_at = now
    updates = {
        "code": dossier_code_next(agency=agency, at=now),
        "submitted_at": now,
        "received_at": now,
        "due_at": clock.processing_due(locked, now),
        # The postage of a result by post, quoted now and kept (onestop.fees).
        "snapshot": {**locked.snapshot, "postage": dossier_postage(locked, locked.snapshot)},
        **_first_step(locked, actor, now),
    }
    return finish(
        locked,
        "register",
        actor=actor,
        updates=updates,
        step=updates.get("current_step"),
        data={"form": "01", "checked_documents": [c for c in checked_documents if c in known]},
    )


def _attach_scans(dossier: Dossier, scans: list) -> None:
    from ..uploads.storage import stored_file_create
    from ..uploads.validation import UploadRejected, validate_upload

    names = {d["code"]: d["name"] for d in dossier.snapshot.get("documents", [])}
    for code, uploaded in scans:
        try:
            validated = validate_upload(uploaded, max_bytes=SCAN_MAX_BYTES)
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
