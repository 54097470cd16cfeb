"""Uploads fail closed (STYLE §7): sniffed, allow-listed, capped while received, stored under random names.

Real files are generated here (pypdf, Pillow, zipfile, openpyxl); the only fake is a clamd server on
127.0.0.1 speaking the INSTREAM protocol (the network edge). The module also serves as the URLconf
of a tiny upload view wired the way the citizen wizard must wire its own (csrf_exempt outside,
limit_uploads, csrf_protect inside).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import socket
import struct
import tempfile
import threading
import time
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image
from pypdf import PdfWriter

from onestop.models import StoredFile
from onestop.uploads import antivirus
from onestop.uploads.antivirus import ClamdClient, ScanError
from onestop.uploads.errors import Reason, UploadRejected, format_limit
from onestop.uploads.handlers import limit_uploads
from onestop.uploads.names import MAX_NAME_LENGTH, check_file_name, content_disposition
from onestop.uploads.storage import (
    UploadChangedError,
    stored_file_create,
    stored_file_open,
    stored_file_response,
)
from onestop.uploads.validation import DOCX_MIME, XLSX_MIME, ValidatedUpload, accepted_types, validate_upload

MB = 1024 * 1024
LIMIT = 10 * MB
# Split so that no antivirus on a developer's machine quarantines this test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# --- Real files ---------------------------------------------------------------------------------


def pdf_bytes(extra: bytes = b"") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue() + extra


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Đơn đề nghị cấp bản sao trích lục khai sinh</w:t></w:r></w:p></w:body>"
    "</w:document>"
)


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def docx_bytes(extra: dict[str, str | bytes] | None = None) -> bytes:
    members = {"[Content_Types].xml": CONTENT_TYPES_XML, "_rels/.rels": RELS_XML, "word/document.xml": DOCUMENT_XML}
    return zip_bytes(members | (extra or {}))


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Danh sách hộ gia đình"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's content type is deliberately wrong in many tests: it must never matter.
    return SimpleUploadedFile(name, data, content_type=content_type)


def raw_file(name: str, data: bytes) -> File:
    """A file that did not come through Django's multipart parser (an API, an import): name as given."""
    return File(io.BytesIO(data), name=name)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.CLAMAV_ENABLED = False
    settings.UPLOAD_ALLOWED_TYPES = ["pdf", "jpg", "png", "docx", "xlsx"]
    return root


def reject(uploaded: File, **kwargs) -> UploadRejected:
    kwargs.setdefault("max_bytes", LIMIT)
    with pytest.raises(UploadRejected) as caught:
        validate_upload(uploaded, **kwargs)
    return caught.value


# --- Valid documents are stored under a random name, with their SHA-256 ----------------------------

VALID = [
    ("Giấy khai sinh.pdf", pdf_bytes, "application/pdf", ".pdf"),
    ("Ảnh chân dung.jpg", lambda: image_bytes("JPEG"), "image/jpeg", ".jpg"),
    ("anh-the.JPEG", lambda: image_bytes("JPEG"), "image/jpeg", ".jpg"),
    ("Sổ hộ khẩu.png", lambda: image_bytes("PNG"), "image/png", ".png"),
    ("Đơn đề nghị.docx", docx_bytes, DOCX_MIME, ".docx"),
    ("Danh sách.xlsx", xlsx_bytes, XLSX_MIME, ".xlsx"),
    ("ho.so.pdf", pdf_bytes, "application/pdf", ".pdf"),  # dots inside a name are fine
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "mime", "extension"), VALID)
def test_valid_upload_is_stored_under_a_random_name_with_its_sha256(media, citizen, name, make, mime, extension):
    data = make()
    uploaded = upload(name, data, content_type="application/octet-stream")

    validated = validate_upload(uploaded, max_bytes=LIMIT)
    stored = stored_file_create(owner=citizen, uploaded=uploaded, validated=validated)

    assert validated == ValidatedUpload(
        content_type=mime,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        safe_name=unicodedata.normalize("NFC", name),
    )
    stored.refresh_from_db()
    assert re.fullmatch(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}" + re.escape(extension), stored.storage_name)
    assert (stored.owner, stored.original_name, stored.content_type) == (citizen, name, mime)
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert files_under(media) == [media / stored.storage_name]
    assert (media / stored.storage_name).read_bytes() == data
    with stored_file_open(stored) as opened:
        assert opened.read() == data


