"""Shared pieces of the submission tests: a catalogue, files, and a walk through the wizard."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.models import Dossier
from portal.demo.files import minimal_pdf
from procedures.services import procedures_import
from tests.procedures.records import record


def pdf_upload(name: str = "to-khai.pdf", text: str = "Giay to") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(text), content_type="application/pdf")


def png_upload(name: str = "anh.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 20, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def import_catalogue() -> None:
    counter_only = [{"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "8", "DONVITINH": "Giờ làm việc"}]}]
    report = procedures_import(
        records=[
            record(MOTCUA_TRAKETQUA=["counter", "online", "post"]),
            record(code="2.000908", name="Chứng thực bản sao", MOTCUA_QUYTRINH=[], CACHTHUCTHUCHIEN=counter_only),
        ]
    )
    assert not report.rejected, report.rejected


APPLICANT = {
    "applicant_kind": "self",
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "074090001234",
    "applicant_phone": "0912345678",
    "applicant_email": "an@example.vn",
    "applicant_address": "Số 12 đường Yersin, phường Thủ Dầu Một",
    "organisation_name": "",
    "organisation_tax_code": "",
}
FORM = {"ho_ten_chong": "Nguyễn Văn An", "ngay_dang_ky": "2026-12-01", "hinh_thuc": "Tại trụ sở"}


def wizard_url(dossier: Dossier, step: str) -> str:
    return reverse("portal:wizard", args=[dossier.public_id, step])


def start(client, code: str = "1.001193", token: str = "tok-1") -> Dossier:  # noqa: S107 — a form nonce
    response = client.post(reverse("portal:apply", args=[code]), {"token": token})
    assert response.status_code == 302, response
    return Dossier.objects.filter(applicant_id=client.session["_auth_user_id"]).latest("created_at")


def fill_until_review(client, dossier: Dossier, *, delivery: str = "online") -> None:
    assert client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"}).status_code == 302
    assert client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"}).status_code == 302
    response = client.post(
        wizard_url(dossier, "documents"),
        {"file-GT01": [pdf_upload("to-khai.pdf"), pdf_upload("to-khai-trang-2.pdf", "Trang 2")], "next": "1"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    extra = (
        {"delivery_address": "Số 5 Nguyễn An Ninh, Dĩ An", "delivery_phone": "0987654321"} if delivery == "post" else {}
    )
    assert (
        client.post(wizard_url(dossier, "delivery"), {"delivery_method": delivery, **extra, "next": "1"}).status_code
        == 302
    )


def submit(client, dossier: Dossier):
    return client.post(wizard_url(dossier, "review"), {"declaration": "on", "submit": "1"})
