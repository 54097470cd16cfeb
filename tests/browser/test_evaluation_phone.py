"""The satisfaction evaluation on a phone-sized screen (390×844, Chromium): nothing overflows, every
radio group is usable by tapping its answers, and the evaluation is recorded (issue #12)."""

import pytest
from django.core.cache import cache

from onestop.models import CRITERIA, SatisfactionEvaluation
from tests.factories import PASSWORD
from tests.onestop.test_satisfaction import returned

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_the_applicant_fills_the_form_on_a_phone(live_server, browser, office, tmp_path):
    cache.clear()
    dossier = returned(office)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", office.citizen.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]:has-text('Đăng nhập')")
        page.goto(f"{base}/ho-so/{dossier.public_id}/")
        assert _width(page) <= PHONE["width"]
        page.click("a:has-text('Đánh giá mức độ hài lòng')")
        page.wait_for_selector("form.evaluation-form")
        assert _width(page) <= PHONE["width"]
        groups = page.locator("fieldset.rating")
        assert groups.count() == len(CRITERIA)
        for index in range(len(CRITERIA)):
            group = groups.nth(index)
            choices = group.locator("label.choice")
            for n in range(choices.count()):  # each answer is a full-width tap target inside the screen
                box = choices.nth(n).bounding_box()
                assert box["height"] >= 40 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            # Tap the answer's words (not the tiny circle): the label selects its radio.
            choice = choices.nth(1 if index == 0 else 0)
            choice.locator("span").tap()
            assert choice.locator("input[type=radio]").is_checked()
        page.fill("textarea[name=comment]", "Cán bộ tận tình; nên có chỗ gửi xe rộng hơn.")
        page.screenshot(path=str(tmp_path / "evaluation-390.png"), full_page=True)
        assert _width(page) <= PHONE["width"]
        page.click("button[type=submit]:has-text('Gửi đánh giá')")
        page.wait_for_selector(".evaluation-panel")
        assert "Ông/Bà đã đánh giá hồ sơ này" in page.inner_text(".evaluation-panel")
        assert _width(page) <= PHONE["width"]
    finally:
        context.close()
    evaluation = SatisfactionEvaluation.objects.get(dossier=dossier)
    assert evaluation.overall == CRITERIA[0].answers[1].code and evaluation.source == "online"
    assert evaluation.comment.startswith("Cán bộ tận tình")
