"""Form 06 (Circular 03/2025/TT-VPCP): Phiếu kiểm soát quá trình giải quyết hồ sơ, rendered from the events.

DESIGN §4.1: the transition service writes a DossierEvent for every change; this slip is read from
those events only. Each hand-over of the dossier (from the applicant or a unit to the next unit, and
finally to the applicant) is one row: who handed over, who received, when, and whether the hand-over
was before, on or after the deadline of the step being left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onestop.models import Dossier

from ..layout import vn_datetime
from ..render import render_pdf
from .common import (
    BLANK,
    applicant,
    form_meta,
    parse_when,
    person_name,
    procedure_name,
    return_method_words,
    short_date,
    short_datetime,
)

TEMPLATE = "pdf/forms/06_control_slip.html"

# The actions that move a dossier from one holder to the next (onestop.workflow.table). "register"
# is the counter's and the post's reception of a paper dossier, the same hand-over as "receive".
RECEPTION_ACTIONS = frozenset({"register", "receive"})
HANDOVER_ACTIONS = RECEPTION_ACTIONS | {"forward", "send_back", "transfer", "resolve", "return_result"}

# Local convention, not the Circular's: form 06 prints "trước hạn / đúng hạn / quá hạn" for each
# hand-over without saying where "before" ends and "on time" begins. Here: handed over at least this
# long before the deadline → trước hạn; later, up to and including the deadline → đúng hạn; after
# it → quá hạn (the national statistics count "on time" as ≤ the appointment, REFERENCE.md).
ON_TIME_WINDOW = dt.timedelta(hours=1)

EARLY, ON_TIME, LATE = "Trước hạn", "Đúng hạn", "Quá hạn"

# Events that are not hand-overs but belong in the note of the row the dossier is in.
_NOTE_WORDS = {
    "request_supplement": "Yêu cầu bổ sung hồ sơ (Mẫu số 02)",
    "supplement": "Đã bổ sung hồ sơ",
    "extend": "Gia hạn, xin lỗi (Mẫu số 04)",
    "stop": "Dừng giải quyết (Mẫu số 05)",
    "request_payment": "Yêu cầu thực hiện nghĩa vụ tài chính",
}


def timeliness(handed_at: dt.datetime, deadline: dt.datetime | None) -> str:
    """'Trước hạn' / 'Đúng hạn' / 'Quá hạn' for a hand-over at `handed_at`; '' without a deadline."""
    if deadline is None:
        return ""
    if handed_at > deadline:
        return LATE
    if handed_at > deadline - ON_TIME_WINDOW:
        return ON_TIME
    return EARLY


@dataclass
class Row:
    """One hand-over: '1. Giao' from_agency by from_user, '2. Nhận' to_agency by to_user."""

    action: str
    from_agency: str
    to_agency: str
    from_user: str
    to_user: str
    handed_at: dt.datetime
    received_at: dt.datetime
    deadline: dt.datetime | None
    result: str
    notes: list[str]

    @property
    def handed_words(self) -> str:
        return vn_datetime(self.handed_at)

    @property
    def received_words(self) -> str:
        return vn_datetime(self.received_at)

    @property
    def deadline_words(self) -> str:
        return short_datetime(self.deadline)

    @property
    def note(self) -> str:
        return "; ".join(n for n in self.notes if n)


def _deadline(event: Any, data: dict, check_due_at: dt.datetime | None) -> dt.datetime | None:
    """The deadline of the step being left: the step's (event data, written by the back-office
    services), else the dossier's appointment recorded on the event. A reception sets the
    appointment itself, so it is judged against the check deadline of an online dossier (Decree
    Decree 118/2025/NĐ-CP practice: checked within 8 working hours), or not at all."""
    step_due = parse_when(data.get("step_due_at"))
    if step_due is not None:
        return step_due
    if event.action in RECEPTION_ACTIONS:
        return parse_when(data.get("check_due_at")) or check_due_at
    return parse_when(getattr(event, "deadline", None))


def handover_rows(
    events: Iterable[Any],
    *,
    receiving_agency: str = "",
    step_agency: str = "",
    applicant_name: str = "",
    check_due_at: dt.datetime | None = None,
) -> list[Row]:
    """The rows of form 06 from a dossier's events, oldest first (pure: reads attributes only).

    An event needs action, created_at, data (dict), actor (user or None), note and deadline; data may
    name "from_agency", "to_agency", "from_user", "to_user", "step_due_at" (ISO) and, for the return,
    "method" and "recipient_name". Missing names fall back to the actor, to the unit the dossier was
    in as the events are read (starting at `receiving_agency`, else `step_agency`: the current unit
    is right only for the last hand-over) and to the applicant. Who received a hand-over, when the
    event does not say, is the person the unit assigned it to, or else whoever handed it on next.
    `check_due_at` (an online dossier's check deadline) judges the reception.
    """
    rows: list[Row] = []
    holder = receiving_agency or step_agency  # the unit holding the dossier as events are read
    for event in sorted(events, key=lambda e: e.created_at):
        data = event.data or {}
        actor = person_name(getattr(event, "actor", None))
        last = rows[-1] if rows else None
        if event.action == "assign":
            if last is not None and not last.to_user:
                last.to_user = str(data.get("assignee") or "")
            continue
        if event.action not in HANDOVER_ACTIONS:
            words = _NOTE_WORDS.get(event.action)
            if words and last is not None:
                last.notes.append(f"{words} ({short_date(event.created_at)})")
            continue

        if event.action in RECEPTION_ACTIONS:
            from_agency = data.get("from_agency") or "Tổ chức, cá nhân nộp hồ sơ"
            from_user = data.get("from_user") or applicant_name
            to_agency = data.get("to_agency") or receiving_agency or step_agency
            to_user = data.get("to_user") or actor
        elif event.action == "return_result":
            from_agency = data.get("from_agency") or receiving_agency or holder
            from_user = data.get("from_user") or actor
            recipient = data.get("recipient_name") or applicant_name
            to_agency = data.get("to_agency") or "Tổ chức, cá nhân nhận kết quả"
            to_user = data.get("to_user") or recipient
        else:
            from_agency = data.get("from_agency") or holder
            from_user = data.get("from_user") or actor
            # A resolved dossier goes back to the desk that returns the result.
            fallback = receiving_agency if event.action == "resolve" else holder
            to_agency = data.get("to_agency") or fallback
            to_user = data.get("to_user") or ""

        if last is not None and not last.to_user:
            last.to_user = from_user  # whoever hands it on had received it
        notes = [event.note.strip()] if (event.note or "").strip() else []
        if event.action == "send_back":
            notes.insert(0, "Trả lại bước trước")
        elif event.action == "transfer":
            notes.insert(0, "Chuyển liên thông")
        elif event.action == "return_result":
            notes.insert(0, return_method_words(data.get("method", "")))
        deadline = _deadline(event, data, check_due_at)
        received = parse_when(data.get("received_at")) or event.created_at
        rows.append(
            Row(
                action=event.action,
                from_agency=from_agency,
                to_agency=to_agency,
                from_user=from_user,
                to_user=to_user,
                handed_at=event.created_at,
                received_at=received,
                deadline=deadline,
                result=timeliness(event.created_at, deadline),
                notes=notes,
            )
        )
        holder = to_agency
    return rows


def form06_context(dossier: Dossier, *, events: Iterable[Any] | None = None) -> dict[str, Any]:
    if not dossier.code:
        raise ValueError("Form 06 is kept for a dossier with a code.")
    if events is None:
        events = dossier.events.select_related("actor").all()
    rows = handover_rows(
        events,
        receiving_agency=dossier.agency.name,
        step_agency=dossier.step_agency.name if dossier.step_agency_id else "",
        applicant_name=dossier.organisation_name or dossier.applicant_name,
        check_due_at=dossier.check_due_at,
    )
    received = dossier.received_at or dossier.submitted_at
    return {
        "form_number": "06",
        "doc": form_meta("06", agency=dossier.agency, at=None, with_date=False),
        "dossier": dossier,
        "applicant": applicant(dossier),
        "procedure_name": procedure_name(dossier),
        "received_at": vn_datetime(received) if received else BLANK,
        "due_at": vn_datetime(dossier.due_at) if dossier.due_at else BLANK,
        "rows": rows,
    }


def form06_control_slip_pdf(dossier: Dossier, *, events: Iterable[Any] | None = None) -> bytes:
    """Form 06 as PDF bytes, from `events` (default: the dossier's events, with their actors).

    Pass events loaded with ``select_related("actor")`` (or a prefetch of ``events__actor``) to
    save a query per event; select ``agency__parent`` and ``step_agency`` on the dossier.
    """
    return render_pdf(TEMPLATE, form06_context(dossier, events=events))
