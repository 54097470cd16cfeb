"""Issue #15 (officials): staff menus carry no citizen items, and the bell's unread count is legible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from onestop.models import Notification, NotificationChannel, NotificationStatus

pytestmark = pytest.mark.django_db


def _nav(user) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("portal:home")).content.decode()
    return html[html.index('class="site-nav"') : html.index("</nav>", html.index('class="site-nav"'))]


def test_staff_menus_have_no_citizen_items(office):
    """Staff accounts are work accounts (docs/domain.md): "Hồ sơ của tôi" and "Kho dữ liệu" are the citizen's."""
    for staff in (office.receptionist, office.specialist, office.approver, office.postal_clerk):
        nav = _nav(staff)
        assert reverse("onestop:home") in nav
        assert reverse("portal:my_dossiers") not in nav and reverse("portal:vault") not in nav, staff
        assert "Hồ sơ của tôi" not in nav and "Kho dữ liệu" not in nav
    nav = _nav(office.citizen)
    assert reverse("portal:my_dossiers") in nav and reverse("portal:vault") in nav
    assert reverse("onestop:home") not in nav


# ------------------------------------------------------------------------------ colours


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rule(css: str, selector: str) -> dict[str, str]:
    match = re.search(r"(?:^|\})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", css, re.M)
    assert match, selector
    return {k.strip(): v.strip() for k, v in (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)}


def test_the_unread_count_on_the_bell_is_legible(office):
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    variables = {k.strip(): v.strip() for k, v in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", _root(css))}

    def colour(value: str) -> str:
        name = re.fullmatch(r"var\((--[\w-]+)\)", value)
        return variables[name.group(1)] if name else value

    badge = _rule(css, ".nav-bell .badge")
    assert contrast(colour(badge["color"]), colour(badge["background"])) >= 4.5
    # Contrast 1.1 before: white (the navigation's link colour) on #f0f0f0.
    assert contrast("#ffffff", "#f0f0f0") < 4.5
    # The badge is drawn on the page with that rule.
    Notification.objects.create(
        recipient=office.receptionist, channel=NotificationChannel.INAPP, kind="staff.assigned", dedup_key="t:1",
        subject="Hồ sơ mới", body="…", status=NotificationStatus.SENT,
    )  # fmt: skip
    client = Client()
    client.force_login(office.receptionist)
    html = client.get(reverse("onestop:home")).content.decode()
    assert re.search(r'<li class="nav-bell">.*?<span class="badge" aria-hidden="true">1</span>', html, re.S)


def _root(css: str) -> str:
    return re.search(r":root\s*\{([^}]*)\}", css).group(1)
