"""What the seven forms of Circular 03/2025/TT-VPCP share: titles, the applicant, the procedure, times, fees.

Everything printed about a dossier comes from the dossier as received (its applicant fields and its
snapshot of the procedure), never from the live catalogue, except the procedure's name and code
when an old snapshot lacks them (as in onestop.documents.confirmation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from onestop.models import ApplicantKind, Dossier
from procedures.models import Agency

from ..layout import VIETNAM_TZ, DocumentMeta, document_meta, vnd

# Circular 03/2025/TT-VPCP, the annex: each form carries its number at the top right and its title.
FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}

BLANK = "…………"  # a field the form leaves to be filled in by hand

# DocumentKind values (procedures.models) and the words the forms print for them.
KIND_WORDS = {
    "original": "Bản chính",
    "certified_copy": "Bản sao có chứng thực",
    "copy": "Bản sao",
    "photo": "Bản photo",
    "electronic": "Bản điện tử",
}

_UNIT_WORDS = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "days": "ngày"}
_FEE_UNIT = {"per_copy": "/bản", "per_page": "/trang", "per_item": "/lần"}
_DELIVERY_WORDS = {"counter": "Trả tại quầy", "online": "Trả trực tuyến", "post": "Trả qua bưu chính công ích"}


def form_meta(
    form: str, *, agency: Agency, at: dt.datetime | None, number: str = "", with_date: bool = True
) -> DocumentMeta:
    """The Decree 30 header of form `form` ('01'…'07'), dated `at` (now when None)."""
    meta = document_meta(agency=agency, title=FORM_TITLES[form], at=at or timezone.now(), number=number)
    return meta if with_date else replace(meta, place_date="")


def person_name(person: Any) -> str:
    """A user (get_full_name / full_name), a plain name, or nothing."""
    if person is None:
        return ""
    if isinstance(person, str):
        return person.strip()
    if callable(getattr(person, "get_full_name", None)):
        return person.get_full_name() or ""
    return str(getattr(person, "full_name", "") or "")


def two_digits(value: int) -> str:
    """Administrative documents write small counts with two digits: 1 → '01'."""
    return f"{value:02d}"


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, VIETNAM_TZ)


def short_date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def short_datetime(value: dt.datetime | None) -> str:
    return local(value).strftime("%H:%M %d/%m/%Y") if value else ""


def parse_when(value: Any) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO string (event data); None when missing or invalid."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str) and value:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return when if timezone.is_aware(when) else timezone.make_aware(when, VIETNAM_TZ)


def applicant(dossier: Dossier) -> dict[str, Any]:
    """The applicant as declared on the dossier (kept even if the profile changed since)."""
    is_organisation = dossier.applicant_kind == ApplicantKind.ORGANISATION
    return {
        "is_organisation": is_organisation,
        "name": dossier.applicant_name,
        "organisation": dossier.organisation_name,
        "tax_code": dossier.organisation_tax_code,
        "id_number": dossier.applicant_id_number,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "address": dossier.applicant_address,
        # Whom a letter is addressed to: the organisation, or the person.
        "addressee": dossier.organisation_name if is_organisation and dossier.organisation_name else "",
    }


def procedure_name(dossier: Dossier) -> str:
    procedure = (dossier.snapshot or {}).get("procedure") or {}
    return procedure.get("name") or dossier.procedure.name


def procedure_code(dossier: Dossier) -> str:
    procedure = (dossier.snapshot or {}).get("procedure") or {}
    return procedure.get("code") or dossier.procedure.code


def _amount_words(amount: Any) -> str:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if value == value.to_integral_value():
        return two_digits(int(value))
    return f"{value.normalize():f}".replace(".", ",")


def processing_time(dossier: Dossier) -> str:
    """'05 ngày làm việc': the statutory time of the dossier's channel (or the counter's), as received."""
    times = (dossier.snapshot or {}).get("times") or []
    chosen = next((t for t in times if t.get("channel") == dossier.channel), None) or next(
        (t for t in times if t.get("channel") == 1), None
    )
    if not chosen:
        return ""
    return f"{_amount_words(chosen.get('amount'))} {_UNIT_WORDS.get(chosen.get('unit'), chosen.get('unit') or '')}"


def channel_fees(dossier: Dossier) -> tuple[list[dict[str, str]], str, bool]:
    """What the dossier owes (onestop.fees.dossier_dues): lines, total, whether the total is
    provisional (a per-unit count the form did not give). A per-unit line shows its unit price and count."""
    from ...fees import dossier_dues

    dues = dossier_dues(dossier)
    lines = []
    for line in dues.lines:
        per_unit = line.basis in _FEE_UNIT
        count = f" ({vnd(line.unit_amount)}{_FEE_UNIT[line.basis]} × {line.quantity})" if per_unit else ""
        lines.append({"name": line.name, "amount": vnd(line.amount) + count})
    return lines, vnd(dues.total), dues.provisional


def delivery_words(dossier: Dossier) -> str:
    """Where the result is collected (form 01, item 6)."""
    agency = dossier.agency
    if dossier.delivery_method == "post":
        address = dossier.delivery_address or dossier.applicant_address
        return "Qua dịch vụ bưu chính công ích" + (f", đến địa chỉ: {address}" if address else "")
    if dossier.delivery_method == "online":
        return "Trực tuyến: kết quả điện tử trên Cổng Dịch vụ công (mục Hồ sơ của tôi)"
    where = agency.name + (f", {agency.address}" if agency.address else "")
    return f"Trực tiếp tại Bộ phận Một cửa, {where}"


def return_method_words(method: str) -> str:
    return _DELIVERY_WORDS.get(method, "")


def kind_words(kind: str) -> str:
    """'certified_copy' → 'Bản sao có chứng thực'; words given as words are kept, capitalised."""
    text = KIND_WORDS.get((kind or "").strip(), (kind or "").strip())
    return text[:1].upper() + text[1:]


def agency_contact(agency: Agency) -> str:
    parts = [f"Bộ phận Một cửa, {agency.name}"]
    if agency.address:
        parts.append(agency.address)
    if agency.phone:
        parts.append(f"điện thoại {agency.phone}")
    return ", ".join(parts)
