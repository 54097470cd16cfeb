"""The citizen pays from the dossier page through the built-in sandbox gateway; the return page only
shows; somebody else gets 404 everywhere."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from onestop.models import DossierEvent, DossierStatus
from payments.models import Payment, PaymentStatus, Receipt
from tests.factories import UserFactory

from .conftest import gateway_params


def pay_url(dossier):
    return reverse("payments:pay", args=[dossier.public_id])


def test_the_dossier_page_shows_the_items_the_total_and_the_button(client, awaiting, office):
    client.force_login(office.citizen)
    html = client.get(reverse("portal:dossier", args=[awaiting.public_id])).content.decode()
    assert "Thanh toán trực tuyến" in html and pay_url(awaiting) in html
    assert "Lệ phí (giảm 50%)" in html and "17.000 đồng" in html


def test_the_button_redirects_to_the_gateway_and_a_double_click_reuses_the_attempt(client, awaiting, office):
    client.force_login(office.citizen)
    first = client.post(pay_url(awaiting))
    assert first.status_code == 302
    target = urlsplit(first["Location"])
    assert target.path == reverse("payments:sandbox_pay")
    params = dict(parse_qsl(target.query))
    assert params["vnp_Amount"] == "1700000" and params["vnp_SecureHash"]
    second = client.post(pay_url(awaiting))
    assert dict(parse_qsl(urlsplit(second["Location"]).query))["vnp_TxnRef"] == params["vnp_TxnRef"]
    assert Payment.objects.count() == 1
    assert DossierEvent.objects.filter(dossier=awaiting, action="payment_attempt").count() == 1


def test_the_button_needs_a_post_and_a_dossier_waiting_for_payment(client, office):
    dossier = office.submitted()
    client.force_login(office.citizen)
    assert client.get(pay_url(dossier)).status_code == 405
    response = client.post(pay_url(dossier), follow=True)
    assert "không chờ thanh toán" in response.content.decode() or "not waiting" in response.content.decode()
    assert not Payment.objects.exists()


def test_through_the_sandbox_pay_then_return(client, awaiting, office):
    client.force_login(office.citizen)
    gateway_url = client.post(pay_url(awaiting))["Location"]
    page = client.get(gateway_url)
    html = page.content.decode()
    assert page.status_code == 200 and "17.000 VND" in html
    form = dict(parse_qsl(urlsplit(gateway_url).query))
    back = client.post(reverse("payments:sandbox_pay"), {**form, "choice": "pay"})
    assert back.status_code == 302 and urlsplit(back["Location"]).path == reverse("payments:vnpay_return")
    # The IPN (server to server, in process) has confirmed it before the browser comes back.
    awaiting.refresh_from_db()
    assert awaiting.status == DossierStatus.PROCESSING
    shown = client.get(back["Location"]).content.decode()
    assert "Đã thanh toán" in shown and reverse("portal:dossier", args=[awaiting.public_id]) in shown
    # The browser's return, again and again, confirms nothing more.
    client.get(back["Location"])
    assert DossierEvent.objects.filter(dossier=awaiting, action="confirm_payment").count() == 1
    receipt = Receipt.objects.get()
    page = client.get(reverse("portal:dossier", args=[awaiting.public_id])).content.decode()
    assert reverse("payments:receipt", args=[awaiting.public_id, receipt.public_id]) in page


def test_the_sandbox_cancel_leaves_the_dossier_waiting_and_the_button_offers_a_retry(client, awaiting, office):
    client.force_login(office.citizen)
    form = dict(parse_qsl(urlsplit(client.post(pay_url(awaiting))["Location"]).query))
    back = client.post(reverse("payments:sandbox_pay"), {**form, "choice": "cancel"})
    shown = client.get(back["Location"]).content.decode()
    assert "Bạn đã hủy thanh toán" in shown
    awaiting.refresh_from_db()
    assert awaiting.status == DossierStatus.AWAITING_PAYMENT
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    page = client.get(reverse("portal:dossier", args=[awaiting.public_id])).content.decode()
    assert "thử lại" in page
    again = client.post(pay_url(awaiting))
    assert dict(parse_qsl(urlsplit(again["Location"]).query))["vnp_TxnRef"].endswith("-02")


def test_the_return_before_the_ipn_shows_waiting_and_confirms_nothing(client, awaiting, office):
    client.force_login(office.citizen)
    client.post(pay_url(awaiting))
    payment = Payment.objects.get()
    url = reverse("payments:vnpay_return")
    shown = client.get(url, gateway_params(payment)).content.decode()
    assert "Đang chờ" in shown or "chờ xác nhận" in shown
    awaiting.refresh_from_db()
    assert awaiting.status == DossierStatus.AWAITING_PAYMENT
    # Then the IPN comes: one confirmation; the return page again: still one.
    assert client.get(reverse("payments:vnpay_ipn"), gateway_params(payment)).json()["RspCode"] == "00"
    client.get(url, gateway_params(payment))
    assert DossierEvent.objects.filter(dossier=awaiting, action="confirm_payment").count() == 1


def test_a_forged_return_is_refused(client, awaiting, office):
    client.force_login(office.citizen)
    client.post(pay_url(awaiting))
    payment = Payment.objects.get()
    response = client.get(reverse("payments:vnpay_return"), gateway_params(payment, key="forged"))
    assert response.status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_the_sandbox_refuses_an_order_signed_with_another_secret(client, awaiting, office):
    client.force_login(office.citizen)
    form = dict(parse_qsl(urlsplit(client.post(pay_url(awaiting))["Location"]).query))
    form["vnp_Amount"] = "100"
    assert client.post(reverse("payments:sandbox_pay"), {**form, "choice": "pay"}).status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_the_sandbox_exists_only_when_it_is_the_configured_gateway(client, settings):
    settings.PAYMENT_PROVIDER = "vnpay"
    assert client.get(reverse("payments:sandbox_pay")).status_code == 404
    assert client.post(reverse("payments:sandbox_querydr"), "{}", content_type="application/json").status_code == 404


# ------------------------------------------------------------------------------------ access


def test_another_citizen_gets_404_on_the_button_and_the_receipt(client, awaiting, office):
    client.force_login(office.citizen)
    form = dict(parse_qsl(urlsplit(client.post(pay_url(awaiting))["Location"]).query))
    client.post(reverse("payments:sandbox_pay"), {**form, "choice": "pay"})
    receipt = Receipt.objects.get()
    receipt_url = reverse("payments:receipt", args=[awaiting.public_id, receipt.public_id])
    assert client.get(receipt_url).status_code == 200
    client.force_login(UserFactory())
    assert client.post(pay_url(awaiting)).status_code == 404
    assert client.get(receipt_url).status_code == 404
    client.force_login(office.receptionist)  # staff use the back office, not the citizen's URLs
    assert client.get(receipt_url).status_code == 404
    client.logout()
    assert client.get(receipt_url).status_code == 302  # to the login page


# ----------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("attempts", [1, 4])
def test_the_dossier_page_costs_the_same_whatever_the_attempts(client, awaiting, office, attempts,
                                                               django_assert_max_num_queries):  # fmt: skip
    for n in range(attempts):
        Payment.objects.create(
            dossier=awaiting, attempt=n + 1, amount=17_000, provider="sandbox", txn_ref=f"T-{n}", status="failed"
        )
    client.force_login(office.citizen)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("portal:dossier", args=[awaiting.public_id])).status_code == 200


def test_the_return_and_verification_pages_have_a_fixed_cost(client, awaiting, office, django_assert_max_num_queries):
    client.force_login(office.citizen)
    form = dict(parse_qsl(urlsplit(client.post(pay_url(awaiting))["Location"]).query))
    back = client.post(reverse("payments:sandbox_pay"), {**form, "choice": "pay"})
    client.logout()
    with django_assert_max_num_queries(2):
        assert client.get(back["Location"]).status_code == 200
    receipt = Receipt.objects.get()
    with django_assert_max_num_queries(2):
        page = client.get(reverse("payments:receipt_verify", args=[receipt.public_id]))
    html = page.content.decode()
    assert receipt.number in html and "17.000 đồng" in html and "Nguyễn Văn An" in html
    assert "074090001234" not in html and "0912345678" not in html  # no personal data but the name
