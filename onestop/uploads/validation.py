"""Is this upload what it says it is? Sniff, cross-check, cap, name (STYLE §7: uploads fail closed).

The browser's content type and the extension are never trusted: libmagic reads the first bytes,
the detected type must belong to the (MIME type, extension) pair the name claims, and that pair
must be allowed for the document being uploaded and by the province (UPLOAD_ALLOWED_TYPES).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File

from . import conf, errors
from .errors import Reason, UploadRejected
from .names import check_file_name

__all__ = [
    "FILE_TYPES",
    "FileType",
    "Reason",
    "UploadRejected",
    "ValidatedUpload",
    "accepted_types",
    "validate_upload",
]

# libmagic needs more than its usual 2 KB to tell an XLSX from a plain ZIP; 16 KB is enough for the
# documents Word and Excel write, and a plain-ZIP answer is checked member by member anyway.
SNIFF_BYTES = 16 * 1024
HASH_CHUNK = 64 * 1024

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class FileType:
    key: str  # what UPLOAD_ALLOWED_TYPES and `allowed` name
    label: str  # shown to citizens
    mime: str  # stored and served
    extensions: tuple[str, ...]  # the first is the one given to the stored file
    sniffed_as: frozenset[str]  # what libmagic may report for a genuine file
    ooxml_part: str = ""  # OOXML: the main part the ZIP must contain
    macro_part: str = ""  # OOXML: present only in macro-enabled documents (.docm/.xlsm renamed)


FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", "application/pdf", ("pdf",), frozenset({"application/pdf"})),
        FileType("jpg", "JPG", "image/jpeg", ("jpg", "jpeg"), frozenset({"image/jpeg"})),
        FileType("png", "PNG", "image/png", ("png",), frozenset({"image/png"})),
        # libmagic names an OOXML file only when [Content_Types].xml comes first in the ZIP;
        # otherwise it says application/zip, and the ZIP members decide.
        FileType(
            "docx",
            "DOCX",
            DOCX_MIME,
            ("docx",),
            frozenset({DOCX_MIME, "application/zip"}),
            ooxml_part="word/document.xml",
            macro_part="word/vbaProject.bin",
        ),
        FileType(
            "xlsx",
            "XLSX",
            XLSX_MIME,
            ("xlsx",),
            frozenset({XLSX_MIME, "application/zip"}),
            ooxml_part="xl/workbook.xml",
            macro_part="xl/vbaProject.bin",
        ),
    )
}
_ALIASES = {"jpeg": "jpg"}


@dataclass(frozen=True)
class ValidatedUpload:
    """What ``validate_upload`` established; ``storage.stored_file_create`` stores exactly this."""

    content_type: str  # the allow-listed MIME type (never the browser's)
    extension: str  # with the dot, canonical: ".pdf", ".jpg", ".png", ".docx", ".xlsx"
    size: int
    sha256: str  # hex
    safe_name: str  # display name: basename, NFC, no invisible characters, ≤ 120 characters


def accepted_types(allowed: Iterable[str] = conf.DEFAULT_ALLOWED_TYPES) -> list[FileType]:
    """The types a document accepts: ``allowed`` narrowed by UPLOAD_ALLOWED_TYPES, in FILE_TYPES order.

    For forms too: ``",".join("." + e for t in accepted_types(...) for e in t.extensions)`` is the
    ``accept`` attribute of the file input.
    """
    wanted = {_key(k) for k in allowed}
    province = {_key(k) for k in conf.allowed_type_keys()}
    types = [t for key, t in FILE_TYPES.items() if key in wanted and key in province]
    if not types:
        raise ImproperlyConfigured(
            f"No upload type left: allowed={sorted(wanted)} and UPLOAD_ALLOWED_TYPES={sorted(province)} do not meet."
        )
    return types


def _key(key: str) -> str:
    key = key.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in FILE_TYPES:
        raise ImproperlyConfigured(f"Unknown upload type {key!r}; known: {', '.join(FILE_TYPES)}.")
    return key


def validate_upload(
    uploaded: File, *, allowed: Iterable[str] = conf.DEFAULT_ALLOWED_TYPES, max_bytes: int
) -> ValidatedUpload:
    """Check one uploaded file; raise ``UploadRejected`` (a ValueError) naming the file and the reason.

    In order: the name (no path, no NUL, no hidden executable extension), the extension against
    the types accepted for this document, emptiness and ``max_bytes``, the content sniffed by
    libmagic against the extension's type, the ZIP members of DOCX/XLSX (no macros), and, with
    CLAMAV_ENABLED, a virus scan that rejects when the scanner cannot answer. Reads the file
    through; leaves it at position 0. Nothing is written anywhere.
    """
    safe_name, extension = check_file_name(uploaded.name)
    types = accepted_types(allowed)
    file_type = next((t for t in types if extension in t.extensions), None)
    if file_type is None:
        raise errors.type_not_accepted(safe_name, [t.label for t in types])

    size = uploaded.size
    if not size:
        raise errors.empty(safe_name)
    if size > max_bytes:
        raise errors.too_large(safe_name, max_bytes)

    uploaded.seek(0)
    detected = _sniff(uploaded.read(SNIFF_BYTES))
    if detected not in file_type.sniffed_as:
        raise errors.content_mismatch(safe_name, file_type.label, detected)
    if file_type.ooxml_part:
        _check_ooxml(uploaded, file_type, safe_name)

    sha256, counted = _sha256(uploaded)
    if counted > max_bytes:  # `size` came from whoever built the File; the bytes are what count
        raise errors.too_large(safe_name, max_bytes)
    if counted == 0:
        raise errors.empty(safe_name)

    if conf.clamav().enabled:
        from .antivirus import scan_upload

        scan_upload(uploaded, name=safe_name)

    uploaded.seek(0)
    return ValidatedUpload(
        content_type=file_type.mime,
        extension=f".{file_type.extensions[0]}",
        size=counted,
        sha256=sha256,
        safe_name=safe_name,
    )


def _sniff(head: bytes) -> str:
    import magic  # libmagic; loaded on first use (STYLE §12)

    try:
        return magic.from_buffer(head, mime=True) or "application/octet-stream"
    except magic.MagicException:
        return "application/octet-stream"


def _check_ooxml(uploaded: File, file_type: FileType, safe_name: str) -> None:
    # Reads the ZIP's central directory only; nothing is decompressed (no ZIP-bomb exposure).
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise errors.damaged(safe_name, file_type.label) from None
    if "[Content_Types].xml" not in members or file_type.ooxml_part not in members:
        raise errors.damaged(safe_name, file_type.label)
    if file_type.macro_part in members:
        raise errors.macros(safe_name, file_type.label)


def _sha256(uploaded: File) -> tuple[str, int]:
    uploaded.seek(0)
    digest = hashlib.sha256()
    counted = 0
    while chunk := uploaded.read(HASH_CHUNK):
        digest.update(chunk)
        counted += len(chunk)
    return digest.hexdigest(), counted
