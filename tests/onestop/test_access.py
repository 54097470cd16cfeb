"""The one access policy (onestop/access.py): every URL that shows a dossier, tried with the wrong user;
least access for the postal clerk; leaders read their subtree; staff reads are logged for /admin/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop import workflow
from onestop.access import View, access_scope, access_scopes, dossiers_visible
from onestop.models import AccessKind, Dossier, DossierAccessLog, Role
from procedures.models import Agency
from tests.factories import StaffRoleFactory, UserFactory
from tests.onestop.conftest import result_pdf

pytestmark = pytest.mark.django_db


def _received(office, **changes) -> Dossier:
    dossier = office.submitted()
    if changes:
        Dossier.objects.filter(pk=dossier.pk).update(**changes)
    return workflow.dossier_receive(dossier=dossier, actor=office.receptionist)


def _urls(dossier: Dossier) -> dict[str, tuple[str, str]]:
    """Every page, file and form of one dossier: name → (method, url)."""
    document = dossier.documents.first()
    return {
        "staff page": ("get", reverse("onestop:dossier", args=[dossier.pk])),
        "staff page by uuid": ("get", reverse("onestop:dossier", kwargs={"public_id": dossier.public_id})),
        "staff action": ("post", reverse("onestop:dossier_action", args=[dossier.pk, "forward"])),
        "staff form 01": ("get", reverse("onestop:form_pdf", args=[dossier.pk, "01"])),
        "staff form 06": ("get", reverse("onestop:form_pdf", args=[dossier.pk, "06"])),
        "document": ("get", reverse("portal:dossier_document", args=[dossier.public_id, document.pk])),
        "citizen page": ("get", reverse("portal:dossier", args=[dossier.public_id])),
        "citizen confirmation": ("get", reverse("portal:confirmation_pdf", args=[dossier.public_id])),
        "citizen form 01": ("get", reverse("portal:dossier_form", args=[dossier.public_id, "01"])),
        "citizen withdraw": ("post", reverse("portal:withdraw", args=[dossier.public_id])),
    }


def _status(client, method: str, url: str) -> int:
    return getattr(client, method)(url, {"confirm": "on", "expected_version": 0, "reason": "x"}).status_code


@pytest.mark.parametrize("who", ["other_citizen", "outsider", "postal_clerk", "agency_admin", "inactive"])
def test_the_wrong_user_gets_404_on_every_dossier_url(client, office, who):
    dossier = _received(office)
    users = {
        "other_citizen": UserFactory(),
        "outsider": office.outsider,  # a receptionist of another commune
        "postal_clerk": office.postal_clerk,  # the result goes online: not travelling by post
        "agency_admin": StaffRoleFactory(agency=office.agency, role=Role.AGENCY_ADMIN).user,
        "inactive": StaffRoleFactory(agency=office.agency, role=Role.SPECIALIST, active=False).user,
    }
    client.force_login(users[who])
    for name, (method, url) in _urls(dossier).items():
        status = _status(client, method, url)
        # The back office's door answers 403 to someone who holds no role at all (a citizen).
        assert status in (404, 403) if name.startswith("staff") else status == 404, (name, status)
        if name.startswith("staff") and who not in ("other_citizen", "inactive"):
            assert status == 404, (name, status)
    assert dossier.events.count() == 2  # nothing happened
    assert not DossierAccessLog.objects.exists()


def test_anonymous_is_sent_to_login_everywhere(client, office):
    dossier = _received(office)
    for name, (method, url) in _urls(dossier).items():
        assert _status(client, method, url) in (302, 405), name


def test_the_owner_and_the_desk_see_the_dossier_and_only_staff_reads_are_logged(client, office):
    dossier = _received(office)
    client.force_login(office.citizen)
    document = dossier.documents.first()
    assert client.get(reverse("portal:dossier", args=[dossier.public_id])).status_code == 200
    assert client.get(reverse("portal:dossier_document", args=[dossier.public_id, document.pk])).status_code == 200
    assert not DossierAccessLog.objects.exists()  # the applicant's own reads are not staff reads
    client.force_login(office.receptionist)
    assert client.get(reverse("onestop:dossier", args=[dossier.pk])).status_code == 200
    assert client.get(reverse("portal:dossier_document", args=[dossier.public_id, document.pk])).status_code == 200
    assert client.get(reverse("onestop:form_pdf", args=[dossier.pk, "01"])).status_code == 200
    log = list(DossierAccessLog.objects.order_by("pk").values_list("user_id", "dossier_id", "kind", "document_id"))
    assert log == [
        (office.receptionist.pk, dossier.pk, AccessKind.PAGE, None),
        (office.receptionist.pk, dossier.pk, AccessKind.FILE, document.pk),
        (office.receptionist.pk, dossier.pk, AccessKind.FORM, None),
    ]


def test_drafts_are_never_seen_by_staff(client, office):
    draft = workflow.dossier_draft_create(procedure=office.procedure, applicant=office.citizen)
    client.force_login(office.receptionist)
    assert client.get(reverse("onestop:dossier", kwargs={"public_id": draft.public_id})).status_code == 404
    assert access_scope(office.receptionist).view_of(draft) == View.NONE


def test_the_postal_clerk_sees_postal_dossiers_and_only_what_delivery_needs(client, office):
    online = _received(office)
    by_post = _received(
        office, delivery_method="post", delivery_address="Số 5 Nguyễn An Ninh", delivery_phone="0987654321"
    )
    client.force_login(office.postal_clerk)
    assert client.get(reverse("onestop:dossier", args=[online.pk])).status_code == 404
    html = client.get(reverse("onestop:dossier", args=[by_post.pk])).content.decode()
    assert "Số 5 Nguyễn An Ninh" in html and "0987654321" in html and by_post.code in html
    assert by_post.applicant_id_number not in html  # no ID number, form, documents or history
    assert reverse("portal:dossier_document", args=[by_post.public_id, by_post.documents.first().pk]) not in html
    document = by_post.documents.first()
    assert client.get(reverse("portal:dossier_document", args=[by_post.public_id, document.pk])).status_code == 404
    assert client.get(reverse("onestop:form_pdf", args=[by_post.pk, "01"])).status_code == 404
    assert list(DossierAccessLog.objects.values_list("kind", "dossier_id")) == [(AccessKind.PAGE, by_post.pk)]


def test_a_leader_reads_the_dossiers_of_their_subtree_and_acts_on_none(client, office):
    dossier = _received(office)
    province = Agency.objects.create(code="000.00.00.G01", name="UBND Thành phố thử")
    Agency.objects.filter(pk=office.agency.pk).update(parent=province)
    leader = StaffRoleFactory(agency=province, role=Role.LEADER).user
    client.force_login(leader)
    html = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert dossier.code in html and "thao-tac" not in html
    assert workflow.allowed_actions(dossier=dossier, user=leader) == []
    elsewhere = StaffRoleFactory(agency=Agency.objects.create(code="000.00.02.G01", name="Khác"), role=Role.LEADER)
    client.force_login(elsewhere.user)
    assert client.get(reverse("onestop:dossier", args=[dossier.pk])).status_code == 404


def test_roles_in_an_inactive_agency_count_for_nothing(office):
    dossier = _received(office)
    Agency.objects.filter(pk=office.agency.pk).update(active=False)
    assert access_scope(office.receptionist, fresh=True).view_of(dossier) == View.NONE
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_forward(dossier=dossier, actor=office.receptionist)


def test_the_filter_and_the_check_agree(office):
    """`visible()` (lists) and `view_of` (one dossier) are the same rule, on every dossier and user."""
    made = [
        _received(office),
        _received(office, delivery_method="post"),
        office.submitted(),
        workflow.dossier_draft_create(procedure=office.procedure, applicant=office.citizen),
    ]
    workflow.dossier_forward(dossier=made[0], actor=office.receptionist)
    users = [
        office.receptionist,
        office.specialist,
        office.approver,
        office.postal_clerk,
        office.outsider,
        office.citizen,
    ]
    for user in users:
        listed = set(dossiers_visible(user=user).values_list("pk", flat=True))
        scope = access_scope(user, fresh=True)
        checked = {d.pk for d in Dossier.objects.all() if View.POSTAL <= scope.view_of(d) < View.OWNER}
        assert listed == checked, user


def test_the_scopes_of_many_users_at_once_are_the_scopes_of_each(office, django_assert_num_queries):
    """`access_scopes` (a notification fan-out) builds the same scopes as `access_scope`, user by user,
    in one query for every user's roles and one for the agency tree (a leader among them)."""
    dossiers = [_received(office), _received(office, delivery_method="post"), office.submitted()]
    province = Agency.objects.create(code="000.00.00.G01", name="UBND Thành phố thử")
    Agency.objects.filter(pk=office.agency.pk).update(parent=province)
    leader = StaffRoleFactory(agency=province, role=Role.LEADER).user
    elsewhere = StaffRoleFactory(agency=Agency.objects.create(code="000.00.02.G01", name="Khác"), role=Role.LEADER)
    ended = StaffRoleFactory(agency=office.agency, role=Role.SPECIALIST, active=False).user
    both = StaffRoleFactory(agency=office.agency, role=Role.APPROVER).user
    StaffRoleFactory(user=both, agency=province, role=Role.LEADER)
    users = [office.receptionist, office.specialist, office.approver, office.postal_clerk, office.outsider,
             office.citizen, leader, elsewhere.user, ended, both]  # fmt: skip
    for user in users:
        user.__dict__.pop("_access_scope", None)
    with django_assert_num_queries(2):
        scopes = access_scopes(users)
    assert set(scopes) == {user.pk for user in users}
    # Remembered on the user objects: later checks (a message's link) cost nothing.
    assert all(user._access_scope is scopes[user.pk] for user in users)
    for user in users:
        one = access_scope(user, fresh=True)
        bulk = scopes[user.pk]
        assert (bulk.roles, bulk.led, bulk.not_led, set(bulk.agencies)) == (
            one.roles, one.led, one.not_led, set(one.agencies)
        ), user  # fmt: skip
        assert [bulk.view_of(d) for d in dossiers] == [one.view_of(d) for d in dossiers], user
    # The caller may pass the agency tree it has read already.
    tree = dict(Agency.objects.values_list("pk", "parent_id"))
    with django_assert_num_queries(1):
        assert access_scopes([leader], parents=tree)[leader.pk].led == access_scope(leader).led


