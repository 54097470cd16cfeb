"""Walk a dossier through its process with the demo staff only, the way officers would: each move is
an action the dossier page offers the officer holding the step (workflow.allowed_actions), done
through the workflow's functions. The demo seed uses it to put dossiers in every status; a test
walks one dossier of every demo agency from submission to return with it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop import workflow
from onestop.models import Dossier, DossierStatus, Role
from onestop.workflow.steps import current_step

from .accounts import DESK_ACCOUNTS, STEP_ACCOUNTS
from .clock import WorkingClock, active_clock
from .files import result_page_pdf

S = DossierStatus
MAX_MOVES = 40


def result_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("ket-qua.pdf", result_page_pdf(), content_type="application/pdf")


class DemoStaff:
    """The demo accounts by role."""

    def __init__(self) -> None:
        users = get_user_model().objects.in_bulk([*DESK_ACCOUNTS.values(), *STEP_ACCOUNTS.values()], field_name="email")
        self.desk = users[DESK_ACCOUNTS[Role.RECEPTIONIST]]
        self.postal = users[DESK_ACCOUNTS[Role.POSTAL_CLERK]]
        self.by_role = {role: users[email] for role, email in STEP_ACCOUNTS.items()}

    def holder(self, dossier: Dossier):
        step = current_step(dossier)
        return self.by_role[step["role"]] if step else self.desk


def _may(dossier: Dossier, user, action: str) -> bool:
    return action in workflow.allowed_actions(dossier=dossier, user=user, actions=(action,))


def _delivered_by_post(dossier: Dossier, clerk) -> None:
    from onestop.models import Shipment, ShipmentState
    from onestop.postal import services as postal

    shipment = Shipment.objects.get(dossier=dossier)
    if shipment.state in (ShipmentState.TO_PRINT, ShipmentState.PRINTED):
        postal.shipment_record(shipment=shipment, state=ShipmentState.HANDED_OVER, actor=clerk)
    postal.shipment_record(shipment=shipment, state=ShipmentState.DELIVERED, actor=clerk,
                           delivered_to=dossier.applicant_name, relation="Bản thân")  # fmt: skip


def next_move(dossier: Dossier, staff: DemoStaff) -> Callable[[], Dossier] | None:
    """The next thing an officer does to bring the dossier towards its return (None: nothing)."""
    d = dossier
    if d.status == S.SUBMITTED:
        return lambda: workflow.dossier_receive(dossier=d, actor=staff.desk)
    if d.status == S.RESOLVED:
        if d.delivery_method == "post":  # the post delivers it: recorded on the shipment, which returns it
            return lambda: _delivered_by_post(d, staff.postal)
        if d.delivery_method == "counter":
            return lambda: workflow.dossier_return_result(
                dossier=d, actor=staff.desk, method="counter", recipient_name=d.applicant_name,
                recipient_id_number=d.applicant_id_number or "074090001234",
            )  # fmt: skip
        return lambda: workflow.dossier_return_result(dossier=d, actor=staff.desk, method="online")
    if d.status not in (S.RECEIVED, S.PROCESSING):
        return None
    holder = staff.holder(d)
    if _may(d, holder, "forward"):
        return lambda: workflow.dossier_forward(dossier=d, actor=holder, note="Đủ điều kiện, chuyển bước tiếp theo.")
    if _may(d, holder, "transfer"):
        from onestop.workflow.steps import transfer_targets
        from procedures.models import Agency

        to = Agency.objects.get(code=transfer_targets(d)[0])
        return lambda: workflow.dossier_transfer(dossier=d, actor=holder, to_agency=to, note="Chuyển liên thông.")
    if _may(d, holder, "resolve"):
        return lambda: workflow.dossier_resolve(dossier=d, actor=holder, result_file=result_pdf())
    return None


def officer_time(dossier: Dossier, clock: WorkingClock) -> float:
    """Working minutes the officer holding the dossier takes before the next move: a share of what is
    left of the time they have (8 working hours to check a submission, the step's deadline), or up to
    half a day to hand a result over."""
    if dossier.status == S.SUBMITTED:
        deadline = dossier.check_due_at
    elif dossier.status in (S.RECEIVED, S.PROCESSING):
        deadline = dossier.step_due_at or dossier.due_at
    else:
        deadline = None
    if deadline is not None and deadline > clock.current:
        return clock.pace.uniform(0.15, 0.6) * clock.calendar.working_minutes_between(clock.current, deadline)
    return clock.pace.uniform(20, 240)


def walk(dossier: Dossier, *, until: Callable[[Dossier], bool] = lambda d: False, staff: DemoStaff | None = None):
    """Move the dossier until `until(dossier)` holds or it is returned; returns the fresh dossier."""
    staff = staff or DemoStaff()
    for _ in range(MAX_MOVES):
        dossier = Dossier.objects.select_related("agency", "step_agency").get(pk=dossier.pk)
        if until(dossier) or dossier.status == S.RETURNED:
            return dossier
        move = next_move(dossier, staff)
        if move is None:
            raise RuntimeError(
                f"the demo staff cannot move {dossier.code} ({dossier.status}, step {dossier.current_step})"
            )
        if (clock := active_clock()) is not None:  # the demo seed: officers take their time
            clock.spend(officer_time(dossier, clock))
        move()
    raise RuntimeError(f"{dossier.code} did not reach its end in {MAX_MOVES} moves")
