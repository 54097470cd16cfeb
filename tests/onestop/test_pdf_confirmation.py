"""The receipt of an online submission: a Decree 30 PDF with the code, barcode, QR and the dossier."""

import base64
import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.documents.codes import qr_svg, svg_data_uri
from onestop.documents.confirmation import submission_confirmation_context, submission_confirmation_pdf
from onestop.models import Dossier, DossierDocument, DossierStatus, StoredFile
from procedures.models import Agency, AgencyKind, Procedure
from procedures.services import procedures_import
from tests.procedures.records import record
from tests.tools import require_tools

pytestmark = pytest.mark.django_db

CODE = "000.20.01.H12-261128-0001"
SUBMITTED_AT = dt.datetime(2026, 11, 28, 7, 5, tzinfo=dt.UTC)  # 14:05 in Hà Nội


@pytest.fixture
def dossier(citizen, settings):
    settings.PROVINCE_NAME = "Thành phố Hồ Chí Minh"
    settings.SITE_URL = "https://dichvucong.hochiminhcity.gov.vn"
    report = procedures_import(records=[record()])
    assert not report.rejected, report.rejected
    procedure = Procedure.objects.get(code="1.001193")
    province = Agency.objects.create(
        code="000.00.00.H12",
        name="Ủy ban nhân dân Thành phố Hồ Chí Minh",
        short_name="UBND Thành phố Hồ Chí Minh",
        kind=AgencyKind.PROVINCE,
    )
    agency = procedure.receiving_agency
    agency.name, agency.parent = "Sở Tư pháp", province
    agency.address, agency.phone = "Tầng 9, Tháp A, Trung tâm Hành chính tập trung", "0274 3822 000"
    agency.save()
    dossier = Dossier.objects.create(
        code=CODE,
        procedure=procedure,
        agency=agency,
        applicant=citizen,
        status=DossierStatus.SUBMITTED,
        applicant_name="Nguyễn Văn An",
        applicant_id_number="074090001234",
        applicant_phone="0912345678",
        applicant_email="an@example.vn",
        applicant_address="Số 12 đường Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
        delivery_method="post",
        delivery_address="Số 5 đường Bạch Đằng, phường Thủ Dầu Một",
        declaration_accepted=True,
        snapshot={
            "procedure": {"code": "1.001193", "name": "Đăng ký kết hôn", "sector": "Hộ tịch"},
            "documents": [
                {"code": "GT01", "name": "Tờ khai đăng ký kết hôn", "kind": "original", "required": True},
                {"code": "GT02", "name": "Giấy xác nhận tình trạng hôn nhân", "kind": "original", "required": False},
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
                {
                    "code": "LP02",
                    "name": "Phí cấp bản sao trích lục",
                    "amount": 8000,
                    "basis": "per_copy",
                    "channel": 2,
                },
            ],
            "times": [{"channel": 2, "amount": "3", "unit": "working_days"}],
        },
        submitted_at=SUBMITTED_AT,
        check_due_at=dt.datetime(2026, 11, 30, 2, 5, tzinfo=dt.UTC),  # 09:05 on Monday 30/11
    )
    for code, name, filename in [
        ("GT02", "Giấy xác nhận tình trạng hôn nhân", "xac-nhan-hon-nhan.pdf"),
        ("GT01", "Tờ khai đăng ký kết hôn", "tờ-khai-kết-hôn.pdf"),
        ("GT01", "Tờ khai đăng ký kết hôn", "to-khai-trang-2.jpg"),
    ]:
        stored = StoredFile.objects.create(
            owner=citizen,
            storage_name=f"{code}-{filename}",
            original_name=filename,
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
        )
        DossierDocument.objects.create(dossier=dossier, requirement_code=code, requirement_name=name, file=stored)
    return dossier


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fonts(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_confirmation_pdf_content(dossier):
    pdf = submission_confirmation_pdf(dossier)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)

    for expected in [
        # Decree 30 header, place and date, title
        "UBND THÀNH PHỐ HỒ CHÍ MINH",
        "SỞ TƯ PHÁP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thành phố Hồ Chí Minh, ngày 28 tháng 11 năm 2026",
        "PHIẾU XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
        # the dossier
        CODE,
        "Nguyễn Văn An",
        "074090001234",
        "0912345678",
        "Số 12 đường Yersin, phường Thủ Dầu Một",
        "Đăng ký kết hôn",
        "1.001193",
        "14 giờ 05 phút, ngày 28 tháng 11 năm 2026",
        # documents, in the procedure's order, with their files
        "Tờ khai đăng ký kết hôn",
        "tờ-khai-kết-hôn.pdf",
        "to-khai-trang-2.jpg",
        "Giấy xác nhận tình trạng hôn nhân",
        "xac-nhan-hon-nhan.pdf",
        # fees of the online channel, with the total
        "Lệ phí đăng ký kết hôn 30.000 đồng",
        "8.000 đồng/bản",
        "38.000 đồng",
        # delivery, and what happens next
        "bưu chính công ích",
        "Số 5 đường Bạch Đằng",
        "08 giờ làm việc",
        "09 giờ 05 phút, ngày 30 tháng 11 năm 2026",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "https://dichvucong.hochiminhcity.gov.vn/tra-cuu/",
    ]:
        assert expected in text, expected

    assert "45.000" not in text  # the counter's fee is not this dossier's
    assert text.index("Tờ khai đăng ký kết hôn") < text.index("Giấy xác nhận tình trạng hôn nhân")
    assert "Thành phố Hồ Chí Minh, ngày 28 tháng 11 năm 2026" in text[: text.index("PHIẾU XÁC NHẬN")]


