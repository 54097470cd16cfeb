"""Postal intake (channel 3): the counter form by post needs a complete delivery address, and the
postal clerk prints the phiếu hồ sơ the applicant and the postman sign."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from onestop import workflow
from onestop.models import Dossier, DossierChannel
from tests.onestop.test_postal_pages import _text

pytestmark = pytest.mark.django_db


def _post(office, **extra):
    return {
        "agency": office.agency.pk,
        "channel": 3,
        "procedure": "1.001193",
        "cccd": "074090007777",
        "full_name": "Đặng Thị Gửi",
        "phone": "0912000222",
        "address": "Thủ Dầu Một",
        "documents": ["GT01"],
        "delivery_method": "post",
        "confirm": "on",
        **extra,
    }


def test_by_post_the_counter_form_needs_the_full_address(client, office):
    client.force_login(office.postal_clerk)
    url = reverse("onestop:counter")
    response = client.post(url, _post(office, delivery_street="Số 9 Yersin", delivery_ward=""))
    assert response.status_code == 200 and not Dossier.objects.filter(channel=DossierChannel.POST).exists()
    assert response.context["form"].errors.keys() >= {"delivery_ward", "delivery_province"}
    response = client.post(
        url,
        _post(office, delivery_street="Số 9 Yersin", delivery_ward="Phường Thủ Dầu Một",
              delivery_province="Thành phố Hồ Chí Minh",
              delivery_phone="0987 654 321"),
    )  # fmt: skip
    dossier = Dossier.objects.get(channel=DossierChannel.POST)
    assert response.status_code == 302
    assert dossier.delivery_address == "Số 9 Yersin, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh"
    assert dossier.delivery_phone == "0987654321"
    html = client.get(response["Location"]).content.decode()
    slip_url = reverse("onestop:postal_intake_slip", args=[dossier.pk])
    assert slip_url in html
    pdf = client.get(slip_url)
    assert pdf.status_code == 200
    text = _text(pdf.content)
    for expected in ("PHIẾU HỒ SƠ", dossier.code, "Đặng Thị Gửi", "Số 9 Yersin, Phường Thủ Dầu Một", "NGƯỜI NỘP HỒ SƠ"):
        assert expected in text, expected
    for user in (office.outsider, office.citizen):
        client.force_login(user)
        assert client.get(slip_url).status_code in (403, 404)


def test_the_workflow_refuses_a_result_by_post_without_an_address_or_a_mobile(office):
    base = {
        "actor": office.postal_clerk, "agency": office.agency, "procedure": office.procedure,
        "checked_documents": ["GT01"], "scans": [], "delivery_method": "post", "channel": DossierChannel.POST,
    }  # fmt: skip
    with pytest.raises(ValidationError):
        workflow.dossier_register(applicant={"cccd": "074090007777", "full_name": "A", "phone": "0912000222"}, **base)
    with pytest.raises(ValidationError):
        workflow.dossier_register(
            applicant={"cccd": "074090007777", "full_name": "A", "phone": "0274 3822 222", "address": "Số 1"}, **base
        )
    assert not Dossier.objects.filter(channel=DossierChannel.POST).exists()


def test_the_counter_form_asks_the_ward_and_the_postage_zone_is_kept(client, office):
    """By post at the counter or by postal intake, the ward chosen sets the postage zone (onestop.fees)."""
    from onestop.models import PostageMode, PostageRule
    from procedures.models import Agency, AgencyKind

    Agency.objects.filter(pk=office.agency.pk).update(kind=AgencyKind.COMMUNE, province_code="74", ward_code="25747")
    PostageRule.objects.create(
        agency=office.agency, mode=PostageMode.ZONE, same_ward_amount=12_000, same_province_amount=20_000,
        elsewhere_amount=32_000,
    )  # fmt: skip
    client.force_login(office.postal_clerk)
    url = reverse("onestop:counter")
    address = {
        "delivery_street": "Số 9 Yersin",
        "delivery_ward": "Phường Thủ Dầu Một",
        "delivery_province": "Thành phố Hồ Chí Minh",
    }
    response = client.post(url, _post(office, **address, delivery_area="74:25747"))
    assert response.status_code == 302
    dossier = Dossier.objects.get(channel=DossierChannel.POST)
    assert (dossier.delivery_province_code, dossier.delivery_ward_code) == ("74", "25747")
    assert dossier.snapshot["postage"] == {"amount": 12_000, "zone": "same_ward"}
