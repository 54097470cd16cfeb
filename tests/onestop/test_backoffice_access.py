"""/mot-cua/: staff only; staff must enrol TOTP first when REQUIRE_STAFF_MFA is on."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from onestop.models import Role
from tests.factories import PASSWORD, AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db
HOME = "/mot-cua/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={HOME}"


def test_citizen_is_refused(client, citizen):
    client.force_login(citizen)
    assert client.get(HOME).status_code == 403


def test_staff_with_an_inactive_role_is_refused(client):
    role = StaffRoleFactory(active=False)
    client.force_login(role.user)
    assert client.get(HOME).status_code == 403


def test_staff_home_lists_agencies_and_roles(client):
    user = UserFactory()
    centre = AgencyFactory(name="Trung tâm Phục vụ hành chính công Thành phố", code="000.00.01.H12")
    department = AgencyFactory(name="Phòng Hành chính tư pháp", code="000.01.14.H12")
    StaffRoleFactory(user=user, agency=centre, role=Role.RECEPTIONIST)
    StaffRoleFactory(user=user, agency=department, role=Role.SPECIALIST)
    StaffRoleFactory(user=user, agency=department, role=Role.APPROVER)
    AgencyFactory(name="Sở không liên quan")
    client.force_login(user)
    html = client.get(HOME).content.decode()
    assert "Trung tâm Phục vụ hành chính công Thành phố" in html
    assert "000.01.14.H12" in html
    assert "Cán bộ tiếp nhận (Bộ phận Một cửa)" in html
    assert "Lãnh đạo phòng (phê duyệt), Chuyên viên xử lý" in html
    assert "Sở không liên quan" not in html


def test_staff_login_lands_on_back_office(client, receptionist):
    response = client.post(reverse("account_login"), {"login": receptionist.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == HOME


def test_mfa_required_sends_staff_to_totp_enrolment(client, receptionist, settings):
    settings.REQUIRE_STAFF_MFA = True
    client.post(reverse("account_login"), {"login": receptionist.email, "password": PASSWORD})
    for path in (HOME, "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # The enrolment page itself is reachable (allauth asks for the password once more first).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "Kích hoạt ứng dụng xác thực" in response.content.decode()


def test_mfa_required_lets_enrolled_staff_in(client, receptionist, settings):
    settings.REQUIRE_STAFF_MFA = True
    TOTP.activate(receptionist, generate_totp_secret())
    client.force_login(receptionist)
    assert client.get(HOME).status_code == 200


def test_mfa_required_does_not_touch_citizens(client, citizen, settings):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(citizen)
    assert client.get(reverse("portal:profile")).status_code == 200
    assert client.get(HOME).status_code == 403


def test_mfa_off_lets_staff_in_without_enrolment(client, receptionist, settings):
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(receptionist)
    assert client.get(HOME).status_code == 200


def test_enrolled_staff_must_give_the_code_at_login(client, receptionist, settings):
    settings.REQUIRE_STAFF_MFA = True
    TOTP.activate(receptionist, generate_totp_secret())
    response = client.post(reverse("account_login"), {"login": receptionist.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(HOME).status_code == 302  # not logged in until the code is given