@pytest.mark.parametrize("mfa", [True, False])
def test_the_roles_read_for_every_staff_page_are_the_orms(office, settings, mfa, django_assert_num_queries):
    """access_scope reads a user's roles by one fixed statement (prepared on PostgreSQL, issue #17):
    the same StaffRole and Agency objects as the ORM's query, live (a role ended or an agency closed
    counts at once), with whether the user holds TOTP where staff MFA is required."""
    from allauth.mfa.models import Authenticator
    from django.db import connection
    from django.forms.models import model_to_dict

    from onestop.access import _active_roles, _staff_roles, _with_totp

    settings.REQUIRE_STAFF_MFA = mfa
    Authenticator.objects.create(user=office.receptionist, type=Authenticator.Type.TOTP, data={"secret": "x"})
    two = StaffRoleFactory(agency=office.outsider.staff_roles.first().agency, role=Role.APPROVER).user
    StaffRoleFactory(user=two, agency=office.agency, role=Role.SPECIALIST)
    StaffRoleFactory(user=two, agency=office.agency, role=Role.LEADER, active=False)

    def orm(user):
        return sorted(_with_totp(_active_roles().filter(user=user)), key=lambda r: r.pk)

    def facts(role):
        return (model_to_dict(role), {f.attname: getattr(role.agency, f.attname) for f in Agency._meta.concrete_fields},
                getattr(role, "has_totp", None), role._state.adding, role.agency._state.adding)  # fmt: skip

    _staff_roles(office.citizen)  # PostgreSQL: prepares the statement on this session (once)
    for user in (office.receptionist, office.specialist, two, office.citizen):
        with django_assert_num_queries(1) as captured:
            read = sorted(_staff_roles(user), key=lambda r: r.pk)
        assert [facts(r) for r in read] == [facts(r) for r in orm(user)], user
        if connection.vendor == "postgresql":  # the fixed statement, prepared once per session
            assert captured.captured_queries[0]["sql"].startswith("EXECUTE dvc_"), captured
    assert {r.role for r in _staff_roles(two)} == {Role.APPROVER, Role.SPECIALIST}
    if mfa:
        assert [r.has_totp for r in _staff_roles(office.receptionist)] == [True]
        assert {r.has_totp for r in _staff_roles(two)} == {False}
    # Live: the next read sees a role ended and an agency closed.
    two.staff_roles.filter(role=Role.APPROVER).update(active=False)
    Agency.objects.filter(pk=office.agency.pk).update(active=False)
    assert _staff_roles(two) == [] and access_scope(two, fresh=True).roles == {}


