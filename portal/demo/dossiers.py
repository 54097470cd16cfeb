"""Demo dossiers for the demo citizens, made through the real services (idempotent)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onestop.models import Dossier, DossierStatus, Role, StaffRole
from onestop.uploads.storage import stored_file_create
from onestop.uploads.validation import validate_upload
from onestop.workflow import (
    dossier_document_attach,
    dossier_draft_create,
    dossier_request_supplement,
    dossier_submit,
    dossier_withdraw,
)
from portal.models import User
from procedures.models import FieldKind, Procedure

from .clock import start_days_back, take_a_while
from .files import minimal_pdf


def demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF, so that demo files open in any viewer."""
    from unicodedata import normalize

    ascii_title = normalize("NFD", title).encode("ascii", "ignore").decode().replace("(", "").replace(")", "")
    return minimal_pdf(ascii_title[:60])


def _value(field, applicant: User) -> str:
    kind = field.kind
    if kind == FieldKind.CHOICE:
        return field.choices[0]
    if kind == FieldKind.DATE:
        return "2026-11-20"
    if kind == FieldKind.NUMBER:
        return str(field.validation.get("min", 1) or 1)
    if kind == FieldKind.BOOLEAN:
        return "yes"
    if kind == FieldKind.ID_NUMBER:
        return applicant.cccd or "074090001234"
    if kind == FieldKind.ADDRESS:
        return applicant.address
    candidates = [
        applicant.full_name, "Theo hồ sơ đính kèm", applicant.phone, applicant.cccd or "", "0312345678", "1",
        applicant.email,
    ]  # fmt: skip
    label = field.label.lower()
    if "điện thoại" in label:
        candidates.insert(0, applicant.phone)
    elif "thuế" in label:
        candidates.insert(0, "0312345678")
    elif "tên" not in label:
        candidates.insert(0, "Theo hồ sơ đính kèm")
    pattern = field.validation.get("regex")
    if pattern:
        import re

        candidates = [c for c in candidates if re.search(pattern, c)] or candidates
    return candidates[0]


def pay_online(*, dossier: Dossier, applicant: User) -> Dossier:
    """The applicant pays what the dossier owes through the configured gateway (the sandbox in the
    demo): an attempt, then the gateway's signed IPN — the same path as the sandbox's "pay" page.
    Without a gateway secret (seeding outside DEBUG), the desk records it paid in cash instead."""
    from django.conf import settings

    from onestop.workflow import dossier_confirm_payment
    from payments.providers.vnpay import signed
    from payments.services import ipn_handle, payment_start

    if not settings.VNPAY_HASH_SECRET:
        desk = StaffRole.objects.filter(role=Role.RECEPTIONIST, agency=dossier.agency).first().user
        return dossier_confirm_payment(dossier=dossier, actor=desk, reference=f"BL-DEMO-{dossier.pk:05d}")
    payment = payment_start(dossier=dossier, user=applicant)
    number = f"{payment.pk:08d}"
    ipn_handle(
        params=signed(
            {
                "vnp_TmnCode": settings.VNPAY_TMN_CODE,
                "vnp_Amount": str(payment.amount * 100),
                "vnp_BankCode": "NCB",
                "vnp_BankTranNo": f"VNP{number}",
                "vnp_CardType": "ATM",
                "vnp_PayDate": timezone.localtime().strftime("%Y%m%d%H%M%S"),
                "vnp_OrderInfo": "Thanh toan phi le phi ho so",
                "vnp_TransactionNo": number,
                "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00",
                "vnp_TxnRef": payment.txn_ref,
            }
        ),
        remote_addr="127.0.0.1",
    )
    return Dossier.objects.get(pk=dossier.pk)


def demo_dossier(*, procedure: Procedure, applicant: User, submit: bool = True, pay: bool = True) -> Dossier:
    dossier = dossier_draft_create(procedure=procedure, applicant=applicant)
    dossier.form_data = {f.key: _value(f, applicant) for f in procedure.form_fields.all()}
    methods = procedure.delivery_methods
    dossier.delivery_method = "online" if "online" in methods else methods[0]
    dossier.wizard_step = "review"
    dossier.save()
    for requirement in procedure.documents.filter(required=True):
        content = demo_pdf(requirement.name)
        upload = SimpleUploadedFile(f"{requirement.code.lower()}-minh-hoa.pdf", content, content_type="application/pdf")
        validated = validate_upload(upload, allowed=["pdf"], max_bytes=10 * 1024 * 1024)
        stored = stored_file_create(owner=applicant, uploaded=upload, validated=validated)
        dossier_document_attach(dossier=dossier, requirement_code=requirement.code, stored=stored)
    if submit:
        dossier = dossier_submit(dossier=dossier, actor=applicant, declaration=True)
        if pay and dossier.status == DossierStatus.AWAITING_PAYMENT:  # a procedure paid at submission
            dossier = pay_online(dossier=dossier, applicant=applicant)
    return dossier


