"""Every page renders in Vietnamese and English, under a Content-Security-Policy it obeys."""

import re

import pytest
from django.urls import reverse

from onestop.models import Role
from tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["portal:home", "account_login", "account_signup", "account_reset_password"]
CITIZEN_PAGES = ["portal:profile", "account_change_password", "account_email", "mfa_index"]
STAFF_PAGES = ["onestop:home"]

# (page, a Vietnamese phrase, its English counterpart)
LANGUAGE_MARKERS = {
    "portal:home": ("Cổng Dịch vụ công Thành phố Hồ Chí Minh", "Public Service Portal of"),
    "account_login": ("Đăng nhập", "Sign In"),
    "account_signup": ("Đăng ký", "Sign Up"),
    "account_reset_password": ("Đặt lại mật khẩu", "Password Reset"),
    "portal:profile": ("Tài khoản của tôi", "My account"),
    "account_change_password": ("Đổi mật khẩu", "Change Password"),
    "account_email": ("Email", "Email Addresses"),
    "mfa_index": ("Xác thực hai lớp", "Two-Factor Authentication"),
    "onestop:home": ("Hệ thống Một cửa điện tử", "Electronic one-stop back office"),
}


def _pages_for(client, kind):
    if kind == "citizen":
        from tests.factories import UserFactory

        client.force_login(UserFactory())
        return CITIZEN_PAGES
    if kind == "staff":
        client.force_login(StaffRoleFactory(role=Role.SPECIALIST).user)
        return STAFF_PAGES
    return PUBLIC_PAGES


@pytest.mark.parametrize("kind", ["public", "citizen", "staff"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_renders_in_both_languages(client, kind, language):
    client.cookies["lang"] = language
    for name in _pages_for(client, kind):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, name
        vi, en = LANGUAGE_MARKERS[name]
        assert (vi if language == "vi" else en) in html, (name, language)
        if language == "vi":
            assert "Skip to main content" not in html
        else:
            assert "Skip to main content" in html


def test_language_switch_sets_the_cookie_and_returns(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["lang"].value == "en"
    assert "Public Service Portal of" in client.get("/").content.decode()


@pytest.mark.parametrize("kind", ["public", "citizen", "staff"])
def test_csp_header_and_no_inline_code(client, kind):
    for name in _pages_for(client, kind):
        response = client.get(reverse(name))
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        html = response.content.decode()
        # Every page obeys the policy: no inline script (JSON data blocks are not executed),
        # no style attribute or element, no asset from another origin.
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (name, tag)
        assert not re.search(r"<style\b", html), name
        assert not re.search(r"\sstyle=", html), name
        assert not re.search(r"""(?:src|href)=["']https?://""", html), name
        assert not re.search(r"\son[a-z]+=", html), name


def test_static_assets_are_local(client):
    html = client.get("/").content.decode()
    assert "/static/css/site.css" in html


def test_every_text_like_input_type_in_use_is_styled():
    """A month or datetime-local field (/thong-ke/, extend, postal outcome) looks like the other fields."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [*root.glob("templates/**/*.html"), *root.glob("*/**/forms.py")]
    used = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'type="([a-z-]+)"', text)) | set(re.findall(r'"type": "([a-z-]+)"', text))
    not_text = {"checkbox", "radio", "hidden", "submit", "button", "file", "image", "reset"}
    css = (root / "static/css/site.css").read_text(encoding="utf-8")
    rule = css[css.index("input[type=text]") : css.index("{", css.index("input[type=text]"))]
    assert {"date", "month", "datetime-local"} <= used - not_text
    assert [kind for kind in sorted(used - not_text) if f"input[type={kind}]" not in rule] == []


def test_vietnamese_whatever_the_browser_says(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    client.cookies["lang"] = "en"
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    client.cookies["lang"] = "fr"  # not offered: back to Vietnamese
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_the_home_offers_the_back_office_to_officials_and_visitors_not_to_citizens(client):
    from tests.factories import UserFactory

    back_office = f'href="{reverse("onestop:home")}"'
    assert back_office in client.get("/").content.decode()  # a visitor may be an official about to sign in
    client.force_login(UserFactory())
    assert back_office not in client.get("/").content.decode()  # a citizen would only meet a 403 there
    client.force_login(StaffRoleFactory(role=Role.RECEPTIONIST).user)
    assert back_office in client.get("/").content.decode()
