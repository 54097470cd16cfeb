"""Issue #15: form templates (mẫu đơn, tờ khai) are files of the catalogue — imported and exported with
it, editable in /admin/, downloaded (publicly) from the procedure page and the wizard; the demo has
real ones."""

import base64
import json
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.demo.files import minimal_pdf
from procedures.docx import DOCX_MIME, docx_text
from procedures.interchange import procedure_to_record
from procedures.models import DocumentRequirement, Procedure
from procedures.selectors import procedures_for_export
from procedures.services import procedures_import
from procedures.spreadsheet import records_to_workbook, workbook_to_records
from tests.procedures.records import record
from tests.tools import require_tools

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "procedures" / "data"
KET_HON = DATA / "mau" / "to-khai-dang-ky-ket-hon.docx"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"


def _with_template(template, code="1.001193", **overrides):
    rec = record(code=code, **overrides)
    rec["THANHPHANHOSO"][0]["GIAYTO"][0]["MOTCUA_TEPMAU"] = template
    return rec


def _import(*records, base_dir=None):
    report = procedures_import(records=list(records), base_dir=base_dir)
    assert not report.rejected, report.rejected
    return report


def _document(code="1.001193") -> DocumentRequirement:
    return DocumentRequirement.objects.get(procedure__code=code, code="GT01")


def _export() -> list[dict]:
    return [procedure_to_record(p) for p in procedures_for_export()]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_template_given_by_path_is_stored_and_downloaded_by_anyone(client):
    _import(_with_template({"TENTEP": "mau.docx", "DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}), base_dir=DATA)
    document = _document()
    url = reverse("procedures:template", args=["1.001193", document.pk])
    page = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert url in page and "(DOCX)" in page
    response = client.get(url)  # anonymous: the forms are public
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_MIME
    assert response["Content-Disposition"] == 'attachment; filename="mau-to-khai.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    content = _body(response)
    assert content == KET_HON.read_bytes()
    with zipfile.ZipFile(BytesIO(content)) as archive:
        assert archive.testzip() is None
    assert "TỜ KHAI ĐĂNG KÝ KẾT HÔN" in docx_text(content)


def test_a_pdf_template_is_served_as_pdf_and_reads_with_pdftotext(client, tmp_path):
    pdf = minimal_pdf("Mau to khai")
    _import(_with_template({"TENTEP": "to-khai.pdf", "NOIDUNG": base64.b64encode(pdf).decode()}))
    response = client.get(reverse("procedures:template", args=["1.001193", _document().pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "mau.pdf"
    path.write_bytes(_body(response))
    pdftotext = require_tools("pdftotext")["pdftotext"]
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Mau to khai" in text


def test_export_then_import_keeps_the_file(client):
    _import(_with_template({"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}), base_dir=DATA)
    exported = _export()
    carried = exported[0]["THANHPHANHOSO"][0]["GIAYTO"][0]["MOTCUA_TEPMAU"]
    assert base64.b64decode(carried["NOIDUNG"]) == KET_HON.read_bytes()
    Procedure.objects.all().delete()
    _import(*json.loads(json.dumps(exported)))  # through JSON text, as the commands write it
    assert _document().template_file.read() == KET_HON.read_bytes()
    assert _export() == exported  # the round trip is exact


def test_importing_twice_stores_the_file_once(client):
    rec = _with_template({"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"})
    _import(rec, base_dir=DATA)
    first = _document().template_file.name
    _import(rec, base_dir=DATA)
    assert _document().template_file.name == first
    assert len(list((Path(settings.MEDIA_ROOT) / "templates").iterdir())) == 1


def test_a_record_without_the_key_keeps_the_file_and_null_removes_it():
    _import(_with_template({"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}), base_dir=DATA)
    name = _document().template_file.name
    _import(record())  # a national record (or an XLSX row) says nothing about the file
    assert _document().template_file.name == name
    _import(_with_template(None))
    assert not _document().template_file


def test_the_xlsx_round_trip_keeps_the_files():
    _import(_with_template({"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}), base_dir=DATA)
    records = workbook_to_records(records_to_workbook(_export()))
    _import(*records)
    assert _document().template_file.read() == KET_HON.read_bytes()


@pytest.mark.parametrize(
    ("template", "base_dir", "message"),
    [
        ({"TENTEP": "x.docx", "NOIDUNG": base64.b64encode(b"plain text").decode()}, None, "DOCX"),
        ({"TENTEP": "x.docx", "NOIDUNG": "not base64!"}, None, "base64"),
        ({"DUONGDAN": "../../../etc/passwd"}, DATA, "không tìm thấy tệp mẫu"),
        ({"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}, None, "chỉ dùng khi nhập từ tệp"),
        ("a string", None, "TENTEP"),
    ],
)
def test_a_bad_template_rejects_the_record_with_a_reason(template, base_dir, message):
    report = procedures_import(records=[_with_template(template)], base_dir=base_dir)
    assert len(report.rejected) == 1 and message in report.rejected[0].reason
    assert not Procedure.objects.exists()


def test_admin_upload_is_checked_and_named_safely():
    _import(record())
    document = _document()
    document.template_file = SimpleUploadedFile('../Tờ khai "x".docx', b"MZ not a document")
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "template_file" in error.value.message_dict
    document.template_file = SimpleUploadedFile('../Tờ khai "x".docx', KET_HON.read_bytes())
    document.full_clean()
    document.save()
    assert document.template_file.name == "templates/mau-to-khai.docx"


def test_admin_shows_the_template_field(client):
    from tests.factories import UserFactory

    _import(record())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:procedures_procedure_change", args=[Procedure.objects.get().pk])).content
    assert b'name="documents-0-template_file"' in html


def test_the_wizard_offers_the_template_on_the_documents_step(client):
    from tests.factories import UserFactory
    from tests.portal.submission_helpers import APPLICANT, FORM, start, wizard_url

    _import(
        _with_template({"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}, MOTCUA_TRAKETQUA=["counter", "online"]),
        base_dir=DATA,
    )
    client.force_login(UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678"))
    dossier = start(client)
    client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    html = client.get(wizard_url(dossier, "documents")).content.decode()
    assert reverse("procedures:template", args=["1.001193", _document().pk]) in html
    assert "Tải mẫu: Mẫu tờ khai" in html


def test_the_demo_catalogue_carries_real_templates():
    """Every template the demo names exists beside it, is a valid Word document with its title in it,
    and the common procedures have one."""
    records = json.loads((DATA / "demo_catalogue.json").read_text(encoding="utf-8"))
    named = {}
    for rec in records:
        for group in rec["THANHPHANHOSO"]:
            for doc in group["GIAYTO"]:
                if doc.get("MOTCUA_TEPMAU"):
                    named[rec["MATTHC"]] = (doc["TENGIAYTO"], DATA / doc["MOTCUA_TEPMAU"]["DUONGDAN"])
    assert {"1.001193", "1.000894", "1.000656", "2.000720"} <= set(named)
    for title, path in named.values():
        content = path.read_bytes()
        assert len(content) < 20_000
        with zipfile.ZipFile(BytesIO(content)) as archive:
            assert archive.testzip() is None
        assert title.upper() in docx_text(content)
