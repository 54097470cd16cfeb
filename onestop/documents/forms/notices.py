"""Forms 04 and 05 (Circular 03/2025/TT-VPCP): letters of the agency, signed by its head.

* 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết — Decree 118/2025/NĐ-CP practice: at least one
  working day before the due date, the applicant gets an apology with the reason and a new date.
* 05 Thông báo dừng giải quyết hồ sơ — with the reason and the legal basis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from onestop.models import Dossier
from procedures.models import Agency, AgencyKind

from ..layout import vn_date, vn_datetime
from ..render import render_pdf
from .common import BLANK, applicant, form_meta, person_name, procedure_code, procedure_name

APOLOGY_TEMPLATE = "pdf/forms/04_apology.html"
STOP_TEMPLATE = "pdf/forms/05_stop.html"
HEAD_TITLE = "Thủ trưởng cơ quan"
# Who signs for the issuing agency (Decree 30/2020/NĐ-CP: the head's title): a People's Committee's
# chairman, a department's or a centre's director, a unit's head.
HEAD_TITLES = {
    AgencyKind.PROVINCE: "Chủ tịch",
    AgencyKind.COMMUNE: "Chủ tịch",
    AgencyKind.DEPARTMENT: "Giám đốc",
    AgencyKind.SERVICE_CENTRE: "Giám đốc",
    AgencyKind.UNIT: "Thủ trưởng đơn vị",
}


def head_title(agency: Agency) -> str:
    """The signatory's title under the issuing agency's letters (forms 04 and 05)."""
    return HEAD_TITLES.get(agency.kind, HEAD_TITLE)


def _letter(
    form: str,
    dossier: Dossier,
    *,
    signer: Any,
    signer_title: str,
    agency: Agency | None,
    at: dt.datetime | None,
    number: str,
) -> dict[str, Any]:
    if not dossier.code:
        raise ValueError(f"Form {form} is issued for a dossier with a code.")
    issuer = agency or dossier.agency
    received = dossier.received_at or dossier.submitted_at
    return {
        "form_number": form,
        # A letter carries its number (Decree 30); left to be filled in by hand when not given.
        "doc": form_meta(form, agency=issuer, at=at, number=number or f"{BLANK}/{BLANK}"),
        "issuer": issuer,
        "dossier": dossier,
        "applicant": applicant(dossier),
        "procedure_name": procedure_name(dossier),
        "procedure_code": procedure_code(dossier),
        "received_on": vn_date(received) if received else BLANK,
        "signer": person_name(signer),
        "signer_title": signer_title or HEAD_TITLE,
    }


def form04_context(
    dossier: Dossier,
    *,
    reason: str,
    old_due_at: dt.datetime,
    new_due_at: dt.datetime,
    signer: Any,
    signer_title: str = HEAD_TITLE,
    agency: Agency | None = None,
    at: dt.datetime | None = None,
    number: str = "",
) -> dict[str, Any]:
    if not (reason or "").strip():
        raise ValueError("Form 04 gives the reason for the delay.")
    return {
        **_letter("04", dossier, signer=signer, signer_title=signer_title, agency=agency, at=at, number=number),
        "reason": reason.strip(),
        "old_due_at": vn_datetime(old_due_at),
        "new_due_at": vn_datetime(new_due_at),
    }


def form04_apology_pdf(
    dossier: Dossier,
    *,
    reason: str,
    old_due_at: dt.datetime,
    new_due_at: dt.datetime,
    signer: Any,
    signer_title: str = HEAD_TITLE,
    agency: Agency | None = None,
    at: dt.datetime | None = None,
    number: str = "",
) -> bytes:
    """Form 04 as PDF bytes: to the applicant, from `agency` (default: the receiving agency), signed
    by `signer` (a user or a name) under `signer_title`; `at` is the date printed (default now)."""
    context = form04_context(
        dossier,
        reason=reason,
        old_due_at=old_due_at,
        new_due_at=new_due_at,
        signer=signer,
        signer_title=signer_title,
        agency=agency,
        at=at,
        number=number,
    )
    return render_pdf(APOLOGY_TEMPLATE, context)


def form05_context(
    dossier: Dossier,
    *,
    reason: str,
    legal_basis: str,
    signer: Any,
    signer_title: str = HEAD_TITLE,
    agency: Agency | None = None,
    at: dt.datetime | None = None,
    number: str = "",
) -> dict[str, Any]:
    if not (reason or "").strip() or not (legal_basis or "").strip():
        raise ValueError("Form 05 gives the reason and the legal basis for stopping.")
    return {
        **_letter("05", dossier, signer=signer, signer_title=signer_title, agency=agency, at=at, number=number),
        "reason": reason.strip(),
        "legal_basis": legal_basis.strip(),
    }


def form05_stop_pdf(
    dossier: Dossier,
    *,
    reason: str,
    legal_basis: str,
    signer: Any,
    signer_title: str = HEAD_TITLE,
    agency: Agency | None = None,
    at: dt.datetime | None = None,
    number: str = "",
) -> bytes:
    """Form 05 as PDF bytes (same keywords as form 04 for the issuer, signer and date)."""
    context = form05_context(
        dossier,
        reason=reason,
        legal_basis=legal_basis,
        signer=signer,
        signer_title=signer_title,
        agency=agency,
        at=at,
        number=number,
    )
    return render_pdf(STOP_TEMPLATE, context)
