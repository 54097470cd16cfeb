"""A citizen's journey in Chromium: search → procedure → submit with two files → confirmation PDF → tracking."""

import io
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory
from tests.portal.submission_helpers import import_catalogue, minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_submits_online_and_tracks_the_dossier(live_server, page, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    import_catalogue()
    user = UserFactory(
        email="an@example.vn", full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678",
        address="Số 12 đường Yersin, phường Thủ Dầu Một",
    )  # fmt: skip
    first = tmp_path / "to-khai.pdf"
    first.write_bytes(minimal_pdf("To khai"))
    second = tmp_path / "to-khai-trang-2.pdf"
    second.write_bytes(minimal_pdf("Trang 2"))

    # Search without diacritics, open the procedure.
    page.goto(f"{live_server.url}/thu-tuc/")
    page.fill("#id_q", "dang ky ket hon")
    page.click("button:has-text('Tìm kiếm')")
    page.click("a:has-text('Đăng ký kết hôn')")
    # expect() waits for the navigation the click started; page.content() mid-navigation reads "".
    expect(page.locator("main")).to_contain_text("1.001193")
    page.click("text=Nộp hồ sơ trực tuyến")

    # Log in (the wizard needs an account) and start.
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.click("main form button[type=submit]")  # "Bắt đầu nộp hồ sơ mới"

    # Applicant (prefilled from the profile) → form → documents with two files → delivery → review.
    assert page.input_value("#id_applicant_name") == "Nguyễn Văn An"
    page.click("button[name=next]")
    page.fill("#id_ho_ten_chong", "Nguyễn Văn An")
    page.select_option("#id_hinh_thuc", "Tại trụ sở")
    page.click("button[name=next]")
    page.set_input_files("#file-GT01", [str(first), str(second)])
    page.click("button[name=next]")
    page.wait_for_selector("input[name=delivery_method]")
    page.check("input[name=delivery_method][value=online]")
    page.click("button[name=next]")
    expect(page.locator("main")).to_contain_text("to-khai-trang-2.pdf")
    page.check("#id_declaration")
    page.click("button[name=submit]")

    page.wait_for_selector(".dossier-code")
    code = page.inner_text(".dossier-code").strip()
    assert re.fullmatch(r"000\.20\.01\.H12-\d{6}-0001", code)

    # The confirmation PDF: downloaded by the browser, its text read back.
    with page.expect_download() as download_info:
        page.evaluate("href => { const a = document.createElement('a'); a.href = href; a.download = 'x.pdf'; "
                      "document.body.appendChild(a); a.click(); }",
                      page.get_attribute("a:has-text('PDF')", "href"))  # fmt: skip
    pdf_path = download_info.value.path()
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert code in text.replace("\n", "") and "Nguyễn Văn An" in text

    # Public tracking, logged out, with the code and the phone.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tra-cuu/")
    page.fill("#id_code", code)
    page.fill("#id_verifier", "0912345678")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Đã nộp trực tuyến")
    assert "Mới đăng ký, chờ kiểm tra" in page.content()
    page.screenshot(path=str(tmp_path / "tracking.png"))
