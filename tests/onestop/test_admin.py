"""/admin/ in Vietnamese; an agency admin manages only their own agencies and staff."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from onestop.models import StaffRole
from portal.demo import agencies as demo
from procedures.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--without-dossiers")


def _login(client, email):
    from portal.models import User

    client.force_login(User.objects.get(email=email))


def test_admin_is_vietnamese(client, demo_data):
    _login(client, "admin@demo.vn")
    html = client.get(reverse("admin:index")).content.decode()
    assert "Cổng Dịch vụ công — Quản trị hệ thống" in html
    assert "Cơ quan, đơn vị" in html or "cơ quan, đơn vị" in html


def test_superuser_sees_every_agency(client, demo_data):
    _login(client, "admin@demo.vn")
    html = client.get(reverse("admin:procedures_agency_changelist")).content.decode()
    assert "Sở Xây dựng" in html and "Sở Tư pháp" in html


def test_agency_admin_sees_only_their_subtree(client, demo_data):
    _login(client, "quantri@demo.vn")
    html = client.get(reverse("admin:procedures_agency_changelist")).content.decode()
    assert "Sở Tư pháp" in html and "Phòng Hành chính tư pháp" in html
    assert "Sở Xây dựng" not in html
    other = Agency.objects.get(code=demo.SO_XAY_DUNG)
    assert client.get(reverse("admin:procedures_agency_change", args=[other.pk])).status_code == 302
    roles = client.get(reverse("admin:onestop_staffrole_changelist")).content.decode()
    assert "Phạm Minh Đức" in roles  # specialist in Phòng Hành chính tư pháp
    foreign_role = StaffRole.objects.get(agency__code=demo.CENTRE, user__email="buudien@demo.vn")
    assert client.get(reverse("admin:onestop_staffrole_change", args=[foreign_role.pk])).status_code == 302


def test_agency_admin_cannot_create_a_role_outside_their_scope(client, demo_data):
    from portal.models import User

    _login(client, "quantri@demo.vn")
    outsider = Agency.objects.get(code=demo.SO_XAY_DUNG)
    user = User.objects.get(email="congdan2@demo.vn")
    response = client.post(
        reverse("admin:onestop_staffrole_add"),
        {"user": user.pk, "agency": outsider.pk, "role": "specialist", "active": "on"},
    )
    assert response.status_code == 200  # the form is shown again with an error
    assert not StaffRole.objects.filter(user=user).exists()


def test_citizen_cannot_open_the_admin(client, demo_data):
    _login(client, "congdan@demo.vn")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_agency_admin_sets_the_postage_of_their_agencies_only(client, demo_data):
    """PostageRule is scoped like the other agency-admin models; a unit without a rule inherits it."""
    from onestop.fees import postage_quote
    from onestop.models import PostageRule

    _login(client, "quantri@demo.vn")
    own, unit, centre = (Agency.objects.get(code=c) for c in (demo.SO_TU_PHAP, demo.P_HCTP, demo.CENTRE))
    listing = client.get(reverse("admin:onestop_postagerule_changelist"))
    assert listing.status_code == 200 and "Trung tâm Phục vụ" not in listing.content.decode()
    centre_rule = PostageRule.objects.get(agency=centre)
    assert client.get(reverse("admin:onestop_postagerule_change", args=[centre_rule.pk])).status_code == 302
    form = {"mode": "flat", "flat_amount": 18000, "same_ward_amount": 0, "same_province_amount": 0,
            "elsewhere_amount": 0}  # fmt: skip
    refused = client.post(reverse("admin:onestop_postagerule_add"), {**form, "agency": centre.pk})
    assert refused.status_code == 200 and PostageRule.objects.filter(agency=centre).get().pk == centre_rule.pk
    added = client.post(reverse("admin:onestop_postagerule_add"), {**form, "agency": own.pk})
    assert added.status_code == 302, added.content.decode()[-2000:]
    assert postage_quote(unit) == {"amount": 18000, "zone": "flat"}  # the unit inherits its department's