@pytest.mark.django_db
def test_two_uploads_of_the_same_name_get_different_keys(media, citizen):
    names = set()
    for _ in range(2):
        uploaded = upload("giay-to.pdf", pdf_bytes())
        names.add(
            stored_file_create(
                owner=citizen, uploaded=uploaded, validated=validate_upload(uploaded, max_bytes=LIMIT)
            ).storage_name
        )
    assert len(names) == 2
    assert not any("giay" in n for n in names)


@pytest.mark.django_db
def test_a_docx_whose_zip_does_not_start_with_content_types_is_checked_by_its_members(media):
    # libmagic then says application/zip: the members decide.
    data = zip_bytes(
        {"word/document.xml": DOCUMENT_XML, "_rels/.rels": RELS_XML, "[Content_Types].xml": CONTENT_TYPES_XML}
    )
    assert validate_upload(upload("don.docx", data), max_bytes=LIMIT).content_type == DOCX_MIME


@pytest.mark.django_db
def test_storage_reads_private_media_root_at_call_time(settings, tmp_path, citizen):
    for folder in ("first", "second"):
        settings.PRIVATE_MEDIA_ROOT = tmp_path / folder
        uploaded = upload("a.pdf", pdf_bytes())
        stored = stored_file_create(
            owner=citizen, uploaded=uploaded, validated=validate_upload(uploaded, max_bytes=LIMIT)
        )
        assert (tmp_path / folder / stored.storage_name).is_file()


@pytest.mark.django_db
def test_storing_other_bytes_than_the_validated_ones_keeps_nothing(media, citizen):
    validated = validate_upload(upload("a.pdf", pdf_bytes()), max_bytes=LIMIT)
    with pytest.raises(UploadChangedError):
        stored_file_create(owner=citizen, uploaded=upload("a.pdf", pdf_bytes(b"%changed")), validated=validated)
    assert files_under(media) == []
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
def test_a_row_that_cannot_be_written_leaves_no_file(media):
    from portal.models import User

    uploaded = upload("a.pdf", pdf_bytes())
    with pytest.raises(ValueError, match="unsaved"):
        stored_file_create(
            owner=User(email="chua-luu@example.vn"),
            uploaded=uploaded,
            validated=validate_upload(uploaded, max_bytes=LIMIT),
        )
    assert files_under(media) == []


# --- Hostile files are refused, named, and nothing is written --------------------------------------

