"""The national catalogue record (Cổng DVCQG shape, REFERENCE.md) ⇄ our models.

National keys are read as published; what our one-stop system needs beyond them travels in
`MOTCUA_*` keys (receiving agency, online level, delivery, cut-off, form fields, process) so that
export(import(x)) round-trips.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from .models import (
    Agency,
    AgencyKind,
    Channel,
    Delivery,
    DocumentKind,
    FeeBasis,
    FeeItem,
    OnlineLevel,
    Procedure,
    ProcedureStatus,
    TimeUnit,
    normalise_step_actions,
)
from .search import normalize
from .validators import TEMPLATE_MAX_BYTES, template_filename, validate_template

# A document's form template (mẫu đơn, tờ khai) travels in MOTCUA_TEPMAU:
#   {"TENTEP": "to-khai-dang-ky-khai-sinh.docx", "NOIDUNG": "<base64>"}   — what export writes
#   {"TENTEP": "…", "DUONGDAN": "mau/to-khai-dang-ky-khai-sinh.docx"}    — a file beside the JSON
# (the path form only when the importer names the folder: the command line, the demo seed).
# Absent: the document keeps the file it has (a national record, an XLSX row); null: it has none.
KEEP_TEMPLATE = object()


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, in words an admin understands."""


@dataclass
class ParsedChannel:
    channel: int
    time_amount: Decimal
    time_unit: str
    description: str
    fees: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ParsedProcedure:
    code: str
    fields: dict[str, Any]
    sector: tuple[str, str]
    agencies: list[tuple[str, str]]
    receiving_agency: tuple[str, str]
    channels: list[ParsedChannel]
    documents: list[dict[str, Any]]
    form_fields: list[dict[str, Any]]
    steps: list[dict[str, Any]]


_UNIT_TO_NATIONAL = {
    TimeUnit.WORKING_DAYS: "Ngày làm việc",
    TimeUnit.WORKING_HOURS: "Giờ làm việc",
    TimeUnit.DAYS: "Ngày",
}


def _time_unit(text: str) -> str:
    norm = normalize(text)
    if "gio" in norm:
        return TimeUnit.WORKING_HOURS
    if "lam viec" in norm or not norm:
        return TimeUnit.WORKING_DAYS
    return TimeUnit.DAYS


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RecordError(f"{key} phải là chuỗi ký tự")
    return str(value).strip()


def _list(record: dict, key: str, *, required: bool = False) -> list:
    value = record.get(key)
    if value in (None, ""):
        value = []
    if not isinstance(value, list):
        raise RecordError(f"{key} phải là một danh sách")
    if required and not value:
        raise RecordError(f"thiếu {key}")
    return value


def _amount(value: Any, key: str) -> int:
    digits = re.sub(r"[^\d]", "", str(value if value is not None else ""))
    if not digits:
        if str(value or "").strip() in ("", "0"):
            return 0
        raise RecordError(f"{key} không phải số tiền: {value!r}")
    return int(digits)


def _agency_ref(item: Any, key: str) -> tuple[str, str]:
    if not isinstance(item, dict):
        raise RecordError(f"{key} phải gồm MADONVI và TENDONVI")
    code = str(item.get("MADONVI") or "").strip()
    name = str(item.get("TENDONVI") or "").strip()
    if not code:
        raise RecordError(f"{key}: thiếu MADONVI (mã định danh cơ quan)")
    return code, name


