"""Forms 02 and 03 (Circular 03/2025/TT-VPCP), issued by the one-stop desk.

* 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — Decree 118/2025/NĐ-CP practice: an incomplete dossier is
  never just handed back; the officer guides once, in writing, listing everything that is missing.
* 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ — a refusal is given in writing, with its reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from onestop.models import Dossier

from ..layout import vn_datetime
from ..render import render_pdf
from .common import agency_contact, applicant, form_meta, kind_words, person_name, procedure_code, procedure_name

SUPPLEMENT_TEMPLATE = "pdf/forms/02_supplement.html"
REFUSAL_TEMPLATE = "pdf/forms/03_refusal.html"

# What a supplement item asks for (form 02's column): the values the back office uses, as words.
REQUIREMENT_WORDS = {
    "original": "Bản chính",
    "certified_copy": "Bản chứng thực",
    "copy": "Bản photo",
    "photo": "Bản photo",
}

_BULLET = re.compile(r"^\s*(?:[-–•*+]|\d+[.)])\s*")


def _base(form: str, dossier: Dossier, at: dt.datetime | None, number: str) -> dict[str, Any]:
    if not dossier.code:
        raise ValueError(f"Form {form} is issued for a dossier with a code.")
    submitted = dossier.submitted_at or dossier.received_at  # a counter dossier is submitted as it is received
    return {
        "form_number": form,
        "doc": form_meta(form, agency=dossier.agency, at=at, number=number),
        "dossier": dossier,
        "applicant": applicant(dossier),
        "procedure_name": procedure_name(dossier),
        "procedure_code": procedure_code(dossier),
        "submitted_at": vn_datetime(submitted) if submitted else "",
    }


def reason_lines(reasons: list[str] | str) -> list[str]:
    """A list of reasons, or one text: one reason per non-empty line, bullets and numbers removed."""
    if isinstance(reasons, str):
        reasons = reasons.splitlines()
    return [_BULLET.sub("", line).strip() for line in reasons if line and _BULLET.sub("", line).strip()]


def _items(items: list[dict]) -> list[dict[str, str]]:
    lines = []
    for item in items:
        name = str(item.get("name", "")).strip()
        if not name:
            continue
        requirement = str(item.get("requirement", "")).strip()
        lines.append(
            {
                "name": name,
                "requirement": REQUIREMENT_WORDS.get(requirement) or kind_words(requirement),
                "note": str(item.get("note", "") or "").strip(),
            }
        )
    return lines


def form02_context(
    dossier: Dossier,
    *,
    items: list[dict],
    reason: str,
    officer: Any,
    contact: str = "",
    at: dt.datetime | None = None,
    number: str = "",
) -> dict[str, Any]:
    lines = _items(items)
    if not lines:
        raise ValueError("Form 02 lists at least one document to supplement.")
    return {
        **_base("02", dossier, at, number),
        "items": lines,
        "reason": (reason or "").strip(),
        "contact": (contact or "").strip() or agency_contact(dossier.agency),
        "officer": person_name(officer),
    }


def form02_supplement_pdf(
    dossier: Dossier,
    *,
    items: list[dict],
    reason: str,
    officer: Any,
    contact: str = "",
    at: dt.datetime | None = None,
    number: str = "",
) -> bytes:
    """Form 02 as PDF bytes.

    `items`: [{"name", "requirement": "bản chính" | "bản chứng thực" | "bản photo" (or original /
    certified_copy / copy), "note"}]; `officer`: the guiding officer (a user, or a name); `contact`:
    where to find the rules or whom to call (default: the desk's address and phone); `at`: the date
    printed (default now).
    """
    context = form02_context(
        dossier, items=items, reason=reason, officer=officer, contact=contact, at=at, number=number
    )
    return render_pdf(SUPPLEMENT_TEMPLATE, context)


def form03_context(
    dossier: Dossier, *, reasons: list[str] | str, officer: Any, at: dt.datetime | None = None, number: str = ""
) -> dict[str, Any]:
    lines = reason_lines(reasons)
    if not lines:
        raise ValueError("Form 03 gives the reasons for refusing.")
    return {**_base("03", dossier, at, number), "reasons": lines, "officer": person_name(officer)}


def form03_refusal_pdf(
    dossier: Dossier, *, reasons: list[str] | str, officer: Any, at: dt.datetime | None = None, number: str = ""
) -> bytes:
    """Form 03 as PDF bytes. `reasons`: a list, or one text with a reason per line."""
    return render_pdf(REFUSAL_TEMPLATE, form03_context(dossier, reasons=reasons, officer=officer, at=at, number=number))
