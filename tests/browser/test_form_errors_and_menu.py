"""In Chromium: after a form error the focus goes to the error summary, whose links lead to the fields
(WCAG 3.3.1, 2.4.3), and the fields say they are invalid and what is wrong; on a phone the main
navigation folds behind a Menu button."""

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_CLASS = "document.activeElement && document.activeElement.className"


def _described_by(page, selector) -> str:
    """The text of the elements a field's aria-describedby names (each must exist)."""
    return page.eval_on_selector(
        selector,
        """f => (f.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean).map(id => {
              const e = document.getElementById(id);
              if (!e) { throw new Error('aria-describedby names a missing id: ' + id); }
              return e.textContent; }).join(' | ')""",
    )


def test_tracking_errors_take_the_focus_and_lead_to_each_field(live_server, page):
    cache.clear()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tra-cuu/")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    assert page.evaluate(FOCUSED_CLASS) == "error-summary"
    links = page.eval_on_selector_all(".error-summary a", "as => as.map(a => a.getAttribute('href'))")
    assert links == ["#id_code", "#id_verifier"]

    page.click(".error-summary a[href='#id_verifier']")
    assert page.evaluate("document.activeElement.id") == "id_verifier"
    assert page.get_attribute("#id_verifier", "aria-invalid") == "true"
    assert _described_by(page, "#id_verifier") == "Trường này là bắt buộc."
    page.goto(f"{live_server.url}/tra-cuu/")
    assert page.get_attribute("#id_code", "aria-invalid") is None
    assert page.locator(".error-summary").count() == 0


def test_sign_in_errors_take_the_focus(live_server, page):
    cache.clear()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "khong-co@demo.vn")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.evaluate(FOCUSED_CLASS) == "error-summary"
    summary = page.inner_text(".error-summary")
    assert "không chính xác" in summary
    # Said once: allauth's own copy of the form-wide error is hidden under the summary.
    assert page.locator("ul.errorlist.nonfield").is_hidden()


def test_an_action_form_with_errors_opens_with_the_focus_on_its_summary(live_server, page, office):
    cache.clear()
    office.receptionist.set_password(PASSWORD)
    office.receptionist.save()
    dossier = office.submitted()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", office.receptionist.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    form = "form[action$='/thao-tac/refuse/']"
    page.click("#hanh-dong-refuse > summary")
    page.wait_for_selector(form)  # the folded action's form comes from the page itself (portal.js)
    # A browser without constraint validation (or a reason made only of spaces) reaches the server.
    page.eval_on_selector(form, "f => { f.noValidate = true; }")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()

    assert page.evaluate(FOCUSED_CLASS) == "error-summary"
    assert page.evaluate("document.activeElement.closest('details').open")
    for href in page.eval_on_selector_all(f"{form} .error-summary a", "as => as.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href
    page.click(f"{form} .error-summary a[href='#id_refuse-confirm']")
    assert page.evaluate("document.activeElement.id") == "id_refuse-confirm"
    assert page.get_attribute("#id_refuse-confirm", "aria-invalid") == "true"
    assert _described_by(page, "#id_refuse-confirm") == "Đánh dấu vào ô để xác nhận."
    # The reasons field is described by its hint and its error, in that order.
    reasons = _described_by(page, "#id_refuse-reasons").split(" | ")
    assert reasons == ["Người nộp hồ sơ sẽ đọc các lý do này trong mẫu số 03.", "Trường này là bắt buộc."]
    assert page.get_attribute("#id_refuse-reasons", "aria-invalid") == "true"


def test_on_a_phone_the_menu_folds_behind_a_button(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    toggle = page.locator(".site-nav .nav-toggle")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#site-menu").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-menu a[href='/thu-tuc/']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    assert toggle.is_hidden()
    assert page.locator("#site-menu a[href='/thu-tuc/']").is_visible()


def test_on_a_laptop_a_staff_menu_with_a_full_bell_stays_on_one_line(live_server, page, office):
    """At 1366 px "Đăng xuất" wrapped alone onto a second line once the bell counted 100 or more."""
    from onestop.models import Notification, NotificationChannel

    cache.clear()
    approver = office.approver
    approver.set_password(PASSWORD)
    approver.save()
    inbox = {"recipient": approver, "channel": NotificationChannel.INAPP, "kind": "overdue", "body": "…"}
    Notification.objects.bulk_create(Notification(**inbox, dedup_key=f"menu-{n}") for n in range(137))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", approver.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/mot-cua/")
    assert page.locator(".nav-bell .badge").inner_text() == "137"
    tops = page.evaluate("[...document.querySelectorAll('#site-menu > li')].map(li => li.getBoundingClientRect().top)")
    assert len(tops) >= 8 and len(set(tops)) == 1


def test_on_a_phone_my_dossiers_are_cards_with_their_column_labels(live_server, page, office):
    cache.clear()
    office.citizen.set_password(PASSWORD)
    office.citizen.save()
    dossier = office.submitted()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", office.citizen.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/ho-so/")
    assert dossier.code in page.inner_text("main")
    cells = page.eval_on_selector_all(
        "table.table-cards tbody tr:first-child td",
        """tds => tds.map(td => [getComputedStyle(td).display,
                                 getComputedStyle(td, '::before').content.split(' / ')[0]])""",
    )
    assert cells[0] == ["flow-root", '"Mã hồ sơ"']
    assert [label for _, label in cells[1:3]] == ['"Tên thủ tục"', '"Trạng thái"']
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.eval_on_selector("table.table-cards tbody td", "td => getComputedStyle(td).display") == "table-cell"
    assert page.eval_on_selector("table.table-cards thead", "t => t.getBoundingClientRect().height") > 20
