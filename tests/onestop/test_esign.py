"""Signed e-results (issue 13): the approver's result is signed (PAdES, the agency's certificate,
a visible stamp with a QR code), pyHanko's validator accepts it, one changed byte is caught, and
/xac-thuc/ tells anyone what it is — without personal data."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from onestop import workflow
from onestop.esign import pki
from onestop.esign.verification import Verdict, verify_pdf
from onestop.models import DocumentRole, SignedResult
from onestop.uploads.storage import stored_file_open
from tests.tools import require_tools

pytestmark = pytest.mark.django_db


@pytest.fixture
def esign(settings, tmp_path, office):
    folder = tmp_path / "esign"
    ca = pki.demo_pki(folder, [office.agency], "test-password")
    settings.ESIGN_PKCS12_DIR = str(folder)
    settings.ESIGN_PKCS12_PASSWORD = "test-password"
    settings.ESIGN_TRUST_ROOTS = [str(ca)]
    from onestop.esign import verification

    verification._trust_roots.cache_clear()
    cache.clear()
    return folder


def result_pdf():
    """A result as an agency issues it: an A4 page (WeasyPrint)."""
    from weasyprint import HTML

    data = HTML(string="<h1>Giấy chứng nhận kết hôn</h1><p>Số 12/2026</p>").write_pdf()
    return SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")


def _resolved(office):
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    return workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())


def _result_bytes(dossier) -> bytes:
    document = dossier.documents.get(role=DocumentRole.RESULT)
    with stored_file_open(document.file) as handle:
        return handle.read()


def test_the_approved_result_is_signed_by_the_agency(office, esign, tmp_path):
    dossier = _resolved(office)
    data = _result_bytes(dossier)
    verification = verify_pdf(data)
    assert verification.verdict == Verdict.VALID
    assert verification.agency == office.agency.name and verification.agency_code == office.agency.code
    signed = SignedResult.objects.get(document__dossier=dossier)
    assert signed.signer == office.approver and signed.sha256 == verification.sha256
    assert dossier.events.get(action="resolve").data["signed"] == signed.code
    # pyHanko's own validator, independently of our wrapper: intact, trusted, covering the whole file.
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(data)).embedded_signatures[0],
        ValidationContext(trust_roots=[load_cert_from_pemder(str(esign / "ca.pem"))]),
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # The visible stamp (the signature field's appearance, drawn into the page by pdftocairo): agency,
    # officer and verification code in Vietnamese, and a QR code that leads to /xac-thuc/<code>/.
    tools = require_tools("pdftocairo", "pdftotext", "pdftoppm", "zbarimg")
    path, flat = tmp_path / "signed.pdf", tmp_path / "flat.pdf"
    path.write_bytes(data)
    subprocess.run([tools["pdftocairo"], "-pdf", str(path), str(flat)], check=True)
    text = subprocess.run([tools["pdftotext"], str(flat), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Ký số bởi: {office.agency.name}" in text and "Người ký: Hoàng Văn Em" in text
    assert f"Mã xác thực: {signed.code}" in text
    subprocess.run([tools["pdftoppm"], "-r", "150", "-png", str(flat), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(
        [tools["zbarimg"], "-q", "--raw", *sorted(str(p) for p in tmp_path.glob("page*.png"))],
        capture_output=True,
        text=True,
    ).stdout
    assert f"/xac-thuc/{signed.code}/" in scanned


def test_one_changed_byte_is_caught(office, esign):
    data = bytearray(_result_bytes(_resolved(office)))
    data[len(data) // 3] ^= 0x01
    assert verify_pdf(bytes(data)).verdict == Verdict.TAMPERED


def test_without_a_certificate_results_are_stored_as_uploaded(office, settings):
    settings.ESIGN_PKCS12_DIR = ""
    dossier = _resolved(office)
    assert verify_pdf(_result_bytes(dossier)).verdict == Verdict.UNSIGNED
    assert not SignedResult.objects.exists()


def test_a_long_agency_name_fits_in_its_certificate(tmp_path):
    class Agency:
        code = "000.00.99.H12"
        name = "Ban Quản lý các khu chế xuất và công nghiệp Thành phố Hồ Chí Minh (chi nhánh phía Bắc)"
        parent = None

    assert len(Agency.name) > 64
    pki.demo_pki(tmp_path, [Agency], "pw")
    assert (tmp_path / "000.00.99.H12.p12").is_file()


def test_a_unit_signs_with_its_parent_agency_certificate(office, esign, settings):
    from procedures.models import Agency

    unit = Agency.objects.create(code="000.20.01.H12.U1", name="Bộ phận Một cửa (thử)", parent=office.agency)
    from onestop.esign.signing import signing_key_for

    assert signing_key_for(unit).agency_code == office.agency.code


def test_a_pdf_that_cannot_be_signed_is_refused_clearly(office, esign):
    from django.core.exceptions import ValidationError

    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    broken = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4\n%broken\n" + b"x" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as raised:
        workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=broken)
    assert "ký số" in str(raised.value)
    dossier.refresh_from_db()
    assert dossier.status == "processing"  # nothing half-done


LONG_NAME = "Ủy ban nhân dân phường Thạnh Mỹ Lợi, Thành phố Hồ Chí Minh"


def _a4_pdf() -> bytes:
    return result_pdf().read()


def _small_pdf() -> bytes:
    from portal.demo.files import minimal_pdf

    return minimal_pdf("Ket qua giai quyet")  # 200 × 200 pt


@pytest.mark.parametrize("page", [_small_pdf, _a4_pdf], ids=["200pt", "A4"])
def test_the_stamp_fits_the_page_and_shows_the_signing_time(office, esign, tmp_path, page):
    """The stamp wraps (and shrinks) to stay inside the page, with the agency's whole name, and the time
    it shows is the signature's signing time, both from timezone.now() — the demo's clock included."""
    import datetime as dt
    from unittest import mock

    from pyhanko.pdf_utils.reader import PdfFileReader

    from onestop.esign.signing import sign_pdf, signing_key_for

    # A moment other than the machine's (the demo's clock): 09:16:30 in Hồ Chí Minh City, days back.
    day = timezone.localdate() - dt.timedelta(days=3)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 16, 30))).astimezone(dt.UTC)
    with mock.patch("django.utils.timezone.now", lambda: moment):
        data = sign_pdf(
            page(), key=signing_key_for(office.agency), agency_name=LONG_NAME, officer="Hoàng Văn Em",
            code="ABCD-EFGH-JKLM", verify_url="http://testserver/xac-thuc/ABCD-EFGH-JKLM/",
        )  # fmt: skip
    assert verify_pdf(data).verdict == Verdict.VALID
    reader = PdfFileReader(io.BytesIO(data))
    signature = reader.embedded_signatures[0]
    signed_at = signature.self_reported_timestamp
    assert signed_at == moment
    page_box = [float(v) for v in reader.root["/Pages"]["/Kids"][-1].get_object()["/MediaBox"]]
    rect = [float(v) for v in signature.sig_field["/Rect"]]  # the stamp, inside the page
    assert page_box[0] <= rect[0] < rect[2] <= page_box[2] and page_box[1] <= rect[1] < rect[3] <= page_box[3]
    # What the stamp says, drawn into the page (pdftotext drops what falls outside it).
    tools = require_tools("pdftocairo", "pdftotext")
    path, flat = tmp_path / "signed.pdf", tmp_path / "flat.pdf"
    path.write_bytes(data)
    subprocess.run([tools["pdftocairo"], "-pdf", str(path), str(flat)], check=True)
    text = subprocess.run([tools["pdftotext"], str(flat), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert f"Ký số bởi: {LONG_NAME}" in text
    assert f"Thời gian: {timezone.localtime(signed_at):%H:%M %d/%m/%Y}" in text
    assert f"Thời gian: 09:16 {day:%d/%m/%Y}" in text and "Mã xác thực: ABCD-EFGH-JKLM" in text


# ---------------------------------------------------------------------------- /xac-thuc/


def test_the_qr_page_says_who_signed_what_and_nothing_personal(client, office, esign):
    dossier = _resolved(office)
    signed = SignedResult.objects.get()
    page = client.get(reverse("verify-result", args=[signed.code.lower().replace("-", "")]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hợp lệ" in html and office.agency.name in html and dossier.code in html and signed.code in html
    assert "Nguyễn Văn An" not in html and "074090001234" not in html and "0912345678" not in html
    assert client.get(reverse("verify-result", args=["AAAA-BBBB-CCCC"])).status_code == 404


def test_the_qr_page_says_when_a_result_was_revoked(client, office, esign):
    _resolved(office)
    signed = SignedResult.objects.get()
    SignedResult.objects.filter(pk=signed.pk).update(revoked_at=timezone.now(), revoke_reason="Cấp nhầm người")
    html = client.get(reverse("verify-result", args=[signed.code])).content.decode()
    assert "đã bị thu hồi" in html and "Cấp nhầm người" in html


def _upload(client, data: bytes, name="ket-qua.pdf"):
    return client.post(
        reverse("verify-upload"), {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}
    )


def test_uploading_the_signed_tampered_or_unsigned_pdf(client, office, esign):
    dossier = _resolved(office)
    data = _result_bytes(dossier)
    valid = _upload(client, data).content.decode()
    assert "Hợp lệ" in valid and dossier.code in valid
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0x01
    assert "đã bị thay đổi sau khi ký" in _upload(client, bytes(tampered)).content.decode()
    from tests.portal.submission_helpers import minimal_pdf

    assert "không có chữ ký số" in _upload(client, minimal_pdf("Ket qua")).content.decode()
    refused = _upload(client, b"MZ\x90\x00 not a pdf", name="virus.pdf")
    assert refused.status_code == 200 and "Hợp lệ" not in refused.content.decode()


def test_a_signature_by_an_unknown_certificate_is_not_recognised(client, office, esign, settings):
    data = _result_bytes(_resolved(office))
    settings.ESIGN_TRUST_ROOTS = []
    from onestop.esign import verification

    verification._trust_roots.cache_clear()
    assert "Không được công nhận" in _upload(client, data).content.decode()


def test_uploads_are_rate_limited_per_address(client, office, esign, settings):
    settings.ESIGN_VERIFY_LIMIT = 2
    from tests.portal.submission_helpers import minimal_pdf

    pdf = minimal_pdf("x")
    assert _upload(client, pdf).status_code == 200
    assert _upload(client, pdf).status_code == 200
    assert _upload(client, pdf).status_code == 429


def test_the_agency_revokes_a_result_in_the_admin(admin_client, client, office, esign):
    _resolved(office)
    signed = SignedResult.objects.get()
    url = reverse("admin:onestop_signedresult_change", args=[signed.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"revoke_reason": "Cấp nhầm người"})
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.revoked_at is not None and signed.revoke_reason == "Cấp nhầm người"
    assert "đã bị thu hồi" in client.get(reverse("verify-result", args=[signed.code])).content.decode()


def test_the_dossier_pages_show_the_signature_and_its_check(client, office, esign):
    dossier = _resolved(office)
    signed = SignedResult.objects.get()
    link = reverse("verify-result", args=[signed.code])
    client.force_login(office.citizen)
    mine = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Đã ký số" in mine and f'href="{link}"' in mine and signed.code in mine
    client.force_login(office.receptionist)
    staff = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert "Đã ký số" in staff and f'href="{link}"' in staff
    SignedResult.objects.filter(pk=signed.pk).update(revoked_at=timezone.now(), revoke_reason="Cấp nhầm")
    client.force_login(office.citizen)
    mine = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Đã bị cơ quan cấp thu hồi" in mine


def test_the_code_page_is_limited_like_the_uploads(client, office, esign, settings):
    settings.ESIGN_VERIFY_LIMIT = 2
    _resolved(office)
    url = reverse("verify-result", args=[SignedResult.objects.get().code])
    assert client.get(url).status_code == 200
    assert client.get(reverse("verify-result", args=["AAAA-BBBB-CCCC"])).status_code == 404  # guesses count too
    assert client.get(url).status_code == 429
