"""Issue #15: the province's name, emblem, hotline and address are configuration (PROVINCE_*), used
by the pages (one context processor), the PDFs and the e-mails; nothing in the code, data, templates,
docs or tests names the former province, the replaced decrees or the old name of the one-stop unit."""

import pathlib
import re

import pytest
from django.conf import settings
from django.urls import reverse

from onestop.documents.layout import place_date
from onestop.notifications.rendering import render_message

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(settings.BASE_DIR)


@pytest.fixture
def configured(settings):
    settings.PROVINCE_NAME = "Tỉnh Thử Nghiệm"
    settings.PROVINCE_PLACE = "Thử Nghiệm"
    settings.PROVINCE_EMBLEM = "img/favicon.svg"
    settings.PROVINCE_HOTLINE = "0999 123 456"
    settings.PROVINCE_ADDRESS = "Số 1 đường Thử, phường Mẫu, Tỉnh Thử Nghiệm"
    return settings


def test_the_pages_show_the_configured_province(client, configured):
    html = client.get(reverse("portal:home")).content.decode()
    assert "Ủy ban nhân dân Tỉnh Thử Nghiệm" in html
    assert "Cổng Dịch vụ công Tỉnh Thử Nghiệm" in html
    assert "0999 123 456" in html and "Số 1 đường Thử, phường Mẫu" in html
    assert re.search(r'<img src="[^"]*img/favicon(\.[0-9a-f]+)?\.svg"', html)
    assert "Bình Dương" not in html and "1900 0000" not in html


def test_the_default_is_the_current_map(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "Ủy ban nhân dân Thành phố Hồ Chí Minh" in html
    assert "tỉnh Thành phố" not in html  # the kind is part of the name, never added again


def test_paper_and_messages_use_the_configuration(configured):
    import datetime as dt

    assert place_date(dt.date(2026, 12, 1)) == "Thử Nghiệm, ngày 01 tháng 12 năm 2026"
    message = render_message(
        kind="tracking.locked", context={"code": "X", "link": "http://x/", "name": "An"}, language="vi"
    )
    assert "Cổng Dịch vụ công Tỉnh Thử Nghiệm" in message.body and "0999 123 456" in message.body


def test_the_confirmation_pdf_prints_the_hotline(configured):
    from onestop.documents.render import render_html

    html = render_html("pdf/submission_confirmation.html", {"doc": {}, "fees": []})
    assert "đường dây nóng 0999 123 456" in html and "Số 1 đường Thử" in html


OLD = re.compile(r"Bình Dương|Binh Duong|binhduong|61/2018|107/2021|Tiếp nhận và Trả kết quả", re.IGNORECASE)
# Where the old names may appear: saying what replaced them.
ALLOWED = {
    "onestop/province.py",
    "portal/settings.py",
    "portal/demo/agencies.py",
    "docs/domain.md",
    "onestop/workcalendar/engine.py",
    "docs/postal.md",  # the pickup province: "Tỉnh Bình Dương" is refused, part of Thành phố Hồ Chí Minh now
    "tests/onestop/test_postal_intake.py",  # the same rule, tested
}
SELF = "tests/portal/test_province_config.py"


def test_no_outdated_name_or_decree_is_left():
    offenders = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if (
            not path.is_file()
            or relative == SELF
            or relative.split("/")[0] in {".venv", "var", ".git", "node_modules"}
            or path.suffix not in {".py", ".html", ".txt", ".md", ".json", ".po", ".css", ".js", ".toml"}
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for match in OLD.finditer(text):
            line = text[: match.start()].count("\n") + 1
            context = text[max(0, match.start() - 80) : match.end() + 40]
            if relative in ALLOWED and re.search(r"replaced|former|part of|1/7/2025|merged", context):
                continue
            offenders.append(f"{relative}:{line}: {match.group(0)}")
    assert offenders == [], "\n".join(offenders)