def test_confirmation_pdf_embeds_liberation_serif_only(dossier):
    fonts = _fonts(submission_confirmation_pdf(dossier))
    assert fonts
    assert all(re.fullmatch(r"/([A-Z]{6}\+)?Liberation-?Serif(-\w+)?", name) for name in fonts), fonts
    assert any("Bold" in name for name in fonts) and any("Italic" in name for name in fonts)


def test_confirmation_qr_opens_the_tracking_page_for_the_code(dossier):
    context = submission_confirmation_context(dossier)
    url = f"https://dichvucong.hochiminhcity.gov.vn/tra-cuu/?ma={CODE}"
    assert context["tracking_url"] == url
    assert context["qr_src"] == svg_data_uri(qr_svg(url))
    barcode = base64.b64decode(context["barcode_src"].split(",", 1)[1]).decode()
    assert "<rect" in barcode and "<text" not in barcode  # the code is printed in the document font


def test_printed_codes_scan(dossier, tmp_path):
    """Rasterise the PDF at printer-like resolution and scan it: the QR and the Code128 read back."""
    require_tools("zbarimg", "pdftoppm")  # zbar-tools, poppler-utils (scripts/system-packages)
    (tmp_path / "receipt.pdf").write_bytes(submission_confirmation_pdf(dossier))
    subprocess.run(
        [shutil.which("pdftoppm"), "-png", "-r", "300", "-singlefile", tmp_path / "receipt.pdf", tmp_path / "page"],
        check=True,
    )
    scanned = subprocess.run(
        [
            shutil.which("zbarimg"),
            "-q",
            "--raw",
            "-Sdisable",
            "-Sqrcode.enable",
            "-Scode128.enable",
            tmp_path / "page.png",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(scanned) == sorted([CODE, f"https://dichvucong.hochiminhcity.gov.vn/tra-cuu/?ma={CODE}"])


def test_confirmation_for_an_organisation(dossier):
    dossier.applicant_kind = "organisation"
    dossier.organisation_name = "Công ty TNHH Xây dựng Hòa Bình"
    dossier.organisation_tax_code = "3700123456"
    dossier.delivery_method = "online"
    dossier.snapshot["fees"] = []
    dossier.save()
    text = _text(submission_confirmation_pdf(dossier))
    for expected in [
        "Công ty TNHH Xây dựng Hòa Bình",
        "3700123456",
        "Nguyễn Văn An",
        "không thu phí, lệ phí",
        "Kết quả điện tử",
    ]:
        assert expected in text, expected


def test_confirmation_with_a_prefetched_dossier_runs_few_queries(dossier):
    from django.db.models import Prefetch

    loaded = (
        Dossier.objects.select_related("procedure", "agency__parent")
        .prefetch_related(Prefetch("documents", queryset=DossierDocument.objects.select_related("file")))
        .get(pk=dossier.pk)
    )
    with CaptureQueriesContext(connection) as queries:
        submission_confirmation_context(loaded)
    assert len(queries) == 0


def test_a_draft_has_no_confirmation(dossier):
    dossier.code, dossier.submitted_at = None, None
    with pytest.raises(ValueError):
        submission_confirmation_context(dossier)