def seed_citizen_dossiers() -> int:
    """congdan@demo.vn and congdan2@demo.vn get dossiers in several states, once."""
    an = User.objects.get(email="congdan@demo.vn")
    binh = User.objects.get(email="congdan2@demo.vn")
    if Dossier.objects.filter(applicant__in=[an, binh]).exists():
        return 0
    receptionist = StaffRole.objects.filter(role=Role.RECEPTIONIST, agency__code="000.20.01.H12").first().user

    def procedure(code: str) -> Procedure:
        return Procedure.objects.get(code=code)

    demo_dossier(procedure=procedure("1.001193"), applicant=an)  # khai sinh: submitted
    demo_dossier(procedure=procedure("1.004873"), applicant=an, submit=False)  # a draft to resume
    start_days_back(1, 3)
    asked = demo_dossier(procedure=procedure("2.000635"), applicant=an)
    take_a_while()
    dossier_request_supplement(
        dossier=asked,
        actor=receptionist,
        reason="Bản chụp Căn cước công dân bị mờ, không đọc được số định danh.",
        items=[{"name": "Bản sao Căn cước công dân", "detail": "Chụp rõ nét cả hai mặt"}],
    )
    start_days_back(1, 3)
    withdrawn = demo_dossier(procedure=procedure("2.000720"), applicant=an)
    take_a_while()
    dossier_withdraw(dossier=withdrawn, actor=an, reason="Tôi cần bổ sung thêm thông tin và sẽ nộp lại sau.")
    demo_dossier(procedure=procedure("1.000656"), applicant=binh)
    # Paid at submission (2.000635 in the demo catalogue): submitted, not yet paid — the desk does
    # not see it to check until it is paid through "Thanh toán trực tuyến".
    demo_dossier(procedure=procedure("2.000635"), applicant=an, pay=False)
    return 6 + seed_dossier_awaiting_payment(applicant=an)


def seed_dossier_awaiting_payment(*, applicant: User) -> int:
    """A dossier of `applicant` waiting for payment (national 6), payable online through the
    configured gateway (the sandbox in the demo): a procedure whose process lets a step ask for
    payment, walked to that step by the demo staff, and asked by the step's holder."""
    from onestop.fees import dossier_dues, fee_lines
    from onestop.models import DossierStatus as S
    from onestop.workflow import allowed_actions, dossier_request_payment
    from onestop.workflow.snapshot import procedure_snapshot
    from procedures.models import ProcedureStatus

    from .walk import DemoStaff, walk

    candidates = [
        p
        for p in Procedure.objects.filter(
            status=ProcedureStatus.PUBLISHED, receiving_agency__code__in=["000.20.01.H12", "000.00.01.H12"]
        )
        .prefetch_related("channels")
        .order_by("code")
        if any(c.channel == 2 for c in p.channels.all())
        and any("request_payment" in s["actions"] or not s["actions"] for s in procedure_snapshot(p)["process"])
    ]
    if not candidates:
        return 0
    # Prefer a procedure with an online fee: the page then lists the real items.
    procedure = next(
        (p for p in candidates if sum(f.amount for f in fee_lines(procedure_snapshot(p), 2, {})[0]) > 0), candidates[0]
    )
    staff = DemoStaff()

    def may_ask(d: Dossier) -> bool:
        return d.status in (S.RECEIVED, S.PROCESSING, S.RESOLVED) and bool(
            allowed_actions(dossier=d, user=staff.holder(d), actions=("request_payment",))
        )

    start_days_back(1, 4)
    dossier = walk(demo_dossier(procedure=procedure, applicant=applicant), until=may_ask, staff=staff)
    if not may_ask(dossier):  # walked to its end without a step that asks
        return 1
    total = dossier_dues(dossier).fees_total
    take_a_while()
    dossier_request_payment(
        dossier=dossier,
        actor=staff.holder(dossier),
        note="Đề nghị Ông/Bà nộp phí, lệ phí (có thể thanh toán trực tuyến).",
        amount=total or 50_000,
    )
    return 1
