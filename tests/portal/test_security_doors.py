"""Every door has the same lock (STYLE §20): the admin, the API and file downloads authenticate and
authorise as the main pages do. Each test replays an attack of the security review and shows it fails."""

from __future__ import annotations

import base64

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.urls import reverse

from onestop import workflow
from onestop.models import Role, StaffRole
from portal.models import User
from tests.factories import PASSWORD, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _superuser() -> User:
    user = UserFactory(email="admin@example.vn", is_staff=True, is_superuser=True)
    return user


def test_admin_login_is_the_sites_login_with_totp(client, settings):
    """Attack 1: POST /admin/login/ with the password alone used to open /admin/ past TOTP."""
    settings.REQUIRE_STAFF_MFA = True
    admin = _superuser()
    TOTP.activate(admin, generate_totp_secret())
    response = client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get("/admin/").status_code == 302  # still not logged in
    # The site's login asks for the code before anything opens.
    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302


def test_admin_login_page_sends_to_the_sites_login(client):
    response = client.get("/admin/login/?next=/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/portal/user/"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"


def test_the_admin_shares_the_login_rate_limit(client):
    """Attack 1b: twelve wrong passwords then the right one used to get in through /admin/login/."""
    staff = StaffRoleFactory(role=Role.AGENCY_ADMIN, user__is_staff=True).user
    for _ in range(12):
        client.post(reverse("account_login"), {"login": staff.email, "password": "sai-mat-khau"})
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 200  # refused: too many attempts
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "header",
    [
        "Basic " + base64.b64encode(b"congdan@example.vn:" + PASSWORD.encode()).decode(),
        "Basic YQBiOng=",  # a NUL in the user name used to answer 500
    ],
)
def test_the_api_takes_no_password(client, header):
    """Attack 2: HTTP Basic on /api/v1/ bypassed lockout and TOTP."""
    UserFactory(email="congdan@example.vn")
    response = client.get("/api/v1/me/dossiers/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response or "Basic" not in response["WWW-Authenticate"]


def test_the_api_works_with_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/api/v1/me/dossiers/").status_code == 200


def test_staff_without_totp_reach_no_citizen_data_anywhere(client, office, settings):
    """Attack 7: the MFA rule was a URL prefix; an officer without TOTP downloaded documents."""
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    document = dossier.documents.first()
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(office.receptionist)
    for url in (
        reverse("portal:dossier_document", args=[dossier.public_id, document.pk]),
        reverse("onestop:dossier", args=[dossier.pk]),
        reverse("onestop:form_pdf", args=[dossier.pk, "01"]),
        "/admin/",
        reverse("portal:home"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url
    assert client.get("/api/v1/me/dossiers/").status_code == 403
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)  # enrolment stays open
    TOTP.activate(office.receptionist, generate_totp_secret())
    assert client.get(reverse("portal:dossier_document", args=[dossier.public_id, document.pk])).status_code == 200


def test_staff_cannot_read_documents_of_a_draft(client, office):
    """Attack 8: staff opened the files of an unsubmitted draft."""
    from portal.demo.dossiers import demo_dossier

    draft = demo_dossier(procedure=office.procedure, applicant=office.citizen, submit=False)
    document = draft.documents.first()
    client.force_login(office.receptionist)
    assert client.get(reverse("portal:dossier_document", args=[draft.public_id, document.pk])).status_code == 404


def _admin_client(client, agency_admin):
    from django.contrib.auth.models import Permission

    agency_admin.is_staff = True
    agency_admin.save()
    codes = ["add_staffrole", "view_staffrole", "change_staffrole", "view_user"]
    agency_admin.user_permissions.add(*Permission.objects.filter(codename__in=codes))
    client.force_login(agency_admin)
    return client


def test_an_agency_admin_cannot_give_a_role_to_a_citizen_or_the_superuser(client, office):
    """Attack 4: the agency admin gave roles to any account, then read that citizen's data."""
    agency_admin = StaffRoleFactory(agency=office.agency, role=Role.AGENCY_ADMIN).user
    _admin_client(client, agency_admin)
    superuser = _superuser()
    for victim in (office.citizen, superuser):
        response = client.post(
            "/admin/onestop/staffrole/add/",
            {"user": victim.pk, "agency": office.agency.pk, "role": Role.RECEPTIONIST, "active": "on"},
        )
        assert response.status_code == 200  # the form refuses the choice
        assert not StaffRole.objects.filter(user=victim).exists()
    assert client.get(f"/admin/portal/user/{office.citizen.pk}/change/").status_code in (302, 404)
    # A colleague of the agency can be given another role, and their page shows no identity data.
    response = client.post(
        "/admin/onestop/staffrole/add/",
        {"user": office.specialist.pk, "agency": office.agency.pk, "role": Role.APPROVER, "active": "on"},
    )
    assert response.status_code == 302
    page = client.get(f"/admin/portal/user/{office.specialist.pk}/change/").content.decode()
    assert office.specialist.email in page and 'name="cccd"' not in page and 'name="is_superuser"' not in page


def test_a_squatted_cccd_does_not_receive_the_persons_counter_dossier(client, office):
    """Attack 3: a new account set the victim's CCCD; the counter then filed the victim's paper
    dossier, scans and result into the squatter's account."""
    from tests.portal.submission_helpers import pdf_upload

    squatter = UserFactory(email="ke-mao-danh@example.vn", cccd="074090005678")
    client.force_login(office.receptionist)
    response = client.post(
        reverse("onestop:counter"),
        {
            "agency": office.agency.pk,
            "channel": 1,
            "procedure": "1.001193",
            "cccd": "074090005678",
            "full_name": "Người Thật",
            "phone": "0912000111",
            "address": "Thủ Dầu Một",
            "documents": ["GT01"],
            "scan-GT01": pdf_upload("to-khai.pdf"),
            "delivery_method": "counter",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    from onestop.models import Dossier

    dossier = Dossier.objects.get(applicant_name="Người Thật")
    assert dossier.applicant != squatter
    assert dossier.applicant.cccd_proven and dossier.applicant.cccd_verified_by == "counter"
    assert not squatter.stored_files.exists()
    # The counter's look-up does not show the squatter's name, phone or address either.
    html = client.get(
        reverse("onestop:counter"),
        {"agency": office.agency.pk, "channel": 1, "procedure": "1.001193", "cccd": "074090005678"},
    ).content.decode()
    assert "ke-mao-danh" not in html and squatter.full_name not in html


def test_a_dossier_code_locks_after_five_wrong_verifiers_from_any_address(client, office):
    """Attack 5: the 4-digit verifier fell in 63 tries spread over 7 source addresses."""
    dossier = office.submitted()
    url = reverse("portal:track")
    for n in range(5):  # five different clients, one wrong guess each
        response = client.post(url, {"code": dossier.code, "verifier": f"{n:04d}"}, REMOTE_ADDR=f"127.0.0.{n + 10}")
        assert response.status_code == 200 and "Không tìm thấy" in response.content.decode()
    # Now even the right verifier, from a fresh address, gets the same "not found" for a while…
    right = dossier.applicant_id_number[-4:]
    response = client.post(url, {"code": dossier.code, "verifier": right}, REMOTE_ADDR="127.0.0.99")
    assert "Không tìm thấy" in response.content.decode() and dossier.procedure.name not in response.content.decode()
    api = client.get("/api/v1/dossiers/track/", {"code": dossier.code, "verifier": right}, REMOTE_ADDR="127.0.0.98")
    assert api.status_code == 404
    # …and the owner is told, once (the message is queued for the e-mail worker).
    from onestop.models import Notification

    told = Notification.objects.filter(kind="tracking.locked")
    assert {(n.recipient, n.channel) for n in told} == {(office.citizen, "email"), (office.citizen, "sms")}
    assert all("tạm khóa" in n.subject for n in told)
    # Another dossier's code is not affected.
    other = office.submitted()
    response = client.post(url, {"code": other.code, "verifier": right}, REMOTE_ADDR="127.0.0.97")
    assert other.procedure.name in response.content.decode()


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(client):
    """Finding 10: five wrong passwords locked the account for everyone, the owner included."""
    owner = UserFactory(email="chu-tai-khoan@example.vn")
    login = reverse("account_login")
    for _ in range(6):
        client.post(login, {"login": owner.email, "password": "sai"}, REMOTE_ADDR="127.0.0.66")
    response = client.post(login, {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR="127.0.0.66")
    assert response.status_code == 200  # the attacker's address is refused, even with the password
    response = client.post(login, {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR="127.0.0.77")
    assert response.status_code == 302  # the owner, from their own address, gets in


def test_each_wrong_password_makes_the_next_attempt_wait_longer(client):
    owner = UserFactory(email="cham-dan@example.vn")
    login = reverse("account_login")
    for _ in range(3):
        client.post(login, {"login": owner.email, "password": "sai"}, REMOTE_ADDR="127.0.0.55")
    response = client.post(login, {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR="127.0.0.55")
    assert response.status_code == 200 and "giây" in response.content.decode()  # wait N seconds
    cache.clear()  # the delay has passed
    response = client.post(login, {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR="127.0.0.55")
    assert response.status_code == 302


def test_the_owner_can_always_sign_in_with_a_code_sent_by_email(client):
    response = client.get(reverse("account_login"))
    assert reverse("account_request_login_code") in response.content.decode()


def test_personal_answers_are_not_stored_by_caches(client, office):
    dossier = office.submitted()
    client.force_login(office.citizen)
    for url in (
        reverse("portal:profile"),
        reverse("portal:confirmation_pdf", args=[dossier.public_id]),
        "/api/v1/me/dossiers/",
        reverse("portal:dossier", args=[dossier.public_id]),
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_the_schema_documents_nullable_parents_and_error_answers(client):
    schema = client.get("/api/schema/?format=json").json()
    parent = schema["components"]["schemas"]["Agency"]["properties"]["parent"]
    assert parent.get("nullable") is True
    operation = schema["paths"]["/api/v1/procedures/{code}/"]["get"]
    assert {"403", "404"} <= set(operation["responses"])


def test_a_forbidden_officer_is_told_who_may_act_before_any_rule(office):
    """Finding 11: a specialist's forbidden "extend" reported the deadline rule before the permission."""
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    from onestop.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(extensions=1)  # the rule would refuse it too
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.dossier_extend(dossier=dossier, actor=office.specialist, reason="Chậm", new_due_at=dossier.due_at)
    assert "không có quyền" in str(refused.value) and "gia hạn một lần" not in str(refused.value)


def test_the_postal_clerk_looks_nobody_up_by_cccd(client, office):
    """Finding 10: the postal clerk could look a CCCD up to get a name, phone and address."""
    from django.utils import timezone

    User.objects.filter(pk=office.citizen.pk).update(cccd_verified_at=timezone.now(), cccd_verified_by="vneid")
    client.force_login(office.postal_clerk)
    params = {"agency": office.agency.pk, "channel": 3, "procedure": "1.001193", "cccd": office.citizen.cccd}
    html = client.get(reverse("onestop:counter"), params).content.decode()
    assert 'name="full_name"' in html  # the form to fill from the parcel's papers…
    assert office.citizen.full_name not in html and 'value="Thủ Dầu Một"' not in html  # …not from the account
    client.force_login(office.receptionist)
    html = client.get(reverse("onestop:counter"), {**params, "channel": 1}).content.decode()
    assert office.citizen.full_name in html  # the desk, checking the card in front of it, does
