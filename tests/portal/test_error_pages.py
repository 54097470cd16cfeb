"""Branded Vietnamese 403/404/500 pages (DEBUG is false in the tests) and the favicon."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _is_branded(html: str) -> None:
    assert '<html lang="vi">' in html
    assert "Cổng Dịch vụ công" in html  # the site's header and title
    assert 'href="/"' in html and "Về trang chủ" in html


def test_404_is_vietnamese_with_a_way_home(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    _is_branded(html)
    assert "Không tìm thấy trang" in html and "Not Found" not in html


def test_404_follows_the_chosen_language(client):
    client.cookies["lang"] = "en"
    html = client.get("/khong-co-trang-nay/").content.decode()
    assert "Page not found" in html and "Back to the home page" in html


def test_a_citizen_opening_the_back_office_gets_a_vietnamese_403(client):
    client.force_login(UserFactory())
    response = client.get("/mot-cua/")
    assert response.status_code == 403
    html = response.content.decode()
    _is_branded(html)
    assert "Bạn không có quyền truy cập trang này" in html
    assert "Hệ thống Một cửa điện tử chỉ dành cho cán bộ" in html
    assert "403 Forbidden" not in html and "<h1>403" not in html


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.portal.urls_boom"
    return Client(raise_request_exception=False)


def test_500_is_vietnamese_with_the_reference(failing):
    response = failing.get("/loi-thu/", HTTP_X_REQUEST_ID="ref-500-1")
    assert response.status_code == 500
    html = response.content.decode()
    _is_branded(html)
    assert "Xin lỗi, hệ thống đang gặp sự cố" in html
    assert "Mã tham chiếu: ref-500-1" in html
    assert response["X-Request-ID"] == "ref-500-1"


def test_500_page_still_answers_when_the_site_template_cannot_render(failing, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("portal.views.render", broken)
    response = failing.get("/loi-thu/", HTTP_X_REQUEST_ID="ref-500-2")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Xin lỗi, hệ thống đang gặp sự cố" in html and 'href="/"' in html and "ref-500-2" in html


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    home = client.get("/").content.decode()
    assert "img/favicon.ico" in home and "img/favicon.svg" in home