def _flag(value: Any) -> bool:
    """A yes/no of our extension: JSON true/false, or "1"/"0", "true", "có"."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "có", "co", "yes")


def _fee_units(fee: dict) -> dict[str, Any]:
    """A per-unit line's units (our MOTCUA_* extension): the form field that counts them and the
    range of units it covers (tiered fees: "từ trang thứ ba trở lên")."""
    units: dict[str, Any] = {
        "quantity_field": str(fee.get("MOTCUA_TRUONGSOLUONG") or "").strip(),
        "multiplier_field": str(fee.get("MOTCUA_TRUONGNHAN") or "").strip(),
    }
    for key, name, default in (("MOTCUA_TUDONVI", "from_unit", 1), ("MOTCUA_DENDONVI", "to_unit", None)):
        raw = fee.get(key)
        if raw in (None, ""):
            units[name] = default
            continue
        try:
            units[name] = int(str(raw).strip())
        except ValueError:
            raise RecordError(f"{key} không phải số nguyên: {raw!r}") from None
        if units[name] < 1:
            raise RecordError(f"{key} phải từ 1 trở lên: {raw!r}")
    if units["to_unit"] is not None and units["to_unit"] < units["from_unit"]:
        raise RecordError("MOTCUA_DENDONVI nhỏ hơn MOTCUA_TUDONVI")
    return units


def _fee_units_record(fee: FeeItem) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if fee.quantity_field:
        out["MOTCUA_TRUONGSOLUONG"] = fee.quantity_field
    if fee.multiplier_field:
        out["MOTCUA_TRUONGNHAN"] = fee.multiplier_field
    if fee.from_unit != 1:
        out["MOTCUA_TUDONVI"] = fee.from_unit
    if fee.to_unit is not None:
        out["MOTCUA_DENDONVI"] = fee.to_unit
    return out


def _template(doc: dict, doc_code: str, base_dir: Path | None):
    """MOTCUA_TEPMAU → (file name, bytes), None (no template) or KEEP_TEMPLATE (key absent)."""
    if "MOTCUA_TEPMAU" not in doc:
        return KEEP_TEMPLATE
    value = doc["MOTCUA_TEPMAU"]
    if not value:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"giấy tờ {doc_code}: MOTCUA_TEPMAU phải gồm TENTEP và NOIDUNG (hoặc DUONGDAN)")
    name = str(value.get("TENTEP") or "").strip()
    if value.get("NOIDUNG"):
        try:
            content = base64.b64decode(str(value["NOIDUNG"]), validate=True)
        except (binascii.Error, ValueError):
            raise RecordError(f"giấy tờ {doc_code}: MOTCUA_TEPMAU.NOIDUNG không phải base64") from None
    elif value.get("DUONGDAN"):
        if base_dir is None:
            raise RecordError(f"giấy tờ {doc_code}: MOTCUA_TEPMAU.DUONGDAN chỉ dùng khi nhập từ tệp (dùng NOIDUNG)")
        root = base_dir.resolve()
        path = (root / str(value["DUONGDAN"])).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise RecordError(f"giấy tờ {doc_code}: không tìm thấy tệp mẫu {value['DUONGDAN']!r} cạnh tệp nhập")
        if path.stat().st_size > TEMPLATE_MAX_BYTES:
            raise RecordError(f"giấy tờ {doc_code}: tệp mẫu lớn hơn 5 MB")
        content = path.read_bytes()
        name = name or path.name
    else:
        raise RecordError(f"giấy tờ {doc_code}: MOTCUA_TEPMAU thiếu NOIDUNG (hoặc DUONGDAN)")
    try:
        kind = validate_template(content, name=name)
    except ValidationError as exc:
        raise RecordError(f"giấy tờ {doc_code}: {' '.join(exc.messages)}") from None
    stem = name.rsplit(".", 1)[0] if name else doc_code
    return template_filename(stem, kind), content


def template_to_record(document) -> dict[str, str] | None:
    """The MOTCUA_TEPMAU of a document (the file itself, base64: one JSON carries the catalogue)."""
    if not document.template_file:
        return None
    with document.template_file.open("rb") as fh:
        content = fh.read()
    kind = document.template_file.name.rsplit(".", 1)[-1].lower()
    # Named after the template's title, not the stored name (which storage may have suffixed).
    name = template_filename(document.template_name or document.name, kind)
    return {"TENTEP": name, "NOIDUNG": base64.b64encode(content).decode()}


def parse_record(record: Any, *, base_dir: Path | None = None) -> ParsedProcedure:
    """Check and convert one national record; raise RecordError with the reason.

    `base_dir`: the folder of the file being imported, where MOTCUA_TEPMAU.DUONGDAN paths point."""
    if not isinstance(record, dict):
        raise RecordError("bản ghi không phải một đối tượng JSON")
    code = _text(record, "MATTHC")
    if not re.fullmatch(r"\d\.\d{6}", code):
        raise RecordError(f"MATTHC không hợp lệ: {code!r} (dạng 1.001234)")
    name = _text(record, "TENTTHC")
    if not name:
        raise RecordError("thiếu TENTTHC (tên thủ tục)")

    sectors = _list(record, "LINHVUCTHUCHIEN", required=True)
    first = sectors[0] if isinstance(sectors[0], dict) else {}
    sector = (str(first.get("MALINHVUC") or "").strip(), str(first.get("TENLINHVUC") or "").strip())
    if not sector[0] or not sector[1]:
        raise RecordError("LINHVUCTHUCHIEN cần MALINHVUC và TENLINHVUC")

    agencies = [_agency_ref(item, "COQUANTHUCHIEN") for item in _list(record, "COQUANTHUCHIEN", required=True)]
    receiving = record.get("MOTCUA_COQUANTIEPNHAN")
    receiving_agency = _agency_ref(receiving, "MOTCUA_COQUANTIEPNHAN") if receiving else agencies[0]

    channels: list[ParsedChannel] = []
    for item in _list(record, "CACHTHUCTHUCHIEN", required=True):
        try:
            channel = int(str(item.get("KENH")))
        except (TypeError, ValueError, AttributeError):
            raise RecordError(f"KENH không hợp lệ: {item!r}") from None
        if channel not in Channel.values:
            raise RecordError(f"KENH phải là 1, 2 hoặc 3, không phải {channel}")
        if any(c.channel == channel for c in channels):
            raise RecordError(f"KENH {channel} xuất hiện hai lần")
        times = item.get("THOIGIAN") or []
        if not isinstance(times, list) or not times or not isinstance(times[0], dict):
            raise RecordError(f"KENH {channel}: thiếu THOIGIAN")
        time = times[0]
        try:
            amount = Decimal(str(time.get("THOIGIANGIAIQUYET")).replace(",", ".").strip())
        except (InvalidOperation, TypeError):
            raise RecordError(
                f"KENH {channel}: THOIGIANGIAIQUYET không phải số: {time.get('THOIGIANGIAIQUYET')!r}"
            ) from None
        if amount < 0:
            raise RecordError(f"KENH {channel}: thời gian giải quyết âm")
        fees = []
        for order, fee in enumerate(time.get("PHILEPHI") or []):
            basis = str(fee.get("MOTCUA_CACHTINH") or FeeBasis.PER_DOSSIER)
            if basis not in FeeBasis.values:
                raise RecordError(f"MOTCUA_CACHTINH không hợp lệ: {basis!r}")
            fees.append(
                {
                    "code": str(fee.get("MAPHILEPHI") or "").strip(),
                    "name": str(fee.get("MOTA") or "Lệ phí").strip(),
                    "amount": _amount(fee.get("SOTIEN"), "SOTIEN"),
                    "basis": basis,
                    "order": order,
                    **_fee_units(fee),
                }
            )
        channels.append(
            ParsedChannel(channel, amount, _time_unit(str(time.get("DONVITINH") or "")), _text(time, "MOTA"), fees)
        )

    documents = []
    for group in _list(record, "THANHPHANHOSO"):
        case = str(group.get("TRUONGHOP") or "").strip() if isinstance(group, dict) else ""
        for doc in (group.get("GIAYTO") or []) if isinstance(group, dict) else []:
            doc_code = str(doc.get("MAGIAYTO") or "").strip() or f"GT{len(documents) + 1:02d}"
            kind = str(doc.get("MOTCUA_LOAI") or DocumentKind.ORIGINAL)
            if kind not in DocumentKind.values:
                raise RecordError(f"giấy tờ {doc_code}: MOTCUA_LOAI không hợp lệ: {kind!r}")
            documents.append(
                {
                    "case": case,
                    "code": doc_code,
                    "name": str(doc.get("TENGIAYTO") or "").strip() or doc_code,
                    "kind": kind,
                    "originals": _amount(doc.get("SOBANCHINH", 1), "SOBANCHINH"),
                    "copies": _amount(doc.get("SOBANSAO", 0), "SOBANSAO"),
                    "required": bool(doc.get("MOTCUA_BATBUOC", True)),
                    "condition": str(doc.get("MOTCUA_DIEUKIEN") or "").strip(),
                    "accepted_types": list(doc.get("MOTCUA_DINHDANG") or ["pdf", "jpg", "png", "docx", "xlsx"]),
                    "max_size_mb": int(doc.get("MOTCUA_DUNGLUONGMB") or 10),
                    "template_name": str(doc.get("TENMAUDON") or "").strip(),
                    "template_url": str(doc.get("URL") or "").strip(),
                    "template_upload": _template(doc, doc_code, base_dir),
                    "order": len(documents),
                }
            )
    if len({d["code"] for d in documents}) != len(documents):
        raise RecordError("MAGIAYTO bị trùng trong THANHPHANHOSO")

    form_fields = []
    for order, item in enumerate(_list(record, "MOTCUA_TRUONGDON")):
        form_fields.append(
            {
                "key": str(item.get("MA") or "").strip(),
                "label": str(item.get("NHAN") or "").strip(),
                "kind": str(item.get("KIEU") or "text"),
                "required": bool(item.get("BATBUOC", False)),
                "help_text": str(item.get("GOIY") or "").strip(),
                "choices": list(item.get("LUACHON") or []),
                "validation": dict(item.get("KIEMTRA") or {}),
                "order": order,
            }
        )

    steps = []
    for order, item in enumerate(_list(record, "MOTCUA_QUYTRINH"), start=1):
        steps.append(
            {
                "order": order,
                "name": str(item.get("TEN") or "").strip(),
                "agency": str(item.get("MADONVI") or "").strip(),
                "role": str(item.get("VAITRO") or "").strip(),
                "duration_hours": Decimal(str(item.get("SOGIO") or 0)),
                "actions": normalise_step_actions(item.get("HANHDONG")),
            }
        )

    applicant_codes = {str(i.get("MADOITUONG")) for i in _list(record, "DOITUONGTHUCHIEN") if isinstance(i, dict)}
    legacy = _text(record, "MUCDO")
    online_level = _text(record, "MOTCUA_MUCDOTRUCTUYEN") or (
        OnlineLevel.FULL if legacy == "4" else OnlineLevel.PARTIAL
    )
    if online_level not in OnlineLevel.values:
        raise RecordError(f"MOTCUA_MUCDOTRUCTUYEN không hợp lệ: {online_level!r}")
    delivery = list(record.get("MOTCUA_TRAKETQUA") or [Delivery.COUNTER])
    cutoff_text = _text(record, "MOTCUA_GIOCHOT") or "15:00"
    try:
        cutoff = dt.time.fromisoformat(cutoff_text)
    except ValueError:
        raise RecordError(f"MOTCUA_GIOCHOT không phải giờ hợp lệ: {cutoff_text!r}") from None

    fields = {
        "name": name,
        "local_code": _text(record, "MOTCUA_MALOCAL"),
        "level": _text(record, "CAPTHUCHIEN"),
        "procedure_type": _text(record, "LOAITTHC"),
        "applicant_citizen": "1" in applicant_codes or not applicant_codes,
        "applicant_organisation": "2" in applicant_codes,
        "applicant_description": _text(record, "MOTADOITUONGTHUCHIEN"),
        "conditions": _text(record, "YEUCAU"),
        "steps": [
            {
                "case": str(group.get("TRUONGHOP") or ""),
                "steps": [str(s.get("TENTRINHTU") or "") for s in group.get("TRINHTU") or []],
            }
            for group in _list(record, "TRINHTUTHUCHIEN")
        ],
        "results": [
            {"code": str(r.get("MAKETQUA") or ""), "name": str(r.get("TENKETQUA") or "")}
            for r in _list(record, "KETQUATHUCHIEN")
        ],
        "legal_basis": [
            {"number": str(r.get("SOVANBAN") or ""), "title": str(r.get("TENVANBAN") or "")}
            for r in _list(record, "CANCUPHAPLY")
        ],
        "online_level": online_level,
        "legacy_level": int(legacy) if legacy in ("2", "3", "4") else None,
        "delivery_methods": delivery,
        "cutoff_time": cutoff,
        "pay_at_submission": _flag(record.get("MOTCUA_THANHTOANKHINOP")),
        "status": ProcedureStatus.PUBLISHED if _text(record, "TRANGTHAI") == "1" else ProcedureStatus.DRAFT,
    }
    return ParsedProcedure(code, fields, sector, agencies, receiving_agency, channels, documents, form_fields, steps)


def agency_from_ref(code: str, name: str) -> Agency:
    """Find an agency by code, creating it from the record when unknown (issue: catalogue import)."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        if not name:
            raise RecordError(f"cơ quan {code} chưa có trong danh mục và bản ghi không nêu tên")
        agency = Agency(code=code, name=name, kind=AgencyKind.OTHER)
        agency.full_clean()
        agency.save()
    return agency


