"""Validators for Vietnamese identity data (CCCD, mobile numbers).

Master data shared by the citizen site (portal) and the back office (onestop), which may not
import each other upwards (DESIGN §4).

CCCD (căn cước công dân / căn cước) numbers have 12 digits (Circular 59/2021/TT-BCA art. 7,
kept by the Law on Identification 2023): 3 digits of the province of birth registration,
1 digit for century and sex, 2 digits for the year of birth, 6 random digits.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province codes of Circular 07/2016/TT-BCA (the 63 provinces before the 2025 merger; numbers
# issued before then stay valid for life).
# fmt: off
CCCD_PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
        34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
        67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)
# fmt: on
# Fourth digit: century of birth (and sex: even male, odd female).
_CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}

_CCCD_RE = re.compile(r"^\d{12}$")
# Vietnamese mobile numbers: 10 digits starting 03, 05, 07, 08, 09 (after the 2018 renumbering),
# written 0xxxxxxxxx or +84xxxxxxxxx.
_MOBILE_RE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")


def normalize_cccd(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_cccd(value: str) -> None:
    value = normalize_cccd(value)
    if not _CCCD_RE.match(value):
        raise ValidationError(_("The citizen ID (CCCD) number must have exactly 12 digits."), code="cccd_format")
    if value[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits of the citizen ID (CCCD) number are not a valid province code."),
            code="cccd_province",
        )


def cccd_birth_year(value: str) -> int:
    value = normalize_cccd(value)
    return _CENTURY_BY_DIGIT[int(value[3])] + int(value[4:6])


def validate_cccd_matches_birth_date(cccd: str, birth_date: dt.date) -> None:
    if cccd_birth_year(cccd) != birth_date.year:
        raise ValidationError(
            _("The citizen ID (CCCD) number does not match the date of birth (digits 4–6 encode the year of birth)."),
            code="cccd_birth_year",
        )


def normalize_phone(value: str) -> str:
    """Return a Vietnamese mobile number as 0xxxxxxxxx, or the input stripped if it does not parse."""
    raw = re.sub(r"[\s.\-()]", "", value or "")
    match = _MOBILE_RE.match(raw)
    return "0" + match.group(1) if match else raw


def validate_vn_mobile(value: str) -> None:
    if not _MOBILE_RE.match(re.sub(r"[\s.\-()]", "", value or "")):
        raise ValidationError(
            _("Enter a Vietnamese mobile number: 10 digits starting with 03, 05, 07, 08 or 09 (e.g. 0912345678)."),
            code="phone_format",
        )


# Form templates (mẫu đơn, tờ khai) of the catalogue: Word documents or PDFs, small.
TEMPLATE_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def template_kind(content: bytes) -> str | None:
    """ "docx" or "pdf" when `content` really is one (read, never trusted from the name), else None."""
    import io
    import zipfile

    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" in names and "word/document.xml" in names and archive.testzip() is None:
                    return "docx"
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    return None


def validate_template(content: bytes, *, name: str = "") -> str:
    """The kind of a form template, or ValidationError saying what is wrong, in words."""
    if len(content) > TEMPLATE_MAX_BYTES:
        raise ValidationError(
            _("The form template “%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": 5}
        )
    kind = template_kind(content)
    if kind is None:
        raise ValidationError(
            _("The form template “%(name)s” must be a Word document (DOCX) or a PDF.") % {"name": name}
        )
    return kind


def template_filename(title: str, kind: str) -> str:
    """A safe download name from a template's title: "Tờ khai đăng ký khai sinh" → to-khai-dang-ky-khai-sinh.docx."""
    import unicodedata

    text = (title or "").replace("đ", "d").replace("Đ", "D")
    ascii_text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-") or "mau"
    return f"{stem}.{kind}"
