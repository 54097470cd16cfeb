"""Results by post in Chromium: a by-post dossier is resolved → the postal clerk prints the slips and
the hand-over manifest → scans the item → records the delivery → the citizen sees the result returned."""

import io

import pytest
from django.core.cache import cache
from django.utils import translation

from onestop.models import DossierStatus, Shipment, ShipmentState
from tests.factories import PASSWORD
from tests.onestop.postal_helpers import resolved_by_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _print(page, base, shipment, button, path) -> str:
    """Tick the shipment and press a print button (the clerk gets the PDF in a new tab; here the
    submission stays in this tab): the PDF's text. Playwright gets no body for what Chromium's PDF
    viewer shows, so the text is read from the same POST sent again with the page's cookies."""
    from pypdf import PdfReader

    page.check(f"#pick-{shipment.pk}")
    csrf = page.input_value(f"form:has(#pick-{shipment.pk}) input[name=csrfmiddlewaretoken]")
    page.eval_on_selector(button, "b => b.removeAttribute('formtarget')")
    with page.expect_response(lambda r: r.url.endswith(path) and r.request.method == "POST") as response:
        page.click(button)
    assert response.value.status == 200 and response.value.headers["content-type"] == "application/pdf"
    again = page.request.post(
        base + path,
        form={"csrfmiddlewaretoken": csrf, "id": str(shipment.pk), "layout": "a6"},
        headers={"Referer": f"{base}/mot-cua/buu-chinh/"},
    )
    assert again.status == 200
    reader = PdfReader(io.BytesIO(again.body()))
    return " ".join("".join(p.extract_text() for p in reader.pages).split())


def test_a_result_travels_by_post_from_resolution_to_the_citizen(live_server, page, office):
    cache.clear()
    dossier = resolved_by_post(office)  # received, forwarded, resolved by the approver (workflow calls)
    shipment = Shipment.objects.get(dossier=dossier)
    base = live_server.url

    _login(page, base, office.postal_clerk)
    page.goto(f"{base}/mot-cua/buu-chinh/")
    assert shipment.item_number in page.inner_text("main")

    text = _print(page, base, shipment, "button[formaction$='/phieu-gui/']", "/mot-cua/buu-chinh/phieu-gui/")
    assert shipment.item_number in text and dossier.code in text
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.PRINTED

    page.goto(f"{base}/mot-cua/buu-chinh/")
    text = _print(page, base, shipment, "button[formaction$='/bang-ke/']", "/mot-cua/buu-chinh/bang-ke/")
    assert shipment.item_number in text

    # The USB scanner types the item number and Enter.
    page.goto(f"{base}/mot-cua/buu-chinh/")
    page.fill("#id_item", shipment.item_number.lower())
    page.press("#id_item", "Enter")
    page.wait_for_load_state()
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.HANDED_OVER

    page.goto(f"{base}/mot-cua/buu-chinh/{shipment.pk}/")
    page.check("input[name=outcome][value=delivered]")
    page.fill("input[name=delivered_to]", "Nguyễn Văn An")
    page.fill("input[name=relation]", "bản thân")
    page.click("main form button[type=submit]:has-text('Ghi nhận')")
    page.wait_for_load_state()
    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED and dossier.status == DossierStatus.RETURNED

    _login(page, base, office.citizen)
    page.goto(f"{base}/ho-so/{dossier.public_id}/")
    content = page.inner_text("main")
    with translation.override("vi"):
        returned = str(DossierStatus.RETURNED.label)
    assert returned in content and shipment.item_number in content
