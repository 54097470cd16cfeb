"""What lanhdao@demo.vn (leader, UBND tỉnh) oversees (issue #12): late and nearly late dossiers in
several agencies of the province, each with the reason its officers recorded — an extension with
apology (form 04) or a send-back note — moved there by the demo staff through the workflow's actions,
each started on the demo's working clock (portal.demo.clock) far enough back for its appointment
to fall where it should (idempotent: the reasons below mark what was made)."""

from __future__ import annotations

import random

from onestop import workflow as bo
from onestop.models import Dossier, DossierEvent, DossierStatus, Role
from onestop.workflow.steps import current_step
from portal.models import User
from procedures.models import Procedure, ProcedureStatus

from .clock import WorkingClock, working_clock
from .dossiers import demo_dossier
from .walk import DemoStaff, walk

S = DossierStatus

# Reasons an officer would write (Circular 03/2025 form 04: why the dossier is late).
EXTENSION_REASONS = [
    "Chờ kết quả xác minh nơi cư trú của Công an phường.",
    "Chờ ý kiến thẩm định của cơ quan phối hợp liên thông.",
    "Hồ sơ cần kiểm tra thực địa; đoàn kiểm tra đã lên lịch.",
    "Chờ trích lục bản đồ địa chính từ Văn phòng đăng ký đất đai.",
    "Cán bộ thụ lý nghỉ ốm đột xuất, đã giao cán bộ khác tiếp nhận.",
]
SEND_BACK_REASONS = [
    "Dự thảo kết quả chưa đúng mẫu; đề nghị chỉnh sửa lại.",
    "Thiếu ý kiến thẩm định của phòng chuyên môn.",
    "Số liệu trong tờ khai chưa khớp với giấy tờ kèm theo; đề nghị kiểm tra lại.",
]
MARKERS = EXTENSION_REASONS + SEND_BACK_REASONS
# Receiving agencies: the provincial centre (its dossiers go to the departments) and the wards.
DESKS = ["000.00.01.H12", "000.20.01.H12", "000.20.02.H12", "000.20.03.H12", "000.20.04.H12"]


def _processing(dossier: Dossier) -> bool:
    step = current_step(dossier)
    return dossier.status == S.PROCESSING and step is not None and step["role"] == Role.SPECIALIST


def _at_second_step(dossier: Dossier) -> bool:
    return dossier.status == S.PROCESSING and (dossier.current_step or 0) >= 2


def _start(clock: WorkingClock, procedure: Procedure, *, late_days: float, extra_days: float = 0) -> None:
    """Start the next dossier so that its appointment falls about `late_days` calendar days ago
    (negative: that far ahead): its statutory working time, at about five working days a week,
    plus `extra_days` (an extension), back from now. The calendar then sets the real deadlines."""
    from onestop.workflow.snapshot import statutory_hours

    calendar_days = float(statutory_hours(procedure)) / 8 * 7 / 5
    clock.start(days_back=max(calendar_days + extra_days + late_days, 0.05))


def seed_leader_oversight() -> int:
    """Late and due-soon dossiers with reasons across the province's agencies (once)."""
    if DossierEvent.objects.filter(note__in=MARKERS).exists():
        return 0
    rng = random.Random(1212)  # noqa: S311 — demo data
    staff = DemoStaff()
    approver = staff.by_role[Role.APPROVER]
    citizens = list(User.objects.filter(email__startswith="nguoidan").order_by("email")[:40])
    if not citizens:
        return 0
    procedures = [
        p
        for p in Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, receiving_agency__code__in=DESKS)
        .prefetch_related("channels")
        .order_by("code")
        if any(c.channel == 2 for c in p.channels.all())
    ]
    with working_clock(rng) as clock:
        return _seed(rng, clock, staff, approver, citizens, procedures)


def _seed(rng, clock: WorkingClock, staff: DemoStaff, approver, citizens, procedures) -> int:
    made = 0
    extended = sent_back = 0
    per_day = clock.calendar.working_hours.minutes_per_day
    for n, procedure in enumerate(procedures):
        if extended >= 8 and sent_back >= 4:
            break
        # Decided before the dossier exists: where its appointment should fall. Most are late even
        # after a new date; every third extension and every other send-back falls due within the day.
        if extended < 8:
            _start(clock, procedure, late_days=-0.1 if extended % 3 == 2 else rng.uniform(1, 10), extra_days=5.6)
        else:
            _start(clock, procedure, late_days=rng.uniform(1, 9) if n % 2 else -0.1)
        dossier = demo_dossier(procedure=procedure, applicant=rng.choice(citizens))
        try:
            dossier = walk(dossier, until=_processing, staff=staff)
        except RuntimeError:
            continue
        made += 1
        if extended < 8 and bo.allowed_actions(dossier=dossier, user=approver, actions=("extend",)):
            reason = EXTENSION_REASONS[extended % len(EXTENSION_REASONS)]
            # Four working days more, from the calendar (a new date is a working moment too).
            new_due_at = clock.calendar.add_working_time(dossier.due_at, 4 * per_day)
            clock.a_while()
            bo.dossier_extend(dossier=dossier, actor=approver, reason=reason, new_due_at=new_due_at)
            extended += 1
        elif sent_back < 4:
            dossier = walk(dossier, until=_at_second_step, staff=staff)
            holder = staff.holder(dossier)
            if dossier.status != S.PROCESSING or not bo.allowed_actions(
                dossier=dossier, user=holder, actions=("send_back",)
            ):
                continue
            clock.a_while()
            bo.dossier_send_back(dossier=dossier, actor=holder, reason=SEND_BACK_REASONS[sent_back % 3])
            sent_back += 1
    return made
