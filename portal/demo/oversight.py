"""What lanhdao@demo.vn (leader, UBND tỉnh) oversees (issue #12): late and nearly late dossiers in
several agencies of the province, each with the reason its officers recorded — an extension with
apology (form 04) or a send-back note — moved there by the demo staff through the workflow's actions,
then aged like the other demo dossiers (idempotent: the reasons below mark what was made)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from onestop import workflow as bo
from onestop.models import Dossier, DossierEvent, DossierStatus, Role
from onestop.workflow.steps import current_step
from portal.models import User
from procedures.models import Procedure, ProcedureStatus

from .backoffice import _age
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


def _late_by(dossier: Dossier, *, days: float) -> None:
    """Age the dossier so that its appointment passed `days` ago (negative: is `-days` ahead)."""
    fresh = Dossier.objects.get(pk=dossier.pk)
    ahead = (fresh.due_at - timezone.now()).total_seconds() / 86400
    _age(fresh, ahead + days)


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
    made = 0
    extended = sent_back = 0
    for n, procedure in enumerate(procedures):
        if extended >= 8 and sent_back >= 4:
            break
        dossier = demo_dossier(procedure=procedure, applicant=rng.choice(citizens))
        try:
            dossier = walk(dossier, until=_processing, staff=staff)
        except RuntimeError:
            continue
        made += 1
        holder = staff.holder(dossier)
        if extended < 8 and bo.allowed_actions(dossier=dossier, user=approver, actions=("extend",)):
            reason = EXTENSION_REASONS[extended % len(EXTENSION_REASONS)]
            dossier = bo.dossier_extend(
                dossier=dossier, actor=approver, reason=reason, new_due_at=dossier.due_at + dt.timedelta(days=4)
            )
            # Most are late even after the new date; every third one falls due within the working day.
            _late_by(dossier, days=-0.1 if extended % 3 == 2 else rng.uniform(1, 10))
            extended += 1
        elif sent_back < 4:
            dossier = walk(dossier, until=_at_second_step, staff=staff)
            holder = staff.holder(dossier)
            if dossier.status != S.PROCESSING or not bo.allowed_actions(
                dossier=dossier, user=holder, actions=("send_back",)
            ):
                _late_by(dossier, days=rng.uniform(0.2, 2))
                continue
            bo.dossier_send_back(dossier=dossier, actor=holder, reason=SEND_BACK_REASONS[sent_back % 3])
            _late_by(dossier, days=rng.uniform(1, 9) if n % 2 else -0.1)
            sent_back += 1
    return made
