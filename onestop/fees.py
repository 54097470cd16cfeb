"""What a dossier owes (DESIGN §4.4): the one computation read by the wizard's review step, the
citizen's and the officer's dossier pages, the payment page and its receipt (payments), and the
shipment's amount collected on delivery (onestop.postal).

* **Fee lines** are the procedure snapshot's FeeItems of the dossier's channel. The national
  catalogue gives fees per channel (KENH), so an online discount is the online channel's own
  amount ("giảm 50% khi nộp trực tuyến" is listed under KENH 2): lines of other channels are
  never added.
* **Fixed or per unit**: a per-dossier line counts once; a per-copy/page/item line counts the
  units the applicant gave in the form field it names (`quantity_field`), within its range of
  units (`from_unit`–`to_unit`), times the form field it may name as multiplier
  (`multiplier_field`: the pages of each copy × the number of copies). A tiered fee is several
  lines over ranges of one count — e.g. certifying a copy, 2.000 đ a page for pages 1–2 and
  1.000 đ a page from page 3 (Circular 226/2016/TT-BTC): one page owes 2.000 đ, not the 3.000 đ
  of both lines added up. A count the form does not give is taken as one unit and the total is
  marked provisional (the desk counts at reception).
* **Postage** when the result travels by post: the receiving agency's PostageRule (or its nearest
  ancestor's), flat or by zone — the recipient's ward/province codes against the agency's.
  Frozen in the snapshot at submission, so a later change of the rule changes no dossier.

This module reads only models and plain data (no workflow, no postal services): onestop.workflow,
onestop.postal, the back office, the documents and payments all import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from procedures.models import Agency

from .models import Dossier, DossierStatus, PostageMode, PostageRule

# The postage line as a receipt, a payment and a slip name it (data, like the catalogue's fee names).
POSTAGE_NAME = "Cước dịch vụ bưu chính công ích chuyển trả kết quả"
POSTAGE_CODE = "BUUCHINH"
PER_UNIT = frozenset({"per_copy", "per_page", "per_item"})

SAME_WARD, SAME_PROVINCE, ELSEWHERE, FLAT = "same_ward", "same_province", "elsewhere", "flat"


@dataclass(frozen=True)
class DueLine:
    code: str
    name: str
    amount: int  # what this line owes
    unit_amount: int
    quantity: int
    basis: str
    kind: str = "fee"  # "fee" or "postage"


@dataclass(frozen=True)
class Dues:
    lines: tuple[DueLine, ...]
    fees_total: int
    postage: int
    provisional: bool  # a per-unit count was not given: the desk may count more at reception

    @property
    def total(self) -> int:
        return self.fees_total + self.postage

    @property
    def fee_lines(self) -> tuple[DueLine, ...]:
        return tuple(line for line in self.lines if line.kind == "fee")

    def items(self) -> list[dict[str, Any]]:
        """The lines as a Payment stores them (its receipt prints these)."""
        return [{"code": line.code, "name": line.name, "amount": line.amount} for line in self.lines]


def _count(form_data: dict, key: str) -> int | None:
    if not key:
        return None
    value = (form_data or {}).get(key)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _units(fee: dict[str, Any], quantity: int) -> int:
    first = int(fee.get("from_unit") or 1)
    last = fee.get("to_unit")
    top = quantity if last in (None, "") else min(quantity, int(last))
    return max(0, top - first + 1)


def fee_lines(snapshot: dict[str, Any], channel: int, form_data: dict | None) -> tuple[list[DueLine], bool]:
    """The fee lines owed on `channel` for what the form says, and whether a count was missing."""
    lines: list[DueLine] = []
    provisional = False
    for fee in snapshot.get("fees") or []:
        if int(fee.get("channel", channel)) != int(channel):
            continue
        unit_amount = int(fee.get("amount") or 0)
        basis = fee.get("basis") or "per_dossier"
        if basis in PER_UNIT:
            given = _count(form_data or {}, fee.get("quantity_field") or "")
            if given is None:
                provisional = True
            quantity = _units(fee, 1 if given is None else given)
            if quantity == 0:
                continue  # a tier the count does not reach ("from page 3" for a one-page copy)
            if fee.get("multiplier_field"):  # e.g. pages of each copy × the number of copies
                times = _count(form_data or {}, fee["multiplier_field"])
                if times is None:
                    provisional = True
                quantity *= 1 if times is None else times
        else:
            quantity = 1
        lines.append(
            DueLine(
                code=str(fee.get("code") or ""),
                name=str(fee.get("name") or ""),
                amount=unit_amount * quantity,
                unit_amount=unit_amount,
                quantity=quantity,
                basis=basis,
            )
        )
    return lines, provisional


# ------------------------------------------------------------------------------------ postage


def _ancestors(agency: Agency) -> list[Agency]:
    """The agency and its parents, nearest first (a guard against a loop the model already forbids)."""
    chain: list[Agency] = []
    node: Agency | None = agency
    while node is not None and node not in chain and len(chain) < 20:
        chain.append(node)
        node = node.parent
    return chain


def postage_rule_for(agency: Agency) -> PostageRule | None:
    """The agency's postage rule, or its nearest ancestor's (an agency tree of any depth)."""
    chain = _ancestors(agency)
    rules = {r.agency_id: r for r in PostageRule.objects.filter(agency_id__in=[a.pk for a in chain])}
    return next((rules[a.pk] for a in chain if a.pk in rules), None)


def postage_zone(agency: Agency, *, province_code: str, ward_code: str) -> str:
    """Same ward, same province or elsewhere: the recipient's codes against the agency's (or, when
    the agency has none, its nearest ancestor's). Unknown codes count as elsewhere."""
    located = next((a for a in _ancestors(agency) if a.province_code or a.ward_code), agency)
    if ward_code and located.ward_code and ward_code == located.ward_code:
        return SAME_WARD
    if province_code and located.province_code and province_code == located.province_code:
        return SAME_PROVINCE
    return ELSEWHERE


def postage_quote(agency: Agency, *, province_code: str = "", ward_code: str = "") -> dict[str, Any]:
    """{"amount": VND, "zone": …} for a result the agency sends to that address."""
    rule = postage_rule_for(agency)
    if rule is None:
        return {"amount": 0, "zone": ""}
    if rule.mode == PostageMode.FLAT:
        return {"amount": rule.flat_amount, "zone": FLAT}
    zone = postage_zone(agency, province_code=province_code, ward_code=ward_code)
    amount = {SAME_WARD: rule.same_ward_amount, SAME_PROVINCE: rule.same_province_amount}.get(
        zone, rule.elsewhere_amount
    )
    return {"amount": amount, "zone": zone}


def dossier_postage(dossier: Dossier, snapshot: dict[str, Any] | None = None) -> dict[str, Any]:
    """The postage of a dossier whose result goes by post: frozen in its snapshot at submission or
    registration, else — a draft in the wizard — quoted from the current rule. A dossier submitted
    before postage rules existed has none frozen and owes none (no query either)."""
    if dossier.delivery_method != "post":
        return {"amount": 0, "zone": ""}
    frozen = (snapshot if snapshot is not None else dossier.snapshot or {}).get("postage")
    if isinstance(frozen, dict) and "amount" in frozen:
        return frozen
    if dossier.status != DossierStatus.DRAFT and dossier.code:
        return {"amount": 0, "zone": ""}
    return postage_quote(
        dossier.agency, province_code=dossier.delivery_province_code, ward_code=dossier.delivery_ward_code
    )


def delivery_area_choices() -> list[tuple[str, str]]:
    """Where a result by post may go, as "province:ward" codes (the postage zone): each ward or
    commune of the province that has its People's Committee in the agency tree, another place in
    the province, or outside it. Asked by the wizard's delivery step and the counter form."""
    from django.utils.translation import gettext as _

    from procedures.models import AgencyKind

    wards = list(
        Agency.objects.filter(active=True, kind=AgencyKind.COMMUNE)
        .exclude(ward_code="")
        .order_by("name")
        .values_list("province_code", "ward_code", "name")
    )
    choices = [("", _("Outside the province"))]
    for province in sorted({p for p, _w, _n in wards if p}):
        choices.append((f"{province}:", _("Another ward or commune of the province")))
    for province, ward, name in wards:
        place = name.removeprefix("Ủy ban nhân dân ")
        choices.append((f"{province}:{ward}", place[:1].upper() + place[1:]))
    return choices


def area_codes(value: str | None) -> tuple[str, str]:
    """ "74:25747" → ("74", "25747"); "" → ("", "")."""
    province, _sep, ward = (value or "").partition(":")
    return province, ward


# -------------------------------------------------------------------------------------- dues


def dossier_dues(dossier: Dossier, *, snapshot: dict[str, Any] | None = None) -> Dues:
    """Everything the applicant owes for `dossier`: its channel's fee lines for what its form says,
    and the postage when the result goes by post. `snapshot` for a draft (not yet frozen)."""
    snap = snapshot if snapshot is not None else (dossier.snapshot or {})
    lines, provisional = fee_lines(snap, dossier.channel, dossier.form_data)
    fees_total = sum(line.amount for line in lines)
    postage = int(dossier_postage(dossier, snap).get("amount") or 0)
    if postage:
        lines.append(
            DueLine(code=POSTAGE_CODE, name=POSTAGE_NAME, amount=postage, unit_amount=postage, quantity=1,
                    basis="per_dossier", kind="postage")
        )  # fmt: skip
    return Dues(lines=tuple(lines), fees_total=fees_total, postage=postage, provisional=provisional)