def test_agency_admins_review_the_staff_reads_of_their_agencies(client, office):
    dossier = _received(office)
    client.force_login(office.receptionist)
    client.get(reverse("onestop:dossier", args=[dossier.pk]))
    admin = StaffRoleFactory(agency=office.agency, role=Role.AGENCY_ADMIN).user
    other_admin = StaffRoleFactory(agency=office.outsider.staff_roles.first().agency, role=Role.AGENCY_ADMIN).user
    from django.contrib.auth.models import Permission

    for user in (admin, other_admin):
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="view_dossieraccesslog"))
    client.force_login(admin)
    html = client.get("/admin/onestop/dossieraccesslog/").content.decode()
    assert dossier.code in html and office.receptionist.full_name in html
    client.force_login(other_admin)
    html = client.get("/admin/onestop/dossieraccesslog/").content.decode()
    assert dossier.code not in html


def test_a_result_is_a_file_the_owner_and_the_desk_open(client, office):
    dossier = _received(office)
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    result = dossier.documents.get(role="result")
    url = reverse("portal:dossier_document", args=[dossier.public_id, result.pk])
    for user, status in [(office.citizen, 200), (office.receptionist, 200), (office.outsider, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_the_postal_clerk_records_the_delivery_on_the_shipment_not_on_the_dossier(client, office):
    """By post there is one way to return the result: the delivery recorded on the shipment. The
    dossier page offers no one-click return; a posted one goes to the shipment, and nothing changes."""
    dossier = _received(office, delivery_method="post", delivery_address="Số 5 Nguyễn An Ninh",
                        delivery_phone="0987654321")  # fmt: skip
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    dossier = workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    shipment = dossier.shipment
    shipment_url = reverse("onestop:postal_shipment", args=[shipment.pk])
    action = reverse("onestop:dossier_action", args=[dossier.pk, "return_result"])
    client.force_login(office.receptionist)
    opened = {"hanh-dong": "return_result"}  # the page with the return's form unfolded
    html = client.get(reverse("onestop:dossier", args=[dossier.pk]), opened).content.decode()
    assert 'value="post"' not in html and 'value="counter"' in html  # the desk: counter or online only
    assert shipment_url not in html
    client.force_login(office.postal_clerk)
    html = client.get(reverse("onestop:dossier", args=[dossier.pk]), opened).content.decode()
    assert 'value="post"' not in html and "hanh-dong-return_result" not in html
    assert action not in html
    assert shipment_url in html and shipment.item_number in html
    response = client.post(action, {"confirm": "on", "expected_version": dossier.version, "method": "post"})
    assert response.status_code == 302 and response["Location"] == shipment_url
    dossier.refresh_from_db()
    assert dossier.status == "resolved" and not dossier.events.filter(action="return_result").exists()
    client.post(reverse("onestop:postal_scan"), {"item": shipment.item_number})  # handed over to the post
    delivery = {"outcome": "delivered", "delivered_to": "Nguyễn Văn An", "relation": "Bản thân"}
    response = client.post(shipment_url, delivery)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "returned"
    actions = list(dossier.events.order_by("created_at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["shipment_delivered", "return_result"]


def test_the_one_click_return_by_post_is_refused_to_the_wrong_users(client, office):
    dossier = _received(office, delivery_method="post", delivery_address="Số 5 Nguyễn An Ninh",
                        delivery_phone="0987654321")  # fmt: skip
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    dossier = workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    action = reverse("onestop:dossier_action", args=[dossier.pk, "return_result"])
    other_clerk = StaffRoleFactory(agency=office.outsider.staff_roles.get().agency, role=Role.POSTAL_CLERK).user
    for user in (office.outsider, office.citizen, other_clerk):
        client.force_login(user)
        response = client.post(action, {"confirm": "on", "expected_version": dossier.version, "method": "post"})
        assert response.status_code in (403, 404), user
    client.force_login(office.receptionist)
    response = client.post(action, {"confirm": "on", "expected_version": dossier.version, "method": "post"})
    assert response.status_code == 200  # "post" is not a choice of the desk's form
    dossier.refresh_from_db()
    assert dossier.status == "resolved"


def test_a_parcel_registered_by_the_postal_clerk_waits_in_the_desks_inbox(client, office):
    from onestop.access import access_scope as scope_of
    from onestop.backoffice.queues import QUEUES_BY_KEY, queue_dossiers
    from onestop.models import DossierChannel

    dossier = workflow.dossier_register(
        actor=office.postal_clerk, agency=office.agency, procedure=office.procedure,
        applicant={"cccd": "074090007777", "full_name": "Người Gửi Bưu Điện", "phone": "0912000222",
                   "address": "Số 1 Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh"},
        checked_documents=["GT01"], scans=[], delivery_method="post", channel=DossierChannel.POST,
        pickup_address="Số 1 Yersin, Phường Phú Lợi, Thành phố Hồ Chí Minh", collected_at=timezone.now(),
    )  # fmt: skip
    assert dossier.assignee is None and dossier.current_step == 1
    inbox = queue_dossiers(queue=QUEUES_BY_KEY["inbox"], scope=scope_of(office.receptionist))
    assert dossier.pk in set(inbox.values_list("pk", flat=True))
    assert "forward" in workflow.allowed_actions(dossier=dossier, user=office.receptionist)


def test_the_applicant_reads_the_notes_written_to_them_not_the_officers_notes(client, office):
    dossier = _received(office)
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist, note="Ghi chú nội bộ cho chuyên viên")
    client.force_login(office.citizen)
    html = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Ghi chú nội bộ" not in html
    workflow.dossier_stop(dossier=dossier, actor=office.approver, reason="Có tranh chấp", legal_basis="Luật Hộ tịch")
    assert "Có tranh chấp" in client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