def procedure_to_record(procedure: Procedure) -> dict[str, Any]:
    """Export one procedure (prefetched: see selectors.procedures_for_export)."""
    channels = []
    for channel in procedure.channels.all():
        amount = channel.time_amount.normalize()
        channels.append(
            {
                "KENH": str(channel.channel),
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": format(amount, "f"),
                        "DONVITINH": _UNIT_TO_NATIONAL[channel.time_unit],
                        "MOTA": channel.description,
                        "PHILEPHI": [
                            {
                                "MAPHILEPHI": fee.code,
                                "SOTIEN": str(fee.amount),
                                "DONVI": "Đồng",
                                "MOTA": fee.name,
                                **({"MOTCUA_CACHTINH": fee.basis} if fee.basis != FeeBasis.PER_DOSSIER else {}),
                                **_fee_units_record(fee),
                            }
                            for fee in procedure.fees.all()
                            if fee.channel == channel.channel
                        ],
                    }
                ],
            }
        )
    groups: dict[str, list] = {}
    for doc in procedure.documents.all():
        groups.setdefault(doc.case, []).append(
            {
                "MAGIAYTO": doc.code,
                "TENGIAYTO": doc.name,
                "TENMAUDON": doc.template_name,
                "URL": doc.template_url,
                "SOBANCHINH": str(doc.originals),
                "SOBANSAO": str(doc.copies),
                "MOTCUA_LOAI": doc.kind,
                "MOTCUA_BATBUOC": doc.required,
                "MOTCUA_DIEUKIEN": doc.condition,
                "MOTCUA_DINHDANG": doc.accepted_types,
                "MOTCUA_DUNGLUONGMB": doc.max_size_mb,
                **({"MOTCUA_TEPMAU": template_to_record(doc)} if doc.template_file else {}),
            }
        )
    applicants = []
    if procedure.applicant_citizen:
        applicants.append({"MADOITUONG": "1", "TENDOITUONG": "Công dân Việt Nam"})
    if procedure.applicant_organisation:
        applicants.append({"MADOITUONG": "2", "TENDOITUONG": "Tổ chức, doanh nghiệp"})
    process = getattr(procedure, "process", None)
    record = {
        "MATTHC": procedure.code,
        "TENTTHC": procedure.name,
        "CAPTHUCHIEN": procedure.level,
        "LOAITTHC": procedure.procedure_type,
        "MUCDO": str(procedure.legacy_level or ""),
        "LINHVUCTHUCHIEN": [{"MALINHVUC": procedure.sector.code, "TENLINHVUC": procedure.sector.name}],
        "TRINHTUTHUCHIEN": [
            {"TRUONGHOP": g.get("case", ""), "TRINHTU": [{"TENTRINHTU": s} for s in g.get("steps", [])]}
            for g in procedure.steps
        ],
        "CACHTHUCTHUCHIEN": channels,
        "YEUCAU": procedure.conditions,
        "DOITUONGTHUCHIEN": applicants,
        "MOTADOITUONGTHUCHIEN": procedure.applicant_description,
        "KETQUATHUCHIEN": [{"MAKETQUA": r.get("code", ""), "TENKETQUA": r.get("name", "")} for r in procedure.results],
        "CANCUPHAPLY": [
            {"SOVANBAN": r.get("number", ""), "TENVANBAN": r.get("title", "")} for r in procedure.legal_basis
        ],
        "COQUANTHUCHIEN": [{"MADONVI": a.code, "TENDONVI": a.name} for a in procedure.implementing_agencies.all()],
        "THANHPHANHOSO": [{"TRUONGHOP": case, "GIAYTO": docs} for case, docs in groups.items()],
        "TRANGTHAI": "1" if procedure.is_published else "0",
        "MOTCUA_MALOCAL": procedure.local_code,
        "MOTCUA_COQUANTIEPNHAN": {
            "MADONVI": procedure.receiving_agency.code,
            "TENDONVI": procedure.receiving_agency.name,
        },
        "MOTCUA_MUCDOTRUCTUYEN": procedure.online_level,
        "MOTCUA_TRAKETQUA": list(procedure.delivery_methods),
        "MOTCUA_GIOCHOT": procedure.cutoff_time.strftime("%H:%M"),
        "MOTCUA_THANHTOANKHINOP": procedure.pay_at_submission,
        "MOTCUA_TRUONGDON": [
            {
                "MA": f.key,
                "NHAN": f.label,
                "KIEU": f.kind,
                "BATBUOC": f.required,
                "GOIY": f.help_text,
                "LUACHON": f.choices,
                "KIEMTRA": f.validation,
            }
            for f in procedure.form_fields.all()
        ],
        "MOTCUA_QUYTRINH": [
            {
                "TEN": s.name,
                "MADONVI": s.agency.code,
                "VAITRO": s.role,
                "SOGIO": float(s.duration_hours) if s.duration_hours % 1 else int(s.duration_hours),
                "HANHDONG": s.actions,
            }
            for s in (process.steps.all() if process else [])
        ],
    }
    return record