HOSTILE = [
    # (test id, file, reason)
    ("pe-renamed-pdf", lambda: upload("giay-to.pdf", b"MZ" + b"\x90\x00" * 64), Reason.CONTENT_MISMATCH),
    ("elf-renamed-pdf", lambda: upload("giay-to.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64), Reason.CONTENT_MISMATCH),
    (
        "html-renamed-pdf",
        lambda: upload("abc.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>"),
        Reason.CONTENT_MISMATCH,
    ),
    ("shell-renamed-pdf", lambda: upload("to-khai.pdf", b"#!/bin/sh\nrm -rf /\n"), Reason.CONTENT_MISMATCH),
    (
        "svg-renamed-png",
        lambda: upload("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
        Reason.CONTENT_MISMATCH,
    ),
    ("png-named-docx", lambda: upload("don.docx", image_bytes("PNG"), DOCX_MIME), Reason.CONTENT_MISMATCH),
    ("docx-named-xlsx", lambda: upload("bang.xlsx", docx_bytes(), XLSX_MIME), Reason.CONTENT_MISMATCH),
    ("jpeg-named-pdf", lambda: upload("scan.pdf", image_bytes("JPEG")), Reason.CONTENT_MISMATCH),
    ("zip-without-document", lambda: upload("don.docx", zip_bytes({"a.txt": "x"})), Reason.DAMAGED),
    (
        "zip-with-content-types-only",
        lambda: upload("bang.xlsx", zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/x.xml": "<x/>"})),
        Reason.DAMAGED,
    ),
    (
        "docx-with-macros",
        lambda: upload("don.docx", docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
        Reason.MACROS,
    ),
    ("empty", lambda: upload("x.pdf", b""), Reason.EMPTY),
    ("exe", lambda: upload("z.exe", b"MZ" + b"\x00" * 64), Reason.TYPE_NOT_ACCEPTED),
    ("no-extension", lambda: upload("hoso", pdf_bytes()), Reason.TYPE_NOT_ACCEPTED),
    ("html", lambda: upload("trang.html", b"<html></html>"), Reason.TYPE_NOT_ACCEPTED),
    ("pdf-exe", lambda: upload("a.pdf.exe", pdf_bytes()), Reason.DOUBLE_EXTENSION),
    ("pdf-exe-trailing-dot", lambda: upload("giay-to.pdf.exe.", pdf_bytes()), Reason.DOUBLE_EXTENSION),
    ("jpg-js", lambda: upload("anh.jpg.js", image_bytes("JPEG")), Reason.DOUBLE_EXTENSION),
    # U+202E shows "hosoexe.pdf" on screen; dropped, the name is what it is: an .exe.
    ("right-to-left-override", lambda: upload("hoso\u202efdp.exe", pdf_bytes()), Reason.TYPE_NOT_ACCEPTED),
    ("parent-path", lambda: raw_file("../../etc/giay-to.pdf", pdf_bytes()), Reason.BAD_NAME),
    ("windows-path", lambda: raw_file("..\\..\\boot\\giay-to.pdf", pdf_bytes()), Reason.BAD_NAME),
    ("dot-dot", lambda: raw_file("..", pdf_bytes()), Reason.BAD_NAME),
    ("nul-byte", lambda: raw_file("giay-to.exe\x00.pdf", pdf_bytes()), Reason.BAD_NAME),
    ("no-name", lambda: raw_file("", pdf_bytes()), Reason.NO_NAME),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "reason"), [pytest.param(m, r, id=i) for i, m, r in HOSTILE])
def test_hostile_upload_is_refused_naming_the_file_and_nothing_is_written(media, citizen, make, reason):
    uploaded = make()
    rejected = reject(uploaded)
    assert rejected.reason == reason
    if reason != Reason.NO_NAME:
        assert rejected.file_name
        assert f"“{rejected.file_name}”" in str(rejected)
    assert "\x00" not in str(rejected)
    assert isinstance(rejected, ValueError)
    assert files_under(media) == []
    assert not StoredFile.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "kwargs", "message"),
    [
        (
            lambda: upload("abc.pdf", b"<!DOCTYPE html><html><body>hi</body></html>"),
            {},
            "File “abc.pdf”: the content is not PDF (detected: text/html).",
        ),
        (lambda: upload("x.pdf", b""), {}, "File “x.pdf” is empty."),
        (lambda: upload("y.pdf", pdf_bytes(b"\0" * LIMIT)), {}, "File “y.pdf” is larger than 10 MB."),
        (
            lambda: upload("z.exe", b"MZ"),
            {},
            "File “z.exe”: this file type is not accepted. Accepted: PDF, JPG, PNG, DOCX, XLSX.",
        ),
        (
            lambda: upload("anh.png", image_bytes("PNG")),
            {"allowed": ("pdf",)},
            "File “anh.png”: this file type is not accepted. Accepted: PDF.",
        ),
        (
            lambda: upload("a.pdf.exe", pdf_bytes()),
            {},
            "File “a.pdf.exe”: the name hides a program behind a second extension (such as “.pdf.exe”).",
        ),
        (
            lambda: upload("don.docx", zip_bytes({"a.txt": "x"})),
            {},
            "File “don.docx”: the file is damaged or is not a real DOCX document.",
        ),
    ],
)
def test_messages_name_the_file_and_the_reason(media, uploaded, kwargs, message):
    # English source strings; the Vietnamese comes from the catalogue (e.g. "Tệp “x.pdf” rỗng.").
    with translation.override("en"):
        assert str(reject(uploaded(), **kwargs)) == message


def test_size_limit_is_checked_on_the_bytes_not_only_the_announced_size(media):
    uploaded = upload("a.pdf", pdf_bytes())
    uploaded.size = 10  # whoever built the File got it wrong
    assert reject(uploaded, max_bytes=100).reason == Reason.TOO_LARGE


def test_limit_is_shown_in_the_active_language():
    with translation.override("vi"):
        assert format_limit(10 * MB) == "10 MB"
        assert format_limit(3 * MB // 2) == "1,5 MB"
    with translation.override("en"):
        assert format_limit(3 * MB // 2) == "1.5 MB"
    assert format_limit(500 * 1024) == "500 KB"


def test_a_document_narrows_the_types_and_the_province_narrows_them_further(settings, media):
    assert [t.key for t in accepted_types(("pdf", "jpeg"))] == ["pdf", "jpg"]
    settings.UPLOAD_ALLOWED_TYPES = ["pdf", "png"]
    assert [t.key for t in accepted_types()] == ["pdf", "png"]
    assert reject(upload("don.docx", docx_bytes())).reason == Reason.TYPE_NOT_ACCEPTED
    with pytest.raises(ImproperlyConfigured):
        accepted_types(("docx",))
    with pytest.raises(ImproperlyConfigured):
        accepted_types(("pdf", "exe"))


# --- Names ------------------------------------------------------------------------------------------


def test_display_name_keeps_vietnamese_in_nfc_and_drops_invisible_characters():
    decomposed = unicodedata.normalize("NFD", "Giấy chứng nhận quyền sử dụng đất.PDF")
    assert check_file_name(f"  {decomposed}\t\u200b ") == ("Giấy chứng nhận quyền sử dụng đất.PDF", "pdf")
    assert check_file_name("Tờ khai\r\n\u202e.pdf") == ("Tờ khai.pdf", "pdf")
    assert check_file_name("ho.so.pdf") == ("ho.so.pdf", "pdf")
    assert check_file_name("hoa-don.congty.com.vn.pdf")[1] == "pdf"  # an inner ".com" hides nothing


def test_long_names_are_cut_keeping_the_extension():
    name, extension = check_file_name("Quyết định " * 40 + ".docx")
    assert len(name) <= MAX_NAME_LENGTH
    assert name.endswith(".docx") and not name.endswith(" .docx")
    assert extension == "docx"


def test_content_disposition_offers_the_vietnamese_name_per_rfc_6266():
    assert content_disposition("Giấy tờ Đất đai.pdf", as_attachment=True) == (
        'attachment; filename="Giay to Dat dai.pdf"; '
        "filename*=UTF-8''Gi%E1%BA%A5y%20t%E1%BB%9D%20%C4%90%E1%BA%A5t%20%C4%91ai.pdf"
    )
    assert content_disposition('a"b\\c.pdf', as_attachment=False) == 'inline; filename="a\\"b\\\\c.pdf"'
    assert "\r" not in content_disposition("a\r\nSet-Cookie: x=1.pdf", as_attachment=True)


# --- Served back: permission is the view's job; headers are ours ------------------------------------


@pytest.mark.django_db
def test_response_streams_the_file_with_safe_headers(media, citizen):
    data = pdf_bytes()
    uploaded = upload("Giấy khai sinh.pdf", data)
    stored = stored_file_create(owner=citizen, uploaded=uploaded, validated=validate_upload(uploaded, max_bytes=LIMIT))

    inline = stored_file_response(stored, as_attachment=False)
    assert b"".join(inline.streaming_content) == data
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Length"] == str(len(data))
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert inline["Content-Security-Policy"] == "sandbox"
    assert inline["Content-Disposition"].startswith('inline; filename="Giay khai sinh.pdf"; filename*=UTF-8')
    assert "private" in inline["Cache-Control"]

    download = stored_file_response(stored, as_attachment=True)
    b"".join(download.streaming_content)
    assert download["Content-Disposition"].startswith("attachment; ")


@pytest.mark.django_db
def test_csp_sandbox_survives_the_middleware(media, citizen, client, upload_urls):
    uploaded = upload("anh.png", image_bytes("PNG"))
    stored = stored_file_create(owner=citizen, uploaded=uploaded, validated=validate_upload(uploaded, max_bytes=LIMIT))
    response = client.get(f"/file/{stored.pk}/")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == (media / stored.storage_name).read_bytes()


# --- Limits while receiving: a test view wired as the wizard's must be ------------------------------


class DownstreamSpy(FileUploadHandler):
    """Sits right after the limit handler: counts what Django's memory/temporary-file handlers receive."""

    def __init__(self, request=None):
        super().__init__(request)
        self.seen: dict[str, int] = {}

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.seen.setdefault(self.file_name, 0)

    def receive_data_chunk(self, raw_data, start):
        self.seen[self.file_name] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
def upload_view(request):
    limits = limit_uploads(
        request, max_file_bytes=int(request.GET["max_file"]), max_request_bytes=int(request.GET["max_request"])
    )
    spy = DownstreamSpy(request)
    request.upload_handlers.insert(1, spy)
    return _upload_view(request, limits, spy)


@csrf_protect
def _upload_view(request, limits, spy):
    # Read before request.FILES on purpose: `rejections` parses the body itself when needed.
    rejected = [{"reason": r.reason, "file": r.file_name, "message": str(r)} for r in limits.rejections]
    stored = []
    if not rejected:  # one refused file refuses the step: the citizen fixes it and sends again
        for uploaded in request.FILES.getlist("doc"):
            try:
                validated = validate_upload(uploaded, max_bytes=limits.max_file_bytes)
            except UploadRejected as exc:
                rejected.append({"reason": exc.reason, "file": exc.file_name, "message": str(exc)})
                continue
            stored.append(stored_file_create(owner=request.user, uploaded=uploaded, validated=validated).original_name)
    return JsonResponse(
        {
            "rejected": rejected,
            "stored": stored,
            "files": [[f.name, f.size] for f in request.FILES.getlist("doc")],
            "fields": sorted(request.POST),
            "downstream": spy.seen,
        },
        status=400 if rejected else 200,
    )


def file_view(request, pk):
    # The real view checks ownership or a staff role first.
    return stored_file_response(StoredFile.objects.get(pk=pk), as_attachment=False)


urlpatterns = [path("upload/", upload_view), path("file/<int:pk>/", file_view)]


@pytest.fixture
def upload_urls(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    # Small enough that Django spools to temporary files: nothing may be left there either.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.FILE_UPLOAD_TEMP_DIR


def post_files(client, files, *, max_file, max_request, **fields):
    return client.post(f"/upload/?max_file={max_file}&max_request={max_request}", {"doc": files, **fields})


@pytest.mark.django_db
def test_an_oversize_file_is_stopped_while_received_and_nothing_is_kept(media, citizen, client, upload_urls):
    client.force_login(citizen)
    big = upload("ban-ve.pdf", pdf_bytes(b"\0" * MB))

    response = post_files(client, [big], max_file=100_000, max_request=10 * MB, note="giữ lại")

    body = response.json()
    assert response.status_code == 400, json.dumps(body)
    assert [(r["reason"], r["file"]) for r in body["rejected"]] == [("too_large", "ban-ve.pdf")]
    assert "“ban-ve.pdf”" in body["rejected"][0]["message"]
    assert body["downstream"]["ban-ve.pdf"] <= 100_000  # Django's handlers never got more than the limit
    assert body["files"] == []
    assert body["fields"] == ["note"]  # the other fields (CSRF token among them) still arrive
    assert files_under(media) == []
    assert files_under(upload_urls) == []


@pytest.mark.django_db
def test_files_together_over_the_request_limit_are_refused(media, citizen, client, upload_urls):
    client.force_login(citizen)
    first, second = upload("mot.pdf", pdf_bytes(b"\0" * 60_000)), upload("hai.pdf", pdf_bytes(b"\0" * 60_000))

    body = post_files(client, [first, second], max_file=100_000, max_request=100_000).json()

    assert [(r["reason"], r["file"]) for r in body["rejected"]] == [("total_too_large", "hai.pdf")]
    assert [name for name, _ in body["files"]] == ["mot.pdf"]
    assert body["downstream"]["hai.pdf"] <= 100_000 - body["files"][0][1]
    assert files_under(media) == []
    assert files_under(upload_urls) == []


@pytest.mark.django_db
def test_a_body_announced_too_large_stores_no_file_byte(media, citizen, client, upload_urls):
    client.force_login(citizen)
    body = post_files(
        client, [upload("lon.pdf", pdf_bytes(b"\0" * 3 * MB))], max_file=10 * MB, max_request=10_000, note="x"
    ).json()
    assert [(r["reason"], r["file"]) for r in body["rejected"]] == [("total_too_large", "lon.pdf")]
    assert body["downstream"] == {"lon.pdf": 0}
    assert body["fields"] == ["note"]
    assert files_under(media) == []


@pytest.mark.django_db
def test_files_within_the_limits_go_through_the_view_and_are_stored(media, citizen, client, upload_urls):
    client.force_login(citizen)
    files = [upload("Giấy khai sinh.pdf", pdf_bytes(b"\0" * 50_000)), upload("Ảnh.png", image_bytes("PNG"))]
    response = post_files(client, files, max_file=100_000, max_request=200_000)
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == ["Giấy khai sinh.pdf", "Ảnh.png"]
    assert len(files_under(media)) == 2
    assert files_under(upload_urls) == []


@pytest.mark.django_db
def test_a_hostile_file_through_the_view_is_refused_and_nothing_is_kept(media, citizen, client, upload_urls):
    client.force_login(citizen)
    body = post_files(
        client, [upload("abc.pdf", b"<html><script>alert(1)</script></html>")], max_file=MB, max_request=MB
    ).json()
    assert [(r["reason"], r["file"]) for r in body["rejected"]] == [("content_mismatch", "abc.pdf")]
    assert files_under(media) == []


@pytest.mark.django_db
@pytest.mark.parametrize("sent_name", ["../../../etc/giay-to.pdf", "..\\\\..\\\\giay-to.pdf"])
def test_a_path_in_the_multipart_file_name_never_reaches_the_disk(media, citizen, client, upload_urls, sent_name):
    client.force_login(citizen)
    boundary = "dvc-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="doc"; filename="{sent_name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.post(
        f"/upload/?max_file={MB}&max_request={MB}", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 200, response.content
    assert response.json()["stored"] == ["giay-to.pdf"]  # Django keeps the last component only
    [stored_path] = files_under(media)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored_path.name)
    assert stored_path.is_relative_to(media / "uploads")


@pytest.mark.django_db
def test_csrf_is_still_checked_on_upload_views(media, citizen, upload_urls):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    token = "a" * 32
    client.cookies["csrftoken"] = token
    url = f"/upload/?max_file={MB}&max_request={MB}"
    assert client.post(url, {"doc": upload("a.pdf", pdf_bytes())}).status_code == 403
    response = client.post(url, {"csrfmiddlewaretoken": token, "doc": upload("a.pdf", pdf_bytes())})
    assert response.status_code == 200, response.content
    assert len(files_under(media)) == 1


def test_limits_cannot_be_installed_after_the_body_was_read():
    request = RequestFactory().post("/upload/", {"a": "b"})
    assert request.POST["a"] == "b"
    with pytest.raises(RuntimeError, match=r"before request\.POST"):
        limit_uploads(request, max_file_bytes=MB, max_request_bytes=MB)


# --- ClamAV: a fake clamd on 127.0.0.1 speaking INSTREAM --------------------------------------------


class FakeClamd:
    """clamd's INSTREAM protocol, strictly: a framing mistake by the client gets an error reply."""

    def __init__(self, mode: str = "scan", unix_path: str | None = None) -> None:
        self.mode = mode
        self.streams: list[bytes] = []
        self.chunk_sizes: list[int] = []
        self._stop = threading.Event()
        if unix_path:
            self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.server.bind(unix_path)
            self.server.listen()
        else:
            self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.getsockname()[1]

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        self.thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError, struct.error):
                    self._handle(conn)

    @staticmethod
    def _read_exact(conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            more = conn.recv(size - len(data))
            if not more:
                raise OSError("client went away")
            data += more
        return data

    def _handle(self, conn: socket.socket) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self._read_exact(conn, 1)
        if command == b"zPING\0":
            conn.sendall(b"PONG\0")
            return
        if command != b"zINSTREAM\0":
            conn.sendall(b"UNKNOWN COMMAND\0")
            return
        stream = bytearray()
        while size := struct.unpack("!L", self._read_exact(conn, 4))[0]:
            self.chunk_sizes.append(size)
            stream += self._read_exact(conn, size)
        self.streams.append(bytes(stream))
        if self.mode == "silent":
            self._stop.wait(10)
        elif self.mode == "size-limit":
            conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif EICAR in stream:
            conn.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            conn.sendall(b"stream: OK\0")


@pytest.fixture
def clamd():
    servers: list[FakeClamd] = []

    def start(mode: str = "scan", unix_path: str | None = None) -> FakeClamd:
        servers.append(FakeClamd(mode, unix_path))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def clamav_on(settings, media):
    settings.CLAMAV_ENABLED = True
    settings.CLAMAV_HOST = "127.0.0.1"
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_TIMEOUT = 2.0
    return settings


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]  # closed on exit: nothing listens there


def test_clean_stream_is_sent_in_framed_chunks(clamd):
    server = clamd()
    data = pdf_bytes(b"\0" * 200_000)
    result = ClamdClient(port=server.port, timeout=2).scan_stream([data])
    assert (result.infected, result.reply) == (False, "stream: OK")
    assert server.streams == [data]
    assert max(server.chunk_sizes) <= antivirus.CHUNK_BYTES and len(server.chunk_sizes) >= 4


def test_eicar_is_found(clamd):
    server = clamd()
    result = ClamdClient(port=server.port, timeout=2).scan_stream([b"abc", EICAR])
    assert (result.infected, result.signature) == (True, "Eicar-Signature")


def test_ping(clamd):
    assert ClamdClient(port=clamd().port, timeout=2).ping()
    assert not ClamdClient(port=free_port(), timeout=1).ping()


def test_clamd_error_reply_is_a_scan_error(clamd):
    server = clamd("size-limit")
    with pytest.raises(ScanError, match="size limit"):
        ClamdClient(port=server.port, timeout=2).scan_stream([b"data"])


@pytest.mark.django_db
def test_with_clamav_a_clean_file_passes(clamav_on, clamd, citizen, media):
    server = clamd()
    clamav_on.CLAMAV_PORT = server.port
    data = pdf_bytes()
    uploaded = upload("Giấy khai sinh.pdf", data)
    stored = stored_file_create(owner=citizen, uploaded=uploaded, validated=validate_upload(uploaded, max_bytes=LIMIT))
    assert server.streams == [data]
    assert (media / stored.storage_name).read_bytes() == data


@pytest.mark.django_db
def test_with_clamav_an_infected_file_is_refused_by_name(clamav_on, clamd, media):
    clamav_on.CLAMAV_PORT = clamd().port
    with translation.override("en"):
        rejected = reject(upload("hoso.pdf", pdf_bytes(b"%" + EICAR + b"\n")))
    assert rejected.reason == Reason.VIRUS
    assert str(rejected) == "File “hoso.pdf”: a virus was found (Eicar-Signature)."
    assert files_under(media) == []


@pytest.mark.django_db
def test_with_clamav_unreachable_the_file_is_refused(clamav_on, media):
    clamav_on.CLAMAV_PORT = free_port()
    with translation.override("en"):
        rejected = reject(upload("hoso.pdf", pdf_bytes()))
    assert rejected.reason == Reason.SCAN_FAILED
    assert str(rejected) == "File “hoso.pdf”: the virus check could not be done, please try again later."
    assert files_under(media) == []


@pytest.mark.django_db
def test_with_clamav_silent_the_file_is_refused_after_the_timeout(clamav_on, clamd, media):
    clamav_on.CLAMAV_PORT = clamd("silent").port
    clamav_on.CLAMAV_TIMEOUT = 0.5
    started = time.monotonic()
    assert reject(upload("hoso.pdf", pdf_bytes())).reason == Reason.SCAN_FAILED
    assert time.monotonic() - started < 3
    assert files_under(media) == []


@pytest.mark.django_db
def test_with_clamav_over_a_unix_socket(clamav_on, clamd, media):
    with tempfile.TemporaryDirectory(prefix="clamd-") as folder:  # short: UNIX socket paths are ~100 bytes max
        socket_path = str(Path(folder) / "clamd.sock")
        server = clamd(unix_path=socket_path)
        clamav_on.CLAMAV_SOCKET = socket_path
        clamav_on.CLAMAV_PORT = free_port()  # must not be used
        assert validate_upload(upload("a.pdf", pdf_bytes()), max_bytes=LIMIT).content_type == "application/pdf"
        assert len(server.streams) == 1
        assert reject(upload("b.pdf", pdf_bytes(b"%" + EICAR))).reason == Reason.VIRUS
        server.close()


def test_hostile_files_are_refused_before_the_scanner_is_asked(clamav_on, clamd):
    server = clamd()
    clamav_on.CLAMAV_PORT = server.port
    assert reject(upload("abc.pdf", b"<html></html>")).reason == Reason.CONTENT_MISMATCH
    assert server.streams == []


def test_json_of_rejections_is_plain(media):
    # Views may put reasons in JSON (the API): Reason is a str.
    assert json.dumps({"reason": reject(upload("x.pdf", b"")).reason}) == '{"reason": "empty"}'
