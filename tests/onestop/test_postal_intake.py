"""Postal intake (channel 3): the counter form by post needs a complete delivery address, and the
postal clerk prints the phiếu hồ sơ the applicant and the postman sign."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

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
              delivery_phone="0987 654 321", **PICKUP, collected_at=_local_input(timezone.now())),
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
    response = client.post(
        url, _post(office, **address, **PICKUP, collected_at=_local_input(timezone.now()), delivery_area="74:25747")
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(channel=DossierChannel.POST)
    assert (dossier.delivery_province_code, dossier.delivery_ward_code) == ("74", "25747")
    assert dossier.snapshot["postage"] == {"amount": 12_000, "zone": "same_ward"}


# --- where and when the post collected it ----------------------------------------------------------

PICKUP = {"pickup_street": "Số 12 Bạch Đằng", "pickup_ward": "Phường Thủ Dầu Một",
          "pickup_province": "Thành phố Hồ Chí Minh"}  # fmt: skip
DELIVERY = {"delivery_street": "Số 9 Yersin", "delivery_ward": "Phường Phú Cường",
            "delivery_province": "Thành phố Hồ Chí Minh", "delivery_phone": "0987654321"}  # fmt: skip


def _local_input(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_intake_form_asks_where_and_when_the_post_collected_it(client, office):
    client.force_login(office.postal_clerk)
    url = reverse("onestop:counter")
    page = client.get(url, {"agency": office.agency.pk, "channel": 3, "procedure": "1.001193", "cccd": "074090007777"})
    html = page.content.decode()
    assert 'name="pickup_street"' in html and 'name="collected_at"' in html and "Tỉnh An Giang" in html
    response = client.post(url, _post(office, **DELIVERY))
    assert response.status_code == 200 and not Dossier.objects.exists()
    errors = response.context["form"].errors
    assert errors.keys() >= {"pickup_street", "pickup_ward", "pickup_province", "collected_at"}
    assert "thời điểm bưu chính nhận hồ sơ" in errors["collected_at"][0]
    not_a_province = {**PICKUP, "pickup_province": "Tỉnh Bình Dương"}  # merged into Hồ Chí Minh in 2025
    response = client.post(url, _post(office, **DELIVERY, **not_a_province, collected_at=_local_input(timezone.now())))
    assert response.status_code == 200 and "pickup_province" in response.context["form"].errors
    for when, words in ((timezone.now() + dt.timedelta(hours=2), "sau thời điểm hiện tại"),
                        (timezone.now() - dt.timedelta(days=31), "30 ngày")):  # fmt: skip
        response = client.post(url, _post(office, **DELIVERY, **PICKUP, collected_at=_local_input(when)))
        assert response.status_code == 200 and not Dossier.objects.exists()
        assert words in response.context["form"].errors["collected_at"][0], when


def test_the_pickup_is_stored_shown_and_printed_on_the_phieu_ho_so(client, office):
    client.force_login(office.postal_clerk)
    collected = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=1, hours=3)
    response = client.post(reverse("onestop:counter"),
                           _post(office, **DELIVERY, **PICKUP, collected_at=_local_input(collected)))  # fmt: skip
    assert response.status_code == 302
    dossier = Dossier.objects.get(channel=DossierChannel.POST)
    assert dossier.pickup_address == "Số 12 Bạch Đằng, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh"
    assert dossier.collected_at == collected
    shown = timezone.localtime(collected).strftime("%H:%M %d/%m/%Y")
    for user in (office.postal_clerk, office.receptionist):  # the postal view and the full view
        client.force_login(user)
        html = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
        assert dossier.pickup_address in html and shown in html, user
    client.force_login(office.postal_clerk)
    text = _text(client.get(reverse("onestop:postal_intake_slip", args=[dossier.pk])).content)
    local = timezone.localtime(collected)
    for expected in ("Bưu chính nhận hồ sơ tại", "Số 12 Bạch Đằng, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
                     f"{local.hour:02d} giờ {local.minute:02d} phút", "NHÂN VIÊN BƯU CHÍNH"):  # fmt: skip
        assert expected in text, expected


def test_the_workflow_refuses_a_postal_intake_without_its_pickup(office):
    base = {
        "actor": office.postal_clerk, "agency": office.agency, "procedure": office.procedure,
        "checked_documents": ["GT01"], "scans": [], "delivery_method": "counter", "channel": DossierChannel.POST,
        "applicant": {"cccd": "074090007777", "full_name": "A", "phone": "0912000222"},
    }  # fmt: skip
    address = "Số 1, Phường Phú Lợi, Thành phố Hồ Chí Minh"
    for pickup in ({}, {"pickup_address": address}, {"collected_at": timezone.now()},
                   {"pickup_address": address, "collected_at": timezone.now() + dt.timedelta(hours=1)},
                   {"pickup_address": address, "collected_at": timezone.now() - dt.timedelta(days=40)}):  # fmt: skip
        with pytest.raises(ValidationError):
            workflow.dossier_register(**base, **pickup)
    assert not Dossier.objects.exists()
    dossier = workflow.dossier_register(**base, pickup_address=address, collected_at=timezone.now())
    assert dossier.pickup_address == address and dossier.collected_at is not None
    counter = workflow.dossier_register(**{**base, "actor": office.receptionist, "channel": DossierChannel.COUNTER},
                                        pickup_address=address, collected_at=timezone.now())  # fmt: skip
    assert counter.pickup_address == "" and counter.collected_at is None  # only a dossier received by post
