"""The leader's statistics page in Chromium (issue #12): change the period, read the charts (inline SVG
with the period's numbers), download the tables (XLSX, CSV) and the report (PDF). Screenshots go to
STATISTICS_SCREENSHOTS (a directory) when set, else to the test's temporary directory, to be looked at:
Vietnamese diacritics, legible charts."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.cache import cache

from onestop.statistics.rollup import statistics_rollup
from tests.factories import PASSWORD
from tests.onestop.statistics_data import EXPECTED_P, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("STATISTICS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_leader_reads_the_statistics_changes_the_period_and_downloads(live_server, page, tmp_path):
    cache.clear()
    world = build_world()
    statistics_rollup(first=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1))
    base, shots = live_server.url, _shots(tmp_path)

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", world.leader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/mot-cua/thong-ke/")
    assert page.locator("h1").inner_text() == "Thống kê tình hình giải quyết hồ sơ"
    # Change the period with the form: November 2026, the month the data set describes.
    page.select_option("#id_ky", "thang")
    page.fill("#id_nam", "2026")
    page.select_option("#id_thang", "11")
    page.click(".stats-form button[type=submit]")
    page.wait_for_load_state()
    assert "thang=11" in page.url
    assert "tháng 11/2026" in page.locator(".lead").inner_text()
    received = page.locator('[data-figure="received"] .stats-value').inner_text()
    assert received == str(EXPECTED_P["received"])

    # The three charts are inline SVG carrying the period's numbers: bars (rects beyond the legend)
    # and their values as text.
    charts = page.locator("figure.chart svg.chart-svg")
    assert charts.count() == 3
    month_chart = charts.nth(0)
    assert month_chart.locator("rect").count() > 3
    assert str(EXPECTED_P["received"]) in month_chart.locator("text").all_text_contents()
    on_time = charts.nth(1).inner_html()
    assert world.ward_a.name in on_time and "%" in on_time
    page.screenshot(path=str(shots / "statistics-page.png"), full_page=True)
    for n, name in enumerate(("months", "on-time", "overdue")):
        charts.nth(n).screenshot(path=str(shots / f"statistics-chart-{name}.png"))
        box = charts.nth(n).bounding_box()
        assert box and box["width"] > 300, name  # drawn across the column, not squeezed
    assert charts.nth(0).bounding_box()["height"] > 200

    # Downloads: the agency table as XLSX and CSV, the report as PDF.
    with page.expect_download() as xlsx:
        page.click("#bang-co-quan ~ .stats-exports a:has-text('XLSX')")
    content = Path(xlsx.value.path()).read_bytes()
    assert xlsx.value.suggested_filename.endswith(".xlsx") and content[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert world.ward_a.name in cells and "Tiếp nhận" in cells

    with page.expect_download() as csv_file:
        page.click("#bang-co-quan ~ .stats-exports a:has-text('CSV')")
    text = Path(csv_file.value.path()).read_bytes().decode("utf-8-sig")
    assert world.ward_a.name in text and "Tiếp nhận" in text

    report = page.locator("a.button", has_text="PDF")
    response = page.request.get(base + report.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    (shots / "statistics-report.pdf").write_bytes(response.body())

    # A phone: the page stays usable (the tables scroll in their own boxes, the charts shrink).
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width} px)"
    page.screenshot(path=str(shots / "statistics-phone.png"), full_page=False)
