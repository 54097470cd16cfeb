"""Accessibility and phones, checked by a machine in Chromium on the demo data.

For every role's key pages, at 1366×900 and at 390×844 (a phone):
- axe-core (tests/browser/vendor/axe-core, run in the page) finds no serious or critical violation of
  WCAG 2.1 A/AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa);
- the page does not scroll sideways: document.documentElement.scrollWidth ≤ the viewport's width
  (lists become cards on small screens; site.css, .table-cards), and every cell of a card list has its
  column label (data-label);
- where a form came back with errors, the error summary has the focus and each of its links leads to
  an element of the page.
Screenshots of every page land in $A11Y_SHOTS when that is set (to look at them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from onestop.models import Dossier, DossierStatus, Shipment
from portal.demo.accounts import DEMO_PASSWORD
from procedures.models import Channel, Procedure, ProcedureStatus
from tests.payments.conftest import SECRET, TMN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


def axe_violations(page) -> list[str]:
    """Serious and critical WCAG 2.1 AA violations on the page, one line each (rule, impact, elements)."""
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy does not apply.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:5])} — {v['help']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page) -> str | None:
    """None when the page fits its viewport's width; else the width and the widest elements."""
    width, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width <= page.viewport_size["width"]:
        return None
    culprits = page.evaluate(
        """w => Array.from(document.querySelectorAll('body *'))
             .filter(e => e.getBoundingClientRect().right > w + 1)
             .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
        client,
    )
    return f"scrollWidth {width} > {page.viewport_size['width']} ({', '.join(culprits)})"


def card_and_summary_problems(page) -> list[str]:
    """Cells of a card list without their column label; error-summary links to nothing; a page with an
    error summary whose focus is elsewhere."""
    return page.evaluate(
        """() => {
          const problems = [];
          document.querySelectorAll('table.table-cards tbody tr').forEach(tr => {
            Array.from(tr.cells).forEach((cell, i) => {
              if (!cell.hasAttribute('data-label') && cell.colSpan === 1) {
                problems.push('a card cell without data-label (column ' + (i + 1) + ')');
              }
            });
          });
          const summary = document.querySelector('.error-summary');
          if (summary) {
            if (document.activeElement !== summary) { problems.push('the error summary does not have the focus'); }
            summary.querySelectorAll('a[href^="#"]').forEach(a => {
              if (!document.getElementById(a.getAttribute('href').slice(1))) {
                problems.push('an error-summary link to nothing: ' + a.getAttribute('href'));
              }
            });
          }
          return Array.from(new Set(problems));
        }"""
    )


def login(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"


@dataclass
class Visit:
    name: str
    go: Callable  # (page, base) -> None
    expect: str = ""  # a selector that must be on the page (the page is the one meant)


def _get(path, expect=""):
    return Visit(path, lambda page, base: page.goto(base + path), expect)


def _demo_pages() -> dict[str | None, list[Visit]]:
    """The key pages of each demo account, found in the seeded data."""
    procedure = (
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, channels__channel=Channel.ONLINE)
        .order_by("code")
        .first()
    )
    mine = Dossier.objects.filter(applicant__email="congdan@demo.vn")
    draft = mine.filter(status=DossierStatus.DRAFT).first()
    to_pay = mine.filter(status=DossierStatus.AWAITING_PAYMENT).first()
    submitted = mine.exclude(status=DossierStatus.DRAFT).order_by("pk").first()
    waiting = (
        Dossier.objects.filter(status=DossierStatus.SUBMITTED).order_by("pk").first()
    )  # tiepnhan@ is at every desk
    shipment = Shipment.objects.select_related("dossier").order_by("pk").first()
    # A returned dossier of congdan@ waiting for its satisfaction evaluation (issue 12).
    to_evaluate = mine.filter(status=DossierStatus.RETURNED, evaluation__isnull=True).order_by("pk").first()
    tracked = shipment.dossier if shipment else submitted
    assert procedure and draft and to_pay and submitted and waiting and shipment and to_evaluate, (
        "the demo lacks a key page"
    )

    def track(page, base):
        page.goto(f"{base}/tra-cuu/")
        page.fill("input[name=code]", tracked.code)
        page.fill("input[name=verifier]", tracked.applicant_phone)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

    def track_error(page, base):
        page.goto(f"{base}/tra-cuu/")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

    def login_error(page, base):
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "khong-co@demo.vn")
        page.fill("input[name=password]", "sai-mat-khau")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

    def pay(page, base):
        page.goto(f"{base}/ho-so/{to_pay.public_id}/")
        page.click("form[action$='/thanh-toan/'] button[type=submit]")
        page.wait_for_load_state()

    wizard = [
        _get(f"/ho-so/{draft.public_id}/buoc/{step}/", "form")
        for step in ("applicant", "form", "documents", "delivery", "review")
    ]
    return {
        None: [
            _get("/", "main h1"),
            _get("/thu-tuc/", "table.table-cards"),
            _get(f"/thu-tuc/{procedure.code}/", "main h1"),
            _get("/tra-cuu/", "form"),
            Visit("tracking result", track, "ol.timeline"),
            Visit("tracking with errors", track_error, ".error-summary"),
            Visit("sign-in with errors", login_error, ".error-summary"),
            _get("/thong-ke/", "main h1"),  # public figures (issue 12)
            _get("/xac-thuc/", "main form"),  # verify a signed result (issue 13)
        ],
        "congdan@demo.vn": [
            _get("/ho-so/", "table.table-cards"),
            _get("/kho-du-lieu/"),
            _get(f"/ho-so/{submitted.public_id}/", "main h1"),
            _get(f"/ho-so/{to_pay.public_id}/", "form[action$='/thanh-toan/']"),
            Visit("payment (sandbox gateway)", pay, ".sandbox-amount"),
            _get(f"/ho-so/{to_evaluate.public_id}/danh-gia/", "main form"),
            *wizard,
        ],
        "tiepnhan@demo.vn": [
            _get("/mot-cua/", "table.queue-table"),
            _get("/mot-cua/hang-doi/cho-tiep-nhan/", "table.queue-table"),
            _get(f"/mot-cua/ho-so/{waiting.pk}/", "details.action"),
            _get("/mot-cua/tiep-nhan-truc-tiep/", "main form"),
            _get("/mot-cua/thanh-toan/doi-soat/", "main form"),
        ],
        "chuyenvien@demo.vn": [
            # The bell shows an unread count here: its contrast is checked too.
            _get("/mot-cua/", ".nav-bell .badge"),
            _get("/mot-cua/thong-bao/", "table.table-cards"),
        ],
        "lanhdao.phong@demo.vn": [_get("/mot-cua/hang-doi/cho-phan-cong/", "table.queue-table")],
        # The leader (issue 12): the subtree's figures, the overdue queue, the statistics.
        "lanhdao@demo.vn": [
            _get("/mot-cua/", "main h1"),
            _get("/mot-cua/hang-doi/qua-han/", "table.queue-table"),
            _get("/mot-cua/thong-ke/", "main h1"),
        ],
        "buudien@demo.vn": [
            _get("/mot-cua/buu-chinh/", "table.table-cards"),
            _get(f"/mot-cua/buu-chinh/{shipment.pk}/", "main h1"),
        ],
    }


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_TMN_CODE = TMN
    call_command("seed_demo", verbosity=0)
    cache.clear()


def test_key_pages_of_every_role_pass_axe_and_fit_the_screen(live_server, browser, demo):
    """One seeded demo, both screen sizes (seeding is the slow part); every problem is listed at the end."""
    shots = os.environ.get("A11Y_SHOTS")
    pages = _demo_pages()
    problems: list[str] = []
    visited = 0
    for size, (width, height) in VIEWPORTS.items():
        for account, visits in pages.items():
            context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(20_000)
            try:
                if account:
                    login(page, live_server.url, account)
                for visit in visits:
                    visit.go(page, live_server.url)
                    where = f"{account or 'anonymous'} {visit.name} @{width}"
                    if visit.expect:
                        assert page.locator(visit.expect).count(), f"{where}: {visit.expect} not on {page.url}"
                    problems += [f"{where}: {line}" for line in card_and_summary_problems(page)]
                    problems += [f"{where}: {line}" for line in axe_violations(page)]
                    if overflow := horizontal_overflow(page):
                        problems.append(f"{where}: {overflow}")
                    if shots:
                        slug = re.sub(r"[^a-z0-9]+", "-", f"{size} {account or 'anon'} {visit.name}".lower()).strip("-")
                        page.screenshot(path=str(Path(shots) / f"{slug}.png"), full_page=True)
                    visited += 1
            finally:
                context.close()
    assert visited >= 2 * 25
    assert not problems, "\n".join(problems)
