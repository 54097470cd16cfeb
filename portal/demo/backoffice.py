"""About 200 demo dossiers across procedures, agencies and every status, so that the back office
is alive for tiepnhan@, chuyenvien@ and lanhdao.phong@demo.vn (idempotent)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from onestop import workflow as bo
from onestop.models import Dossier, Role
from onestop.models import DossierStatus as S
from onestop.workflow.snapshot import procedure_snapshot
from onestop.workflow.steps import current_step
from portal.models import User
from procedures.models import Procedure, ProcedureStatus

from .clock import working_clock
from .dossiers import demo_dossier
from .walk import DemoStaff, walk

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Quốc", "Thu", "Gia", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Long", "Mai",
         "Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]  # fmt: skip
PLAN = [  # (final state, how many)
    ("submitted", 30), ("received", 25), ("processing_unassigned", 25), ("processing_assigned", 30),
    ("approval", 25), ("supplement", 15), ("resolved", 20), ("returned", 15), ("rejected", 5),
    ("withdrawn", 5), ("stopped", 5),
]  # fmt: skip
STREETS = ["Yersin", "Bạch Đằng", "Cách Mạng Tháng Tám", "Nguyễn Trãi"]


def _citizens(rng: random.Random, n: int) -> list[User]:
    people = []
    for i in range(n):
        email = f"nguoidan{i:02d}@demo.vn"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        year = rng.randint(1960, 2004)
        cccd = f"074{(0 if year < 2000 else 2) + (i % 2)}{year % 100:02d}{rng.randint(0, 999999):06d}"
        user, _ = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": name,
                "cccd": cccd,
                "date_of_birth": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                "address": f"Số {rng.randint(1, 200)} đường {rng.choice(STREETS)}, phường Thủ Dầu Một",
            },
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        people.append(user)
    return people


def _role_at_step(role: str) -> Callable[[Dossier], bool]:
    def reached(dossier: Dossier) -> bool:
        step = current_step(dossier)
        return dossier.status == S.PROCESSING and step is not None and step["role"] == role

    return reached


# Where each planned state stops the walk (portal/demo/walk.py moves the dossier like the officers).
UNTIL: dict[str, Callable[[Dossier], bool]] = {
    "received": lambda d: d.status == S.RECEIVED,
    "processing_unassigned": lambda d: d.status == S.PROCESSING,
    "processing_assigned": _role_at_step(Role.SPECIALIST),
    "approval": _role_at_step(Role.APPROVER),
    "resolved": lambda d: d.status == S.RESOLVED,
    "returned": lambda d: d.status == S.RETURNED,
}


def seed_backoffice_dossiers(*, total_hint: int = 200) -> int:
    """Dossiers in every status at the provincial centre and the Thủ Dầu Một ward, moved there by the
    demo staff through the workflow's actions (the clock, counters and events are the real ones)."""
    if Dossier.objects.filter(applicant__email__startswith="nguoidan").exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 — demo data, not security
    staff = DemoStaff()
    procedures = [
        p
        for p in Procedure.objects.filter(
            status=ProcedureStatus.PUBLISHED, receiving_agency__code__in=["000.20.01.H12", "000.00.01.H12"]
        ).prefetch_related("channels")
        if any(c.channel == 2 for c in p.channels.all())
    ]
    citizens = _citizens(rng, 40)
    with working_clock(rng) as clock:
        made = _seed_plan(rng, clock, procedures, citizens, staff)
        made += _seed_awaiting_payment(rng, clock, procedures, citizens, staff)
    return made


def _seed_plan(rng, clock, procedures, citizens, staff: DemoStaff) -> int:
    """PLAN's dossiers, each started at a working moment up to twelve days back (portal.demo.clock):
    its submission, its actions and their deadlines are those of the real calendar."""
    desk, specialist, approver = staff.desk, staff.by_role[Role.SPECIALIST], staff.by_role[Role.APPROVER]
    made = 0
    for state, count in PLAN:
        for _ in range(count):
            procedure = rng.choice(procedures)
            applicant = rng.choice(citizens)
            age = rng.uniform(0, 12)
            if state == "submitted" and rng.random() < 0.3:
                age = rng.uniform(1.5, 4)  # not checked within 8 working hours
            clock.start(days_back=age)
            dossier = demo_dossier(procedure=procedure, applicant=applicant)
            if state == "withdrawn":
                clock.a_while()
                bo.dossier_withdraw(dossier=dossier, actor=dossier.applicant, reason="Nộp nhầm thủ tục.")
            elif state == "rejected":
                clock.a_while()
                bo.dossier_refuse(dossier=dossier, actor=desk, reasons="Hồ sơ không thuộc thẩm quyền giải quyết.")
            elif state == "supplement":
                dossier = walk(dossier, until=UNTIL["received"], staff=staff)
                clock.a_while()
                bo.dossier_request_supplement(
                    dossier=dossier, actor=desk, reason="Bản chụp không đọc được.",
                    items=[{"name": "Bản sao giấy tờ tùy thân", "requirement": "certified_copy", "detail": "rõ nét"}],
                )  # fmt: skip
            elif state == "stopped":
                dossier = walk(dossier, until=UNTIL["processing_unassigned"], staff=staff)
                clock.a_while()
                bo.dossier_stop(
                    dossier=dossier, actor=approver, reason="Có tranh chấp.", legal_basis="Luật Hộ tịch 2014"
                )
            elif state != "submitted":
                dossier = walk(dossier, until=UNTIL[state], staff=staff)
                if state == "processing_assigned":
                    clock.a_while()
                    bo.dossier_assign(dossier=dossier, actor=approver, assignee=specialist)
            made += 1
    return made


def _seed_awaiting_payment(rng, clock, procedures, citizens, staff: DemoStaff) -> int:
    # A few wait for payment (national 6), so that every status is represented: dossiers of the
    # procedures whose process lets a step ask for it, walked to that step, asked by its holder.
    payable = [
        p for p in procedures if any("request_payment" in s["actions"] for s in procedure_snapshot(p)["process"])
    ]
    holder = staff.holder

    def may_ask(d: Dossier) -> bool:
        return d.status in (S.RECEIVED, S.PROCESSING, S.RESOLVED) and bool(
            bo.allowed_actions(dossier=d, user=holder(d), actions=("request_payment",))
        )

    made = 0
    for _ in range(3 if payable else 0):
        procedure, applicant = rng.choice(payable), rng.choice(citizens)
        clock.start(days_back=rng.uniform(0, 3))
        dossier = demo_dossier(procedure=procedure, applicant=applicant)
        dossier = walk(dossier, until=may_ask, staff=staff)
        clock.a_while()
        bo.dossier_request_payment(dossier=dossier, actor=holder(dossier), note="Nộp lệ phí", amount=50_000)
        made += 1
    return made
