"""Issue #15 in Chromium at 390 px: step 2 shows what step 1 gave (readable, nothing cut off), step 3
names the missing document and offers the form template, a draft is resumed instead of repeated and
deleted after a confirmation."""

import pytest
from django.core.cache import cache

from onestop.models import Dossier
from procedures.services import procedures_import
from tests.factories import PASSWORD, UserFactory
from tests.portal.test_wizard_usability import OWN_FIELDS
from tests.procedures.records import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_wizard_on_a_phone(live_server, browser, tmp_path, settings):
    from django.conf import settings as django_settings

    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    template = {"DUONGDAN": "mau/to-khai-dang-ky-ket-hon.docx"}
    rec = record(MOTCUA_TRAKETQUA=["counter", "online"], MOTCUA_TRUONGDON=OWN_FIELDS)
    rec["THANHPHANHOSO"][0]["GIAYTO"][0]["MOTCUA_TEPMAU"] = template
    assert not procedures_import(records=[rec], base_dir=django_settings.BASE_DIR / "procedures" / "data").rejected
    user = UserFactory(email="an@example.vn", full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678")

    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/nop-ho-so/1.001193/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]:has-text('Đăng nhập')")
        page.click("main form button[type=submit]")
        page.fill("#id_applicant_address", "Số 12 đường Yersin, phường Thủ Dầu Một")
        page.click("button[name=next]")

        # Step 2: name and ID number are shown, not asked; each value is on a readable line.
        assert page.locator("#id_ho_ten").count() == 0 and page.locator("#id_so_dinh_danh").count() == 0
        value = page.locator(".known-answers dd").first
        assert value.inner_text() == "Nguyễn Văn An"
        assert value.bounding_box()["width"] > 200
        _no_horizontal_scroll(page)
        page.fill("#id_ho_ten_chong", "Trần Văn Cường")
        page.select_option("#id_hinh_thuc", "Tại trụ sở")
        page.click("button[name=next]")

        # Step 3: going on without the required form says so at once, and the template downloads.
        page.click("button[name=next]")
        page.wait_for_selector(".error-summary")
        assert "Hãy đính kèm “Tờ khai đăng ký kết hôn”" in page.inner_text(".error-summary")
        _no_horizontal_scroll(page)
        with page.expect_download() as download:
            page.click("text=Tải mẫu: Mẫu tờ khai")
        assert download.value.suggested_filename == "mau-to-khai.docx"

        # Starting again offers the draft; continuing opens it where it was left.
        page.goto(f"{live_server.url}/nop-ho-so/1.001193/")
        assert "Bạn đã có hồ sơ nháp của thủ tục này" in page.content()
        _no_horizontal_scroll(page)
        page.click("text=Khai tiếp hồ sơ nháp")
        page.wait_for_selector(".doc-slot")
        assert Dossier.objects.count() == 1

        # Delete it, after the confirmation page.
        page.click("text=Xoá hồ sơ nháp này")
        page.wait_for_selector("text=Xoá hồ sơ nháp này?")
        _no_horizontal_scroll(page)
        page.click("button:has-text('Xoá hồ sơ nháp')")
        page.wait_for_selector("text=Đã xoá hồ sơ nháp")
        assert Dossier.objects.count() == 0
    finally:
        context.close()
