"""The back office in Chromium: the receptionist accepts an online dossier → the specialist forwards →
the approver approves with the result → the receptionist returns it; the citizen sees each step."""

import pytest
from django.core.cache import cache

from onestop.models import DossierStatus
from tests.factories import PASSWORD
from tests.portal.submission_helpers import minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _act(page, base, dossier, action, fields=None, files=None):
    page.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    form = f"form[action$='/thao-tac/{action}/']"
    page.click(f"#hanh-dong-{action} > summary")
    for name, value in (fields or {}).items():
        page.fill(f"{form} [name={name}]", value)
    for name, path in (files or {}).items():
        page.set_input_files(f"{form} input[name={name}]", path)
    page.check(f"{form} input[name=confirm]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def _citizen_sees(page, base, citizen, dossier, text):
    _login(page, base, citizen)
    page.goto(f"{base}/ho-so/{dossier.public_id}/")
    assert text in page.content(), text


def test_dossier_walks_through_the_back_office(live_server, page, office, tmp_path):
    cache.clear()
    base = live_server.url
    for user in (office.receptionist, office.specialist, office.approver, office.citizen):
        user.set_password(PASSWORD)
        user.save()
    dossier = office.submitted()

    # The receptionist finds it in "chờ tiếp nhận" and accepts it.
    _login(page, base, office.receptionist)
    page.goto(f"{base}/mot-cua/hang-doi/cho-tiep-nhan/")
    assert dossier.code in page.content()
    _act(page, base, dossier, "receive")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    _act(page, base, dossier, "forward")
    _citizen_sees(page, base, office.citizen, dossier, "Đã tiếp nhận")

    # The specialist forwards it to the approver.
    _login(page, base, office.specialist)
    page.goto(f"{base}/mot-cua/")
    _act(page, base, dossier, "forward", {"note": "Hồ sơ đủ điều kiện"})
    dossier.refresh_from_db()
    assert dossier.current_step == 3

    # The approver approves and attaches the signed result.
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(minimal_pdf("Ket qua"))
    _login(page, base, office.approver)
    _act(page, base, dossier, "resolve", files={"result_file": str(result)})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    _citizen_sees(page, base, office.citizen, dossier, "Đã có kết quả")

    # The receptionist returns the result online; the citizen sees it and can open it.
    _login(page, base, office.receptionist)
    page.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    form = "form[action$='/thao-tac/return_result/']"
    page.click("#hanh-dong-return_result > summary")
    page.check(f"{form} input[name=method][value=online]")
    page.check(f"{form} input[name=confirm]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    _citizen_sees(page, base, office.citizen, dossier, "Đã trả kết quả")
    assert "ket-qua.pdf" in page.content()
    page.screenshot(path=str(tmp_path / "citizen-returned.png"), full_page=True)
