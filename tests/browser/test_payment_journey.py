"""A citizen pays the fees of a dossier through the sandbox gateway in Chromium and gets the receipt."""

import io

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD
from tests.payments.conftest import SECRET, TMN, awaiting_payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_pays_through_the_sandbox_and_downloads_the_receipt(live_server, page, office, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_TMN_CODE = TMN
    cache.clear()
    dossier = awaiting_payment(office)
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", office.citizen.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.goto(f"{base}/ho-so/{dossier.public_id}/")
    assert "17.000 đồng" in page.inner_text(".payment-total")

    # First try: cancelled at the bank; the dossier still waits and offers a retry.
    page.click("button:has-text('Thanh toán trực tuyến')")
    page.wait_for_selector(".sandbox-amount")
    assert "17.000 VND" in page.inner_text(".sandbox-amount")
    page.click("button[value=cancel]")
    page.wait_for_selector("text=Bạn đã hủy thanh toán")
    page.click("text=Quay lại hồ sơ")
    page.wait_for_selector("text=Lần thanh toán trước chưa thành công")

    # Second try: paid.
    page.click("button:has-text('Thanh toán trực tuyến')")
    page.wait_for_selector(".sandbox-amount")
    page.click("button[value=pay]")
    page.wait_for_selector(".payment-status-paid")
    page.click("text=Quay lại hồ sơ")
    page.wait_for_selector("ul.receipts a")
    assert page.inner_text(".status") == "Đang xử lý"  # the IPN moved the dossier on

    with page.expect_download() as download_info:
        page.click("ul.receipts a")
    from pypdf import PdfReader

    content = download_info.value.path().read_bytes()
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "Mười bảy nghìn đồng" in text and dossier.code in text
