"""Back-office actions on a dossier (DESIGN §4.1; Decree 61/2018 practice, Circular 03/2025 forms).

Each action is a thin rule layer over the one transition service (onestop.workflow.transitions):
it checks what the table cannot express (the current process step and its role, the once-only
rules, dates) and hands the status change, the event and the notification to it — one
transaction, one row lock. Forms 01–05 are rendered from the dossier and the event data on demand.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Agency

from ..models import DocumentRole, Dossier, DossierDocument, DossierStatus, Role, StaffRole
from ..workflow.transitions import TransitionError, dossier_transition
from . import clock

# Decree 61/2018 practice, configurable later: one supplement request and one extension.
MAX_SUPPLEMENT_REQUESTS_WITHOUT_FLAG = 1
MAX_EXTENSIONS = 1


def _steps(dossier: Dossier) -> list[dict]:
    return (dossier.snapshot or {}).get("process", [])


def current_step(dossier: Dossier) -> dict | None:
    steps = _steps(dossier)
    if dossier.current_step and 1 <= dossier.current_step <= len(steps):
        return steps[dossier.current_step - 1]
    return None


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise TransitionError(_("The unit of the next step (%(code)s) is not in the agency list.") % {"code": code})
    return agency


def _holds(user, role: str, agency_id: int | None) -> bool:
    return (
        bool(agency_id)
        and StaffRole.objects.filter(
            user=user, role=role, agency_id=agency_id, active=True, agency__active=True
        ).exists()
    )


def _require_step_role(dossier: Dossier, actor, *roles: str) -> dict:
    """The actor must hold the current step's role in the current step's unit."""
    step = current_step(dossier)
    if step is None:
        raise TransitionError(_("This dossier is not at a processing step."))
    if step["role"] not in roles or not _holds(actor, step["role"], dossier.step_agency_id):
        raise TransitionError(_("Only the holder of the current step may do this."))
    return step


def _step_values(dossier: Dossier, index: int, now: dt.datetime) -> dict:
    step = _steps(dossier)[index - 1]
    return {
        "current_step": index,
        "step_agency": _agency(step["agency"]),
        "step_due_at": clock.step_due(dossier, step, now),
        "assignee": None,
    }


def _handover(dossier: Dossier, actor, to_values: dict) -> dict:
    """Event data for form 06 (who handed over, to which unit, the step's deadline)."""
    return {
        "from_agency": dossier.step_agency.name if dossier.step_agency_id else dossier.agency.name,
        "to_agency": to_values["step_agency"].name if to_values.get("step_agency") else "",
        "from_user": actor.get_full_name(),
        "step_due_at": dossier.step_due_at.isoformat() if dossier.step_due_at else None,
        "new_step_due_at": to_values["step_due_at"].isoformat() if to_values.get("step_due_at") else None,
    }


# --------------------------------------------------------------------------------- reception


@transaction.atomic
def dossier_receive(*, dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    """Accept an online dossier after the check: the appointment is set and form 01 issued."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    now = timezone.now()
    updates = {"received_at": now, "due_at": clock.processing_due(locked, now)}
    if _steps(locked):
        updates.update(_step_values(locked, 1, now))
        if _steps(locked)[0]["role"] == Role.RECEPTIONIST:
            updates["assignee"] = actor  # the receptionist's own intake step
    dossier_transition(
        dossier=locked,
        action="receive",
        actor=actor,
        expected_version=expected_version,
        updates=updates,
        step=updates.get("current_step"),
        data={"form": "01", "to_agency": updates["step_agency"].name if "step_agency" in updates else ""},
    )
    _refresh(dossier, locked)
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor, reasons: str, expected_version: int | None = None) -> Dossier:
    """Refuse at reception, in writing (form 03)."""
    if not (reasons or "").strip():
        raise ValidationError(_("Give the reasons for refusing the dossier."))
    dossier_transition(
        dossier=dossier,
        action="refuse",
        actor=actor,
        expected_version=expected_version,
        note=reasons.strip(),
        data={"form": "03", "reasons": reasons.strip()},
        updates={"closed_at": timezone.now()},
    )
    return dossier


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
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_supplement_right(locked, actor)
    # More than one supplement request counts as overdue in national statistics (REFERENCE.md).
    counts_as_overdue = locked.supplement_requests >= MAX_SUPPLEMENT_REQUESTS_WITHOUT_FLAG
    now = timezone.now()
    dossier_transition(
        dossier=locked,
        action="request_supplement",
        actor=actor,
        expected_version=expected_version,
        note=reason.strip(),
        data={"form": "02", "items": items, "counts_as_overdue": counts_as_overdue},
        updates={"supplement_requests": locked.supplement_requests + 1, **clock.pause(locked, now)},
    )
    _refresh(dossier, locked)
    return dossier


def _may_request_supplement(dossier: Dossier, user) -> bool:
    """At the check (submitted) the desk asks; later, the holder of the current step."""
    if dossier.status == DossierStatus.SUBMITTED:
        return _holds(user, Role.RECEPTIONIST, dossier.agency_id)
    step = current_step(dossier)
    return bool(step) and _holds(user, step["role"], dossier.step_agency_id)


def _require_supplement_right(dossier: Dossier, user) -> None:
    if not _may_request_supplement(dossier, user):
        raise TransitionError(_("Only the holder of the current step may do this."))


def supplement_resume_values(dossier: Dossier) -> dict:
    """Used by the citizen's supplement (onestop.submission.services): the clock resumes."""
    return clock.resume(dossier, timezone.now())


# -------------------------------------------------------------------------------- processing


def _move_to_step(
    dossier: Dossier, locked: Dossier, *, actor, action: str, index: int, note: str, expected_version: int | None
) -> Dossier:
    """Put the dossier at step `index` (its unit, a fresh step deadline, unassigned), recording the
    hand-over that form 06 prints."""
    values = _step_values(locked, index, timezone.now())
    dossier_transition(
        dossier=locked,
        action=action,
        actor=actor,
        expected_version=expected_version,
        note=note,
        step=index,
        data=_handover(locked, actor, values),
        updates=values,
    )
    _refresh(dossier, locked)
    return dossier


@transaction.atomic
def dossier_forward(*, dossier: Dossier, actor, note: str = "", expected_version: int | None = None) -> Dossier:
    """Hand the dossier to the next step of its process (the first forward starts processing)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    steps = _steps(locked)
    if locked.current_step and not _holds(actor, current_step(locked)["role"], locked.step_agency_id):
        raise TransitionError(_("Only the holder of the current step may do this."))
    next_index = (locked.current_step or 0) + 1
    if next_index > len(steps):
        raise TransitionError(_("This is the last step: approve the result instead."))
    return _move_to_step(
        dossier, locked, actor=actor, action="forward", index=next_index, note=note, expected_version=expected_version
    )


@transaction.atomic
def dossier_send_back(*, dossier: Dossier, actor, reason: str, expected_version: int | None = None) -> Dossier:
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for sending the dossier back."))
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_step_role(locked, actor, Role.SPECIALIST, Role.APPROVER)
    if (locked.current_step or 0) <= 1:
        raise TransitionError(_("There is no previous step to send the dossier back to."))
    return _move_to_step(
        dossier,
        locked,
        actor=actor,
        action="send_back",
        index=locked.current_step - 1,
        note=reason.strip(),
        expected_version=expected_version,
    )


@transaction.atomic
def dossier_assign(*, dossiers: list[Dossier], actor, assignee, expected_version: int | None = None) -> int:
    """Give dossiers of one's unit to a specialist (also several at once). `expected_version` guards
    a single dossier's page against a stale view, as for every other action."""
    done = 0
    for dossier in dossiers:
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        step = current_step(locked)
        unit = locked.step_agency_id or locked.agency_id
        if not (_holds(actor, Role.APPROVER, unit) or _holds(actor, Role.RECEPTIONIST, locked.agency_id)):
            raise TransitionError(_("Only the head of the unit may assign its dossiers."))
        role = step["role"] if step else Role.SPECIALIST
        if not _holds(assignee, role, unit):
            raise TransitionError(
                _("%(name)s does not hold the role this step needs in that unit.") % {"name": assignee.get_full_name()}
            )
        dossier_transition(
            dossier=locked,
            action="assign",
            actor=actor,
            expected_version=expected_version,
            step=locked.current_step,
            data={"assignee_id": assignee.pk, "assignee": assignee.get_full_name()},
            updates={"assignee": assignee},
        )
        done += 1
    return done


@transaction.atomic
def dossier_transfer(
    *, dossier: Dossier, actor, to_agency: Agency, note: str, expected_version: int | None = None
) -> Dossier:
    """Inter-agency (liên thông): the dossier goes to the other agency's steps and keeps its code;
    the originating centre still returns the result."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_step_role(locked, actor, Role.APPROVER)
    steps = _steps(locked)
    target = next(
        (i for i in range(locked.current_step + 1, len(steps) + 1) if steps[i - 1]["agency"] == to_agency.code), None
    )
    if target is None:
        raise TransitionError(_("This procedure has no later step at %(agency)s.") % {"agency": to_agency.name})
    return _move_to_step(
        dossier, locked, actor=actor, action="transfer", index=target, note=note, expected_version=expected_version
    )


@transaction.atomic
def dossier_resolve(
    *, dossier: Dossier, actor, result_file, note: str = "", expected_version: int | None = None
) -> Dossier:
    """Approve and attach the result (a signed or scanned PDF): the result is ready (national 9).

    The result file belongs to the citizen: it goes into their data store (Decree 45/2020).
    """
    from ..uploads.storage import stored_file_create
    from ..uploads.validation import UploadRejected, validate_upload

    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_step_role(locked, actor, Role.APPROVER)
    if result_file is None:
        raise ValidationError(_("Attach the result (a PDF)."))
    try:
        validated = validate_upload(result_file, allowed=["pdf"], max_bytes=20 * 1024 * 1024)
    except UploadRejected as exc:
        raise ValidationError(str(exc)) from exc
    stored = stored_file_create(owner=locked.applicant, uploaded=result_file, validated=validated)
    DossierDocument.objects.create(
        dossier=locked, requirement_code="KETQUA", requirement_name=_("Result"), file=stored, role=DocumentRole.RESULT
    )
    steps = _steps(locked)
    updates: dict = {"assignee": None}
    # A last step at the one-stop desk returns the result; the dossier waits there.
    if steps and steps[-1]["role"] == Role.RECEPTIONIST and locked.current_step != len(steps):
        updates.update(_step_values(locked, len(steps), timezone.now()))
    if locked.delivery_method == "post":
        from .hooks import postal_return_requested

        # DESIGN §4.5: a result to be delivered by post goes to the postal clerk's queue.
        transaction.on_commit(lambda: postal_return_requested(dossier=locked, actor=actor))
    dossier_transition(
        dossier=locked,
        action="resolve",
        actor=actor,
        expected_version=expected_version,
        note=note,
        step=updates.get("current_step", locked.current_step),
        data={**_handover(locked, actor, updates), "result_file": stored.pk},
        updates=updates,
    )
    _refresh(dossier, locked)
    return dossier


@transaction.atomic
def dossier_request_payment(*, dossier: Dossier, actor, note: str = "", expected_version: int | None = None) -> Dossier:
    """Fees or financial obligations due (national 6); the payments app confirms through the
    transition service (action confirm_payment, system=True)."""
    dossier_transition(
        dossier=dossier, action="request_payment", actor=actor, note=note, expected_version=expected_version
    )
    return dossier


@transaction.atomic
def dossier_extend(
    *, dossier: Dossier, actor, reason: str, new_due_at: dt.datetime, expected_version: int | None = None
) -> Dossier:
    """Apologise and set a new date (form 04): at least one working day before the due date, once."""
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the delay."))
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.extensions >= MAX_EXTENSIONS:
        raise TransitionError(_("The appointment has already been extended once."))
    if locked.due_at is None:
        raise TransitionError(_("This dossier has no appointment date yet."))
    now = timezone.now()
    left = clock.working_minutes_left(locked, now)
    if left is None or left < clock.minutes_per_working_day(locked):
        raise TransitionError(_("The apology must be issued at least one working day before the due date."))
    if new_due_at <= locked.due_at:
        raise ValidationError(_("The new appointment must be later than the current one."))
    old = locked.due_at
    dossier_transition(
        dossier=locked,
        action="extend",
        actor=actor,
        expected_version=expected_version,
        note=reason.strip(),
        data={"form": "04", "old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
        updates={"due_at": new_due_at, "extensions": locked.extensions + 1},
    )
    _refresh(dossier, locked)
    return dossier


@transaction.atomic
def dossier_stop(
    *, dossier: Dossier, actor, reason: str, legal_basis: str, expected_version: int | None = None
) -> Dossier:
    """Stop processing (form 05), with the reason and the legal basis."""
    if not (reason or "").strip() or not (legal_basis or "").strip():
        raise ValidationError(_("Give the reason and the legal basis for stopping."))
    dossier_transition(
        dossier=dossier,
        action="stop",
        actor=actor,
        expected_version=expected_version,
        note=reason.strip(),
        data={"form": "05", "legal_basis": legal_basis.strip()},
        updates={"closed_at": timezone.now(), "assignee": None},
    )
    return dossier


@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier,
    actor,
    method: str,
    recipient_name: str = "",
    recipient_id_number: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Return the result (national 10): at the counter (recipient recorded), online (the e-result is
    published to the citizen's data store), or by post (handed to the postal return)."""
    if method not in ("counter", "online", "post"):
        raise ValidationError(_("Choose how the result is returned."))
    if method == "counter" and not (recipient_name.strip() and recipient_id_number.strip()):
        raise ValidationError(_("Record the name and ID number of the person who collects the result."))
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    # By post, the postal clerk records the delivery (Decision 45/2016/QĐ-TTg); the desk returns
    # results at the counter and online.
    needed = Role.POSTAL_CLERK if method == "post" else Role.RECEPTIONIST
    if not _holds(actor, needed, locked.agency_id):
        raise TransitionError(
            _("Results by post are marked returned by the postal clerk when delivered.")
            if method == "post"
            else _("Only the one-stop desk returns results at the counter or online.")
        )
    dossier_transition(
        dossier=locked,
        action="return_result",
        actor=actor,
        expected_version=expected_version,
        data={
            "method": method,
            "recipient_name": recipient_name.strip(),
            "recipient_id_number": recipient_id_number.strip(),
        },
        updates={"closed_at": timezone.now(), "assignee": None},
    )
    _refresh(dossier, locked)
    return dossier


def _refresh(target: Dossier, source: Dossier) -> None:
    for field in (
        "status", "version", "current_step", "step_agency_id", "assignee_id", "step_due_at", "due_at",
        "received_at", "paused_at", "remaining_minutes", "step_remaining_minutes", "supplement_requests",
        "extensions", "closed_at",
    ):  # fmt: skip
        setattr(target, field, getattr(source, field))
    target._state.fields_cache.clear()


def dossier_register_counter(**kwargs) -> Dossier:
    """Counter / postal reception (see counter.py)."""
    from .counter import dossier_register_counter as register

    return register(**kwargs)


# --------------------------------------------------------------------------------- reading


def allowed_actions(*, dossier: Dossier, user) -> list[str]:
    """The actions this user may take on this dossier now (the page shows only these)."""
    from ..workflow.table import TRANSITIONS
    from ..workflow.transitions import actor_may

    result = []
    step = current_step(dossier)
    for name, transition in TRANSITIONS.items():
        if name in {"submit", "supplement", "withdraw", "confirm_payment", "register"}:
            continue  # citizen actions, or done elsewhere
        if dossier.status not in transition.sources or not actor_may(
            transition=transition, dossier=dossier, actor=user
        ):
            continue
        if name in {"send_back", "transfer", "resolve"} and not (
            step and _holds(user, step["role"], dossier.step_agency_id)
        ):
            continue
        if name == "forward" and step and not _holds(user, step["role"], dossier.step_agency_id):
            continue
        if name == "forward" and step and dossier.current_step >= len(_steps(dossier)):
            continue
        if name in {"resolve", "transfer"} and step and step["role"] != Role.APPROVER:
            continue
        if name == "request_supplement" and not _may_request_supplement(dossier, user):
            continue
        if name == "send_back" and (dossier.current_step or 0) <= 1:
            continue
        if name == "extend" and dossier.extensions >= MAX_EXTENSIONS:
            continue
        result.append(name)
    return result
