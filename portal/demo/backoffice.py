"""About 200 demo dossiers across procedures, agencies and every status, so that the back office
is alive for tiepnhan@, chuyenvien@ and lanhdao.phong@demo.vn (idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F

from onestop.backoffice import services as bo
from onestop.models import Dossier, DossierEvent, DossierStatus
from onestop.submission.services import dossier_withdraw
from onestop.workflow.transitions import dossier_transition
from portal.models import User
from procedures.models import Procedure, ProcedureStatus

from .dossiers import demo_dossier
from .files import minimal_pdf

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


def _result():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ket-qua.pdf", minimal_pdf("Ket qua giai quyet"), content_type="application/pdf")


def _age(dossier: Dossier, days: float) -> None:
    """Move a demo dossier back in time, deadlines and events included (demo only)."""
    delta = dt.timedelta(days=days)
    fields = ["submitted_at", "check_due_at", "received_at", "due_at", "step_due_at", "created_at"]
    Dossier.objects.filter(pk=dossier.pk).update(**{f: F(f) - delta for f in fields})
    DossierEvent.objects.filter(dossier=dossier).update(created_at=F("created_at") - delta)


def seed_backoffice_dossiers(*, total_hint: int = 200) -> int:
    if Dossier.objects.filter(applicant__email__startswith="nguoidan").exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 — demo data, not security
    staff = {e: User.objects.get(email=e) for e in ["tiepnhan@demo.vn", "chuyenvien@demo.vn", "lanhdao.phong@demo.vn"]}
    desk, specialist, approver = (staff[e] for e in staff)
    # Only procedures whose every step the demo staff can act on.
    from onestop.models import StaffRole

    units: dict[str, set[str]] = {"receptionist": set(), "specialist": set(), "approver": set()}
    for role, code in StaffRole.objects.filter(user__in=[desk, specialist, approver]).values_list(
        "role", "agency__code"
    ):
        units.setdefault(role, set()).add(code)
    procedures = [
        p
        for p in Procedure.objects.filter(
            status=ProcedureStatus.PUBLISHED, receiving_agency__code__in=["000.20.01.H12", "000.00.01.H12"]
        ).prefetch_related("channels", "process__steps__agency")
        if any(c.channel == 2 for c in p.channels.all())
        and hasattr(p, "process")
        and all(s.agency.code in units[s.role] for s in p.process.steps.all())
    ]
    citizens = _citizens(rng, 40)
    made = 0
    for state, count in PLAN:
        for _ in range(count):
            procedure = rng.choice(procedures)
            dossier = demo_dossier(procedure=procedure, applicant=rng.choice(citizens))
            age = rng.uniform(0, 12)
            if state == "withdrawn":
                dossier_withdraw(dossier=dossier, actor=dossier.applicant, reason="Nộp nhầm thủ tục.")
            elif state == "rejected":
                bo.dossier_refuse(dossier=dossier, actor=desk, reasons="Hồ sơ không thuộc thẩm quyền giải quyết.")
            elif state != "submitted":
                bo.dossier_receive(dossier=dossier, actor=desk)
                if state == "supplement":
                    bo.dossier_request_supplement(
                        dossier=dossier, actor=desk, items=[{"name": "Bản sao giấy tờ tùy thân", "detail": "rõ nét"}],
                        reason="Bản chụp không đọc được.",
                    )  # fmt: skip
                elif state != "received":
                    bo.dossier_forward(dossier=dossier, actor=desk)
                    if state == "stopped":
                        bo.dossier_stop(
                            dossier=dossier, actor=approver, reason="Có tranh chấp.", legal_basis="Luật Hộ tịch 2014"
                        )
                    elif state != "processing_unassigned":
                        bo.dossier_assign(dossiers=[dossier], actor=approver, assignee=specialist)
                        if state in {"approval", "resolved", "returned"}:
                            bo.dossier_forward(dossier=dossier, actor=specialist, note="Đủ điều kiện giải quyết.")
                        if state in {"resolved", "returned"}:
                            bo.dossier_resolve(dossier=dossier, actor=approver, result_file=_result())
                        if state == "returned":
                            bo.dossier_return_result(dossier=dossier, actor=desk, method="online")
            if state == "submitted" and rng.random() < 0.3:
                age = rng.uniform(1.5, 4)  # not checked within 8 working hours
            _age(dossier, age)
            made += 1
    # A few reach the payment step so that every status is represented.
    for dossier in Dossier.objects.filter(status=DossierStatus.PROCESSING, assignee=specialist)[:3]:
        dossier_transition(dossier=dossier, action="request_payment", actor=specialist, note="Nộp lệ phí")
    return made
