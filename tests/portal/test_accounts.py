"""Citizen accounts: sign-up with e-mail confirmation, login, logout, password reset, profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _link_in_last_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^\s]+", body)
    assert match, body
    return match.group(0).split("testserver", 1)[-1]


def test_signup_sends_confirmation_then_login_works(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "dan.moi@example.vn", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="dan.moi@example.vn")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dan.moi@example.vn"]
    # Mandatory verification: not logged in until the link is followed.
    assert client.get(reverse("portal:profile")).status_code == 302

    confirm_url = _link_in_last_mail()
    client.get(confirm_url)
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("portal:profile")).status_code == 200


def test_signup_rejects_mismatched_passwords_in_vietnamese(client):
    response = client.post(
        reverse("account_signup"), {"email": "a@example.vn", "password1": PASSWORD, "password2": "khac-nhau-2026"}
    )
    assert response.status_code == 200
    assert "Mật khẩu nhập lại không khớp." in response.content.decode()
    assert not User.objects.filter(email="a@example.vn").exists()


def test_login_and_logout(client, citizen):
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:after_login")
    assert client.get(response["Location"])["Location"] == reverse("portal:profile")
    assert client.get(reverse("portal:profile")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("portal:profile")).status_code == 302


def test_login_with_wrong_password_is_refused_in_vietnamese(client, citizen):
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "email và/hoặc mật khẩu" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, citizen):
    response = client.post(reverse("account_reset_password"), {"email": citizen.email})
    assert response.status_code == 302
    assert mail.outbox[-1].to == [citizen.email]
    reset_url = _link_in_last_mail()
    response = client.get(reset_url)  # allauth moves the key into the session and redirects
    form_url = response["Location"]
    new_password = "Mat-khau-moi-2026!"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new_password)
    assert client.post(reverse("account_login"), {"login": citizen.email, "password": new_password}).status_code == 302


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "khongco@example.vn"})
    assert response.status_code == 302  # same answer as for a known address (no enumeration)


@pytest.fixture
def logged_in(client, citizen):
    client.force_login(citizen)
    return client


VALID = {
    "full_name": "Nguyễn Văn An",
    "cccd": "074090001234",
    "date_of_birth": "1990-05-12",
    "phone": "0912 345 678",
    "address": "Số 12 đường Yersin, phường Thủ Dầu Một",
}


def test_profile_saves_and_normalises(logged_in, citizen):
    response = logged_in.post(reverse("portal:profile"), VALID)
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.cccd == "074090001234"
    assert citizen.phone == "0912345678"
    assert str(citizen.date_of_birth) == "1990-05-12"


def test_profile_accepts_international_phone_format(logged_in, citizen):
    logged_in.post(reverse("portal:profile"), {**VALID, "phone": "+84 912 345 678"})
    citizen.refresh_from_db()
    assert citizen.phone == "0912345678"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cccd", "07409000123", "phải có đúng 12 chữ số"),
        ("cccd", "07409000123A", "phải có đúng 12 chữ số"),
        ("cccd", "003090001234", "không phải mã tỉnh hợp lệ"),
        ("cccd", "074195001234", "không khớp với ngày sinh"),
        ("phone", "0212345678", "số điện thoại di động Việt Nam"),
        ("phone", "091234567", "số điện thoại di động Việt Nam"),
        ("full_name", "", "Trường này là bắt buộc."),
    ],
)
def test_profile_rejects_bad_input_with_vietnamese_message(logged_in, citizen, field, value, message):
    response = logged_in.post(reverse("portal:profile"), {**VALID, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Vui lòng sửa các mục sau" in html
    # Everything else the citizen typed is kept in the form.
    assert "Số 12 đường Yersin" in html
    citizen.refresh_from_db()
    assert citizen.cccd is None


def test_profile_never_tells_whether_a_cccd_belongs_to_another_account(logged_in):
    """Security review, attack 3: the form answered "already linked to another account". A declared
    number is only declared (it binds nothing until proven), so the answer is the same either way."""
    from django.utils import timezone

    UserFactory(cccd="074090001234", cccd_verified_at=timezone.now(), cccd_verified_by="vneid")
    response = logged_in.post(reverse("portal:profile"), VALID)
    assert response.status_code == 302
    response = logged_in.post(reverse("portal:profile"), {**VALID, "cccd": "074090009999"})
    assert response.status_code == 302


def test_a_proven_cccd_cannot_be_changed_in_the_profile(logged_in):
    from django.utils import timezone

    from portal.models import User

    user = User.objects.get(pk=logged_in.session["_auth_user_id"])
    logged_in.post(reverse("portal:profile"), VALID)
    User.objects.filter(pk=user.pk).update(cccd_verified_at=timezone.now(), cccd_verified_by="vneid")
    logged_in.post(reverse("portal:profile"), {**VALID, "cccd": "074090009999"})
    user.refresh_from_db()
    assert user.cccd == VALID["cccd"]


def test_profile_requires_login(client):
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
