"""The national portal's records, built from a dossier and one of its events (REFERENCE.md).

DongBoHoSoMC is the whole dossier as it stands after the event (the national side keeps the latest
by MaHoSo); CapNhatTienDoHoSoMC is one progress line — a hand-over between officers or units that
changes no status. Dates are `yyyyMMddHHmmss` in Vietnam time (REFERENCE.md). Officers' internal
notes never leave the province: only notes written to the applicant are reported.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation

from ..models import (
    NATIONAL_STATUS_CODE,
    ApplicantKind,
    DocumentRole,
    Dossier,
    DossierEvent,
    NationalService,
    StaffRole,
)
from ..workflow.registry import ACTIONS

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Hand-overs that change no status: reported as progress lines (CapNhatTienDoHoSoMC).
PROGRESS_ACTIONS = frozenset({"forward", "send_back", "assign", "transfer"})
# What the national portal must know: every action of the life cycle (not drafts, not postal or
# payment-attempt events, which change no status and are reported by the action that follows them).
REPORTED_ACTIONS = frozenset(ACTIONS)

# HinhThuc: how the result is handed over (0 at the counter, 1 by post, 2 online) — the codes the
# provincial systems report; delivery methods of the catalogue map onto them.
DELIVERY_CODE = {"counter": 0, "post": 1, "online": 2}
# LoaiDoiTuong: 1 citizen, 2 organisation.
APPLICANT_KIND_CODE = {ApplicantKind.SELF: 1, ApplicantKind.ORGANISATION: 2}


def national_time(value: datetime | None) -> str:
    return value.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S") if value else ""


def service_for(event: DossierEvent) -> str | None:
    """Which national service reports this event, or None when the portal need not know it."""
    if event.action not in REPORTED_ACTIONS or NATIONAL_STATUS_CODE.get(event.to_status) is None:
        return None
    if event.action in PROGRESS_ACTIONS and event.from_status == event.to_status:
        return NationalService.PROGRESS
    return NationalService.DOSSIER


def _applicant_note(event: DossierEvent) -> str:
    spec = ACTIONS.get(event.action)
    return event.note if spec is not None and spec.note_to_applicant else ""


def _label(event: DossierEvent) -> str:
    spec = ACTIONS.get(event.action)
    return str(spec.staff_label) if spec is not None else event.action


def _title(event: DossierEvent, agency_id: int | None) -> str:
    if event.actor_id is None:
        return ""
    role = (
        StaffRole.objects.filter(user_id=event.actor_id, agency_id=agency_id, active=True)
        .order_by("role")
        .values_list("role", flat=True)
        .first()
    )
    return str(StaffRole(role=role).get_role_display()) if role else ""


def progress_record(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """CapNhatTienDoHoSoMC: who handled the dossier, where, when, with which deadline."""
    unit = dossier.step_agency or dossier.agency
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": event.actor.get_full_name() if event.actor_id else "",
        "ChucDanh": _title(event, unit.pk),
        "ThoiDiemXuLy": national_time(event.created_at),
        "PhongBanXuLy": unit.name,
        "NoiDungXuLy": _label(event) + (f": {note}" if (note := _applicant_note(event)) else ""),
        "TrangThai": NATIONAL_STATUS_CODE[event.to_status],
        "NgayBatDau": national_time(event.created_at),
        "NgayKetThucTheoQuyDinh": national_time(dossier.step_due_at),
    }


def dossier_record(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """DongBoHoSoMC: the dossier as it stands after `event`."""
    procedure = dossier.snapshot.get("procedure", {})
    sector = dossier.procedure.sector
    documents = list(
        dossier.documents.select_related("file")
        .order_by("created_at", "pk")
        .values("pk", "requirement_code", "requirement_name", "role", "file__original_name")
    )
    supplements = list(
        dossier.events.filter(action__in=("request_supplement", "supplement"))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    returned = dossier.status == "returned"
    resolved_event_time = event.created_at if event.action == "resolve" else None
    fees = [
        f
        for f in dossier.snapshot.get("fees", [])
        if not f.get("channel") or int(f.get("channel") or 0) == int(dossier.channel)
    ]
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.get("code", dossier.procedure.code),
        "TenTTHC": procedure.get("name", dossier.procedure.name),
        "MaLinhVuc": sector.code,
        "TenLinhVuc": sector.name,
        "SoBienNhan": dossier.code,
        "KenhThucHien": int(dossier.channel),
        "ChuHoSo": dossier.organisation_name or dossier.applicant_name,
        "LoaiDoiTuong": APPLICANT_KIND_CODE.get(dossier.applicant_kind, 1),
        "MaDoiTuong": dossier.organisation_tax_code or dossier.applicant_id_number,
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": f"{procedure.get('name', dossier.procedure.name)} — {dossier.applicant_name}"[:500],
        "NgayNopHoSo": national_time(dossier.submitted_at),
        "NgayTiepNhan": national_time(dossier.received_at),
        "NgayHenTra": national_time(dossier.due_at),
        "TrangThaiHoSo": NATIONAL_STATUS_CODE[dossier.status],
        "NgayTra": national_time(dossier.closed_at) if returned else "",
        "ThongTinTra": dossier.delivery_address if returned and dossier.delivery_method == "post" else "",
        "HinhThuc": DELIVERY_CODE.get(dossier.delivery_method, 0),
        "NgayKetThucXuLy": national_time(
            resolved_event_time
            or (
                dossier.closed_at
                if dossier.status in ("resolved", "returned", "rejected", "withdrawn", "stopped")
                else None
            )
        ),
        "DonViXuLy": (dossier.step_agency or dossier.agency).code,
        "GhiChu": _applicant_note(event),
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(d["pk"]),
                "TenTepDinhKem": d["file__original_name"],
                "MaThanhPhanHoSo": d["requirement_code"],
                # Files stay in the province: the national portal gets a reference, not a public link.
                "DuongDanTaiTepTin": f"dossier-document:{d['pk']}",
            }
            for d in documents
            if d["role"] != DocumentRole.RESULT
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": f.get("name", ""),
                "MaPhiLePhi": f.get("code", ""),
                "HinhThucThu": 2 if int(dossier.channel) == 2 else 1,
                "Gia": int(f.get("amount") or 0),
                "LoaiPhiLePhi": 1,
            }
            for f in fees
        ],
        "DanhSachHoSoBoSung": _supplements(supplements),
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": d["requirement_name"] or d["file__original_name"],
                "MaThanhPhanHoSo": d["requirement_code"],
                "GiayToId": str(d["pk"]),
                "DuongDanTepTinKetQua": f"dossier-document:{d['pk']}",
            }
            for d in documents
            if d["role"] == DocumentRole.RESULT
        ],
        # The progress line of this very event, so one record tells what happened last.
        "QuaTrinhXuLy": [progress_record(dossier, event)],
    }


def _supplements(events: list[DossierEvent]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for ev in events:
        if ev.action == "request_supplement":
            items = ev.data.get("items") or []
            rows.append(
                {
                    "NguoiYeuCauBoSung": ev.actor.get_full_name() if ev.actor_id else "",
                    "NoiDungBoSung": "; ".join(str(i.get("name", i) if isinstance(i, dict) else i) for i in items)
                    or ev.note,
                    "NgayBoSung": national_time(ev.created_at),
                    "NgayTiepNhanBoSung": "",
                    "TrangThaiBoSung": 0,
                    "NgayHenTraTruoc": national_time(ev.deadline),
                    "NgayHenTraMoi": "",
                }
            )
        elif rows and rows[-1]["TrangThaiBoSung"] == 0:
            rows[-1]["NgayTiepNhanBoSung"] = national_time(ev.created_at)
            rows[-1]["TrangThaiBoSung"] = 1
            rows[-1]["NgayHenTraMoi"] = national_time(ev.deadline)
    return rows


def national_record(dossier: Dossier, event: DossierEvent, service: str) -> dict[str, Any]:
    """The record in Vietnamese whatever language the acting user (or a worker) has chosen."""
    with translation.override("vi"):
        if service == NationalService.PROGRESS:
            return progress_record(dossier, event)
        return dossier_record(dossier, event)
