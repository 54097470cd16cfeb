"""What a dossier owes (onestop.fees.dossier_dues): the channel's fee lines for what the form says,
tiers and per-unit counts, and the postage of a result by post (flat, by zone, inherited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onestop.fees import (
    ELSEWHERE,
    POSTAGE_NAME,
    SAME_PROVINCE,
    SAME_WARD,
    dossier_dues,
    postage_quote,
    postage_rule_for,
)
from onestop.models import Dossier, DossierChannel, PostageMode, PostageRule
from onestop.workflow.snapshot import procedure_snapshot
from procedures.models import Agency, Procedure
from procedures.services import procedures_import

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[2] / "procedures" / "data" / "demo_catalogue.json"


def demo_procedure(code: str) -> Procedure:
    from portal.demo.agencies import seed_agencies

    seed_agencies()  # the agencies its process names
    records = [r for r in json.loads(CATALOGUE.read_text(encoding="utf-8")) if r["MATTHC"] == code]
    report = procedures_import(records=records, base_dir=CATALOGUE.parent)  # its form templates lie beside it
    assert not report.rejected, report.rejected
    return Procedure.objects.get(code=code)


def draft(procedure: Procedure, *, channel=DossierChannel.ONLINE, form=None, delivery="online", **fields) -> Dossier:
    return Dossier(
        procedure=procedure,
        agency=procedure.receiving_agency,
        channel=channel,
        form_data=form or {},
        delivery_method=delivery,
        snapshot=procedure_snapshot(procedure),
        **fields,
    )


# ---------------------------------------------------------------------------------- fee lines


def test_a_one_page_certified_copy_owes_2000_not_the_two_tiers_added_up():
    """2.000815: 2.000 đ a page for pages 1–2, 1.000 đ a page from page 3 (two lines of one fee)."""
    procedure = demo_procedure("2.000815")
    dossier = draft(procedure, form={"so_trang": 1, "so_ban": 1})
    dues = dossier_dues(dossier, snapshot=dossier.snapshot)
    assert dues.total == 2000
    assert [(line.code, line.quantity, line.amount) for line in dues.lines] == [("LP01", 1, 2000)]
    assert not dues.provisional


@pytest.mark.parametrize(("pages", "total"), [(2, 4000), (3, 5000), (7, 9000)])
def test_the_tiers_count_their_own_range_of_pages(pages, total):
    dossier = draft(demo_procedure("2.000815"), form={"so_trang": pages})
    assert dossier_dues(dossier).total == total


def test_each_copy_pays_its_pages():
    """2.000815 is per page of each copy: 3 pages × 2 copies = 2 × (2 × 2.000 + 1.000)."""
    dues = dossier_dues(draft(demo_procedure("2.000815"), form={"so_trang": 3, "so_ban": 2}))
    assert dues.total == 10_000 and not dues.provisional
    assert [(line.code, line.quantity) for line in dues.lines] == [("LP01", 4), ("LP02", 2)]


def test_a_count_the_form_does_not_give_is_one_unit_and_provisional():
    dossier = draft(demo_procedure("2.000815"), form={})
    dues = dossier_dues(dossier)
    assert dues.total == 2000 and dues.provisional


def test_lines_from_the_third_unit_and_the_online_channels_own_amounts():
    """2.000488: 100.000 đ online (200.000 đ at the counter), 5.000 đ a certificate from the third."""
    procedure = demo_procedure("2.000488")
    assert dossier_dues(draft(procedure, form={"so_luong_phieu": 1})).total == 100_000
    assert dossier_dues(draft(procedure, form={"so_luong_phieu": 4})).total == 100_000 + 2 * 5_000
    at_counter = draft(procedure, channel=DossierChannel.COUNTER, form={"so_luong_phieu": 1})
    assert dossier_dues(at_counter).total == 200_000


# ------------------------------------------------------------------------------------ postage


@pytest.fixture
def tree(db):
    province = Agency.objects.create(code="000.00.00.G01", name="UBND tỉnh", province_code="74")
    ward = Agency.objects.create(
        code="000.20.01.G01", name="UBND phường A", parent=province, province_code="74", ward_code="25747"
    )
    return province, ward


def test_a_flat_rule_and_a_zone_rule(tree):
    _province, ward = tree
    rule = PostageRule.objects.create(agency=ward, mode=PostageMode.FLAT, flat_amount=20_000)
    assert postage_quote(ward, province_code="01", ward_code="00001")["amount"] == 20_000
    rule.mode, rule.same_ward_amount, rule.same_province_amount, rule.elsewhere_amount = "zone", 12, 20, 32
    rule.save()
    assert postage_quote(ward, province_code="74", ward_code="25747") == {"amount": 12, "zone": SAME_WARD}
    assert postage_quote(ward, province_code="74", ward_code="25942") == {"amount": 20, "zone": SAME_PROVINCE}
    assert postage_quote(ward, province_code="01", ward_code="00001") == {"amount": 32, "zone": ELSEWHERE}
    assert postage_quote(ward)["zone"] == ELSEWHERE  # the recipient's ward unknown: the elsewhere rate


def test_a_child_without_a_rule_uses_its_nearest_ancestors(tree):
    province, ward = tree
    assert postage_rule_for(ward) is None and postage_quote(ward)["amount"] == 0
    PostageRule.objects.create(agency=province, mode=PostageMode.FLAT, flat_amount=25_000)
    assert postage_rule_for(ward).agency == province
    PostageRule.objects.create(agency=ward, mode=PostageMode.FLAT, flat_amount=18_000)
    assert postage_quote(ward)["amount"] == 18_000


def test_postage_is_a_line_of_its_own_only_by_post_and_frozen_at_submission(tree):
    _province, ward = tree
    procedure = demo_procedure("2.000815")
    Procedure.objects.filter(pk=procedure.pk).update(receiving_agency=ward)
    procedure.refresh_from_db()
    PostageRule.objects.create(agency=ward, mode=PostageMode.FLAT, flat_amount=22_000)
    online = draft(procedure, form={"so_trang": 1})
    assert dossier_dues(online).postage == 0
    by_post = draft(procedure, form={"so_trang": 1}, delivery="post")
    dues = dossier_dues(by_post)
    assert (dues.fees_total, dues.postage, dues.total) == (2000, 22_000, 24_000)
    assert dues.items()[-1] == {"code": "BUUCHINH", "name": POSTAGE_NAME, "amount": 22_000}
    # Submitted: the quote is kept in the snapshot, a later change of the rule changes nothing.
    by_post.snapshot["postage"] = {"amount": 22_000, "zone": "flat"}
    by_post.status, by_post.code = "submitted", "X-1"
    PostageRule.objects.filter(agency=ward).update(flat_amount=99_000)
    assert dossier_dues(by_post).postage == 22_000
