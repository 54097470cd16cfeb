"""The back-office pages through the client: access, queues, the dossier page and its actions, the counter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onestop import workflow as services
from onestop.backoffice import dossier_page
from onestop.backoffice.queues import QUEUES
from onestop.models import Dossier, DossierChannel, DossierEvent, DossierStatus, Role
from onestop.workflow import TransitionError, registry
from portal.models import User
from procedures.models import Agency
from tests.factories import StaffRoleFactory
from tests.onestop.conftest import result_pdf
from tests.onestop.test_backoffice_queues import at_step, calendar_settled, make

pytestmark = pytest.mark.django_db
S = DossierStatus


def _now():
    return timezone.now()


def action_url(dossier, action):
    return reverse("onestop:dossier_action", args=[dossier.pk, action])


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---------------------------------------------------------------------------------- access


def _urls(dossier):
    gets = [reverse("onestop:home"), reverse("onestop:counter")]
    gets += [reverse("onestop:queue", args=[q.slug]) for q in QUEUES]
    gets += [reverse("onestop:dossier", args=[dossier.pk]), reverse("onestop:dossier_public", args=[dossier.public_id])]
    posts = [action_url(dossier, "receive"), reverse("onestop:bulk_assign"), reverse("onestop:counter")]
    return gets, posts


def test_anonymous_visitors_are_sent_to_the_login_page(client, office):
    gets, posts = _urls(make(office))
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url
    for url in posts:
        response = client.post(url, {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_citizens_are_refused_everywhere(client, office):
    dossier = make(office)
    gets, posts = _urls(dossier)
    client.force_login(office.citizen)  # even the dossier's own applicant: the citizen side is elsewhere
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"confirm": "on", "expected_version": "0"}).status_code == 403, url
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_staff_of_another_agency_neither_see_nor_act(client, office):
    dossier = make(office, check_due_at=_now() - dt.timedelta(hours=1))
    StaffRoleFactory(user=office.outsider, agency=Agency.objects.get(code="000.20.09.H12"), role=Role.APPROVER)
    client.force_login(office.outsider)
    assert client.get(reverse("onestop:dossier", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("onestop:dossier_public", args=[dossier.public_id])).status_code == 404
    response = client.post(action_url(dossier, "receive"), {"confirm": "on", "expected_version": "0"})
    assert response.status_code == 404
    for queue in QUEUES:
        assert dossier.code not in page(client, reverse("onestop:queue", args=[queue.slug]))
    assert dossier.code not in page(client, reverse("onestop:home"))
    # Their bulk assignment cannot pick another agency's dossier.
    pool = at_step(office, 2)
    client.post(reverse("onestop:bulk_assign"), {"dossier": [pool.pk], "assignee": office.outsider.pk, "confirm": "on"})
    pool.refresh_from_db()
    assert pool.assignee is None
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_the_notifications_link_by_public_id_opens_the_same_page(client, office):
    dossier = office.submitted()
    assert reverse("onestop:dossier", kwargs={"public_id": dossier.public_id}) == f"/mot-cua/ho-so/{dossier.public_id}/"
    assert reverse("onestop:dossier", args=[dossier.pk]) == f"/mot-cua/ho-so/{dossier.pk}/"
    client.force_login(office.receptionist)
    assert dossier.code in page(client, reverse("onestop:dossier", kwargs={"public_id": dossier.public_id}))


# ---------------------------------------------------------------------------------- queues


def test_home_shows_each_queue_with_its_dossiers_and_the_roles(client, office):
    waiting = make(office, check_due_at=_now() + dt.timedelta(hours=2))
    client.force_login(office.receptionist)
    html = page(client, reverse("onestop:home"))
    assert waiting.code in html
    assert reverse("onestop:queue", args=["cho-tiep-nhan"]) in html
    assert "Cán bộ tiếp nhận (Bộ phận Một cửa)" in html  # the roles table stays
    assert reverse("onestop:counter") in html


def test_queue_page_lists_counts_filters_and_paginates(client, office):
    for n in range(27):
        make(office, applicant_name=f"Người nộp {n:02d}", check_due_at=_now() + dt.timedelta(hours=1, minutes=n))
    special = make(office, applicant_name="Đặng Thị Riêng", check_due_at=_now() + dt.timedelta(days=3))
    client.force_login(office.receptionist)
    url = reverse("onestop:queue", args=["cho-tiep-nhan"])
    html = page(client, url)
    assert 'aria-current="page"' in html and ">28</span>" in html  # the navigation's count
    assert 'role="status">28 ' in html
    assert html.count('class="table table-cards queue-table"') == 1 and html.count("<tr") == 26  # header + 25 rows
    assert "Người nộp 00" in html and special.code not in html  # earliest deadline first
    second = page(client, url, page=2)
    assert special.code in second and second.count("<tr") == 4
    found = page(client, url, q="Riêng")
    assert special.code in found and "Người nộp 00" not in found
    latest_first = page(client, url, sort="-deadline")
    assert latest_first.index(special.code) < latest_first.index("Người nộp 26")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("slug", [q.slug for q in QUEUES])
def test_queue_pages_run_a_constant_number_of_queries(client, office, slug, django_assert_num_queries):
    """3 or 30 dossiers in every queue: the same queries (no N+1)."""
    user = StaffRoleFactory(agency=office.agency, role=Role.APPROVER).user
    for role in (Role.RECEPTIONIST, Role.SPECIALIST):
        StaffRoleFactory(user=user, agency=office.agency, role=role)
    now = _now()

    def fill(n):
        for _ in range(n):
            make(office, check_due_at=now + dt.timedelta(hours=2))
            at_step(office, 2, assignee=user, step_due_at=now - dt.timedelta(hours=1), received_at=now)
            at_step(office, 3, step_due_at=now + dt.timedelta(hours=1))
            at_step(office, 3, status=S.RESOLVED, assignee=office.approver)
            at_step(office, 2, status=S.AWAITING_PAYMENT, step_due_at=now + dt.timedelta(hours=3))

    url = reverse("onestop:queue", args=[slug])
    client.force_login(user)
    fill(3)
    calendar_settled()
    client.get(url)  # warm: sessions, the calendar
    expected = _queries(client, url)
    fill(27)
    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert expected <= 12
    assert html.count("<tr") in (1 + 25, 1)  # a full page, or a queue these rows are not in


def test_home_and_dossier_pages_run_a_constant_number_of_queries(client, office, django_assert_num_queries):
    dossier = office.submitted()
    make(office, check_due_at=_now() + dt.timedelta(hours=2))  # one row in "due soon" already (its reasons query)
    client.force_login(office.receptionist)
    calendar_settled()
    client.get(reverse("onestop:home"))
    home = _queries(client, reverse("onestop:home"))
    url = reverse("onestop:dossier", args=[dossier.pk])
    client.get(url)
    detail = _queries(client, url)
    opened = f"{url}?hanh-dong=request_supplement"  # the page with an action's form rendered
    client.get(opened)
    detail_opened = _queries(client, opened)
    for _ in range(10):
        make(office, check_due_at=_now() + dt.timedelta(hours=2))
        DossierEvent.objects.create(
            dossier=dossier, actor=office.receptionist, action="assign", to_status="submitted", public=False
        )
    with django_assert_num_queries(home):
        client.get(reverse("onestop:home"))
    with django_assert_num_queries(detail):
        client.get(url)
    with django_assert_num_queries(detail_opened):
        assert 'name="item_name_1"' in client.get(opened).content.decode()


def test_pool_bulk_assignment(client, office):
    first, second = at_step(office, 2), at_step(office, 2)
    left = at_step(office, 2)
    client.force_login(office.approver)
    url = reverse("onestop:queue", args=["cho-phan-cong"])
    html = page(client, url)
    assert f'name="dossier" value="{first.pk}"' in html and office.specialist.full_name in html
    response = client.post(
        reverse("onestop:bulk_assign"),
        {"dossier": [first.pk, second.pk], "assignee": office.specialist.pk, "confirm": "on", "next": url},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert "2 dossier(s) assigned" in response.content.decode() or "2 hồ sơ" in response.content.decode()
    assert set(Dossier.objects.filter(assignee=office.specialist).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert Dossier.objects.get(pk=left.pk).assignee is None
    # Without the confirmation nothing happens.
    client.post(reverse("onestop:bulk_assign"), {"dossier": [left.pk], "assignee": office.specialist.pk})
    assert Dossier.objects.get(pk=left.pk).assignee is None


def test_the_bulk_assignees_are_kept_yet_a_new_officer_shows_and_a_removed_one_cannot_be_assigned(client, office):
    """The bulk assignment's officers are read once and kept (filters.bulk_assignees, issue #17) like
    the filters' lists: an officer appointed since shows at once (the role's signal empties them), and
    an officer whose role ends cannot be assigned even from a page that still lists them (the post is
    checked against the officers as they are)."""
    from onestop.backoffice.filters import forget_scope_options

    forget_scope_options()
    dossier = at_step(office, 2)
    client.force_login(office.approver)
    url = reverse("onestop:queue", args=["cho-phan-cong"])
    first = _queries(client, url)
    assert _queries(client, url) < first  # the officers (and the filters' lists) no longer read
    newcomer = StaffRoleFactory(agency=office.agency, role=Role.SPECIALIST, user__full_name="Đỗ Văn Mới").user
    assert f'<option value="{newcomer.pk}">Đỗ Văn Mới</option>' in page(client, url)
    role = newcomer.staff_roles.get()
    role.active = False
    role.save()
    response = client.post(
        reverse("onestop:bulk_assign"),
        {"dossier": [dossier.pk], "assignee": newcomer.pk, "confirm": "on", "next": url},
        follow=True,
    )
    assert "Đỗ Văn Mới" not in page(client, url)
    assert response.redirect_chain[-1][0] == url
    assert Dossier.objects.get(pk=dossier.pk).assignee is None


def test_bulk_assignment_is_for_heads_of_unit(client, office):
    dossier = at_step(office, 2)
    client.force_login(office.specialist)
    assert 'name="assignee"' not in page(client, reverse("onestop:queue", args=["cho-phan-cong"]))
    response = client.post(
        reverse("onestop:bulk_assign"), {"dossier": [dossier.pk], "assignee": office.specialist.pk, "confirm": "on"}
    )
    assert response.status_code == 403


# -------------------------------------------------------------------------- the dossier page


def test_dossier_page_shows_everything_staff_need(client, office):
    dossier = office.submitted()
    services.dossier_receive(dossier=dossier, actor=office.receptionist)
    client.force_login(office.receptionist)
    html = page(client, reverse("onestop:dossier", args=[dossier.pk]))
    assert dossier.code in html and "Nguyễn Văn An" in html and "074090001234" in html
    assert "Họ tên người chồng" in html  # the form's labels from the snapshot
    document = dossier.documents.first()
    assert reverse("portal:dossier_document", args=[dossier.public_id, document.pk]) in html
    assert "Lê Thị Cúc" in html  # the timeline's actor
    assert 'aria-current="step"' in html and "Tiếp nhận" in html and "Thẩm định" in html
    assert "Giờ làm việc" in html  # the working calendar explains the appointment
    assert "30.000" in html or "15.000" in html  # the fees of the channel


def test_only_the_allowed_actions_are_offered(client, office, monkeypatch):
    dossier = office.submitted()
    client.force_login(office.receptionist)
    url = reverse("onestop:dossier", args=[dossier.pk])
    allowed = services.allowed_actions(dossier=dossier, user=office.receptionist)
    html = page(client, url)
    # Each allowed action is listed, folded, with the link to its form (issue #17: no form rendered yet).
    for action in allowed:
        assert f'id="hanh-dong-{action}"' in html and f"{url}?hanh-dong={action}#hanh-dong-{action}" in html
    assert 'id="hanh-dong-receive"' in html and 'id="hanh-dong-resolve"' not in html
    assert 'method="post" action="/mot-cua/ho-so/' not in html
    # The link renders that action's form, unfolded, and only it.
    for action in allowed:
        html = page(client, url, **{"hanh-dong": action})
        assert action_url(dossier, action) in html and html.count('method="post" action="/mot-cua/ho-so/') == 1
    # An action the officer may not do is not rendered, whatever the link says.
    assert action_url(dossier, "resolve") not in page(client, url, **{"hanh-dong": "resolve"})
    monkeypatch.setattr(dossier_page, "allowed_actions", lambda *, dossier, user: ["stop"])
    html = page(client, url, **{"hanh-dong": "stop"})
    assert action_url(dossier, "stop") in html and 'name="legal_basis"' in html
    assert action_url(dossier, "receive") not in html and 'id="hanh-dong-receive"' not in html
    assert f'name="expected_version" value="{dossier.version}"' in html
    monkeypatch.setattr(dossier_page, "allowed_actions", lambda *, dossier, user: [])
    html = page(client, url, **{"hanh-dong": "stop"})
    assert 'method="post" action="/mot-cua/ho-so/' not in html and "hanh-dong-" not in html


def test_receiving_through_the_page(client, office):
    dossier = office.submitted()
    client.force_login(office.receptionist)
    response = client.post(
        action_url(dossier, "receive"),
        {"confirm": "on", "expected_version": dossier.version},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED
    event = dossier.events.get(action="receive")
    assert response.redirect_chain[-1][0] == f"{reverse('onestop:dossier', args=[dossier.pk])}?in-phieu={event.pk}"
    html = response.content.decode()
    assert 'class="message message-success"' in html
    # The receipt is offered at once, for the applicant.
    assert (
        'id="in-phieu"' in html and f"{reverse('onestop:form_pdf', args=[dossier.pk, '01'])}?su-kien={event.pk}" in html
    )


def test_an_action_needs_the_confirmation(client, office):
    dossier = office.submitted()
    client.force_login(office.receptionist)
    response = client.post(action_url(dossier, "refuse"), {"reasons": "Sai", "expected_version": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'id="id_refuse-confirm"' in html and "<details" in html
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_the_other_officer_acted_first(client, office):
    dossier = office.submitted()
    stale = dossier.version
    services.dossier_receive(dossier=Dossier.objects.get(pk=dossier.pk), actor=office.receptionist)
    client.force_login(office.receptionist)
    response = client.post(
        action_url(dossier, "refuse"),
        {"reasons": "Thiếu giấy tờ", "confirm": "on", "expected_version": stale},
        follow=True,
    )
    html = response.content.decode()
    assert 'class="message message-error"' in html
    assert Dossier.objects.get(pk=dossier.pk).status == S.RECEIVED


def test_posting_an_action_calls_its_service_with_the_form(client, office, monkeypatch):
    dossier = at_step(office, 2, assignee=office.specialist)
    calls = []

    def forward(**kwargs):
        calls.append(kwargs)
        return kwargs["dossier"]

    monkeypatch.setitem(registry._FUNCTIONS, "forward", forward)
    client.force_login(office.specialist)
    response = client.post(
        action_url(dossier, "forward"),
        {"note": "Đủ điều kiện", "confirm": "on", "expected_version": "7"},
        follow=True,
    )
    assert len(calls) == 1
    assert calls[0]["actor"] == office.specialist and calls[0]["note"] == "Đủ điều kiện"
    assert calls[0]["expected_version"] == 7 and calls[0]["dossier"].pk == dossier.pk
    assert 'class="message message-success"' in response.content.decode()

    def refuse(**kwargs):
        raise TransitionError("Cán bộ khác vừa xử lý hồ sơ này.")

    monkeypatch.setitem(registry._FUNCTIONS, "forward", refuse)
    response = client.post(
        action_url(dossier, "forward"),
        {"confirm": "on", "expected_version": "7"},
        follow=True,
    )
    assert "Cán bộ khác vừa xử lý hồ sơ này." in response.content.decode()


def test_extension_date_is_read_in_local_time(client, office, monkeypatch):
    dossier = at_step(office, 2, due_at=_now() + dt.timedelta(days=10))
    seen = {}
    monkeypatch.setitem(registry._FUNCTIONS, "extend", lambda **kw: seen.update(kw) or kw["dossier"])
    client.force_login(office.approver)
    client.post(
        action_url(dossier, "extend"),
        {
            "reason": "Chờ xác minh",
            "new_due_at": "2026-12-15T16:00",
            "confirm": "on",
            "expected_version": "0",
        },
    )
    assert seen["new_due_at"] == dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)  # 16:00 in Hồ Chí Minh City


def test_supplement_request_with_item_rows(client, office):
    dossier = office.submitted()
    client.force_login(office.receptionist)
    client.post(
        action_url(dossier, "request_supplement"),
        {
            "reason": "Bản chụp bị mờ",
            "item_name_1": "Tờ khai",
            "item_requirement_1": "certified_copy",
            "item_detail_1": "Chụp rõ cả hai mặt",
            "item_name_3": "Giấy xác nhận",
            "confirm": "on",
            "expected_version": dossier.version,
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == S.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action="request_supplement")
    assert event.data["items"] == [
        {"name": "Tờ khai", "requirement": "certified_copy", "detail": "Chụp rõ cả hai mặt"},
        {"name": "Giấy xác nhận", "requirement": "", "detail": ""},
    ]
    html = page(client, reverse("onestop:dossier", args=[dossier.pk]))
    assert "Tờ khai (bản chứng thực) — Chụp rõ cả hai mặt" in html


def test_supplement_request_needs_an_item(client, office):
    dossier = office.submitted()
    client.force_login(office.receptionist)
    response = client.post(
        action_url(dossier, "request_supplement"),
        {
            "reason": "Thiếu",
            "confirm": "on",
            "expected_version": "1",
        },
    )
    assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == S.SUBMITTED


def test_resolve_uploads_the_result(client, office):
    dossier = office.submitted()
    services.dossier_receive(dossier=dossier, actor=office.receptionist)
    services.dossier_forward(dossier=dossier, actor=office.receptionist)
    services.dossier_assign(dossier=dossier, actor=office.approver, assignee=office.specialist)
    services.dossier_forward(dossier=dossier, actor=office.specialist)
    dossier.refresh_from_db()
    client.force_login(office.approver)
    html = page(client, reverse("onestop:dossier", args=[dossier.pk]), **{"hanh-dong": "resolve"})
    assert 'enctype="multipart/form-data"' in html and 'name="result_file"' in html
    response = client.post(
        action_url(dossier, "resolve"),
        {"result_file": result_pdf(), "confirm": "on", "expected_version": dossier.version},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RESOLVED and dossier.documents.filter(role="result").exists()


def test_return_at_the_counter_needs_the_recipient(client, office, monkeypatch):
    dossier = at_step(office, 3, status=S.RESOLVED, delivery_method="counter")
    monkeypatch.setattr(services, "dossier_return_result", lambda **kw: pytest.fail("must not be called"))
    client.force_login(office.receptionist)
    response = client.post(
        action_url(dossier, "return_result"),
        {"method": "counter", "confirm": "on", "expected_version": "0"},
    )
    assert response.status_code == 200 and "recipient_id_number" in response.content.decode()


def test_assign_form_offers_only_the_units_staff_for_the_step(client, office):
    dossier = at_step(office, 2)
    stranger = StaffRoleFactory(agency=Agency.objects.get(code="000.20.09.H12"), role=Role.SPECIALIST).user
    client.force_login(office.approver)
    html = page(client, reverse("onestop:dossier", args=[dossier.pk]), **{"hanh-dong": "assign"})
    form = html.split(action_url(dossier, "assign"))[1].split("</form>")[0]
    assert office.specialist.full_name in form and stranger.full_name not in form
    assert office.receptionist.full_name not in form


def test_the_steps_hours_read_as_numbers_in_vietnamese(client, office):
    # The snapshot keeps hours as text ("4.0"): the page showed "4.0", "56.0"; Vietnamese writes 4 and 4,5
    dossier = at_step(office, 2)
    steps = dossier.snapshot["process"]
    steps[0]["hours"], steps[1]["hours"] = "4.0", "4.5"
    Dossier.objects.filter(pk=dossier.pk).update(snapshot=dossier.snapshot)
    client.force_login(office.approver)
    html = page(client, reverse("onestop:dossier", args=[dossier.pk]))
    cells = re.findall(r'<td data-label="Giờ làm việc">([^<]*)</td>', html)
    assert cells[:2] == ["4", "4,5"]


# ------------------------------------------------------------------------------ the counter


def test_counter_finds_the_applicant_by_cccd(client, office):
    client.force_login(office.receptionist)
    url = reverse("onestop:counter")
    assert 'name="cccd"' in page(client, url)
    params = {"agency": office.agency.pk, "channel": 1, "procedure": "1.001193", "cccd": "074 090 001 234"}
    # A number only typed into a profile finds nobody (it proves nothing)…
    assert "Nguyễn Văn An" not in page(client, url, **params)
    # …a proven one (VNeID, or an earlier check at a counter) fills the form in.
    User.objects.filter(pk=office.citizen.pk).update(cccd_verified_at=timezone.now(), cccd_verified_by="vneid")
    html = page(client, url, **params)
    assert "Nguyễn Văn An" in html and 'value="Thủ Dầu Một"' in html
    assert 'name="documents" value="GT01"' in html
    unknown = page(client, url, **{**params, "cccd": "001099009999"})
    assert 'name="full_name"' in unknown and "Nguyễn Văn An" not in unknown


def _more_procedures(office):
    """Three more procedures: two at this desk, one at the other agency's (received there only)."""
    from procedures.services import procedures_import
    from tests.procedures.records import record

    elsewhere = {"MADONVI": "000.20.09.H12", "TENDONVI": "Ủy ban nhân dân xã Khác"}
    steps = [
        {"TEN": "Tiếp nhận", "MADONVI": "000.20.09.H12", "VAITRO": "receptionist", "SOGIO": 4, "HANHDONG": ["forward"]},
        {"TEN": "Phê duyệt", "MADONVI": "000.20.09.H12", "VAITRO": "approver", "SOGIO": 4, "HANHDONG": ["approve"]},
    ]
    report = procedures_import(
        records=[
            record(code="1.000001", name="Đăng ký thành lập hộ kinh doanh"),
            record(code="1.000002", name="Đăng ký khai sinh"),
            record(
                code="1.000003", name="Đăng ký kết hôn có yếu tố nước ngoài",
                COQUANTHUCHIEN=[elsewhere], MOTCUA_COQUANTIEPNHAN=elsewhere, MOTCUA_QUYTRINH=steps,
            ),
        ]
    )  # fmt: skip
    assert not report.rejected, report.rejected


def _listed(html: str) -> set[str]:
    import re

    return set(re.findall(r'name="procedure" value="([^"]+)"', html))


def test_counter_searches_the_desks_own_procedures(client, office):
    """Issue #15: a plain GET search by name or code, accent-insensitive, limited to the chosen desk."""
    _more_procedures(office)
    client.force_login(office.receptionist)
    url = reverse("onestop:counter")
    assert _listed(page(client, url)) == {"1.001193", "1.000001", "1.000002"}  # not the other desk's
    search = {"agency": office.agency.pk, "channel": 1, "tim": "1"}
    assert _listed(page(client, url, q="dang ky thanh lap", **search)) == {"1.000001"}
    assert _listed(page(client, url, q="ĐĂNG KÝ KẾT HÔN", **search)) == {"1.001193"}
    assert _listed(page(client, url, q="ket hon", **search)) == {"1.001193"}
    assert _listed(page(client, url, q="1.000002", **search)) == {"1.000002"}
    html = page(client, url, q="nuoc ngoai", **search)
    assert _listed(html) == set() and "Không có thủ tục nào của bộ phận này khớp với" in html
    # A desk the user does not hold is not searched (their own first desk instead).
    other = Agency.objects.get(code="000.20.09.H12")
    assert _listed(page(client, url, agency=other.pk, tim="1")) == {"1.001193", "1.000001", "1.000002"}
    client.force_login(office.outsider)
    assert _listed(page(client, url, q="ket hon", agency=other.pk, tim="1")) == {"1.000003"}


def test_counter_search_keeps_the_pick_and_goes_on(client, office):
    """The search button only searches; "continue" with a picked procedure opens step 2 (no JavaScript)."""
    _more_procedures(office)
    client.force_login(office.receptionist)
    url = reverse("onestop:counter")
    params = {"agency": office.agency.pk, "channel": 1, "q": "khai sinh", "cccd": "074090001234"}
    html = page(client, url, procedure="1.000002", tim="1", **params)
    assert 'value="1.000002" id="procedure-1" checked' in html and 'name="full_name"' not in html
    html = page(client, url, procedure="1.000002", **params)
    assert 'name="full_name"' in html and "1.000002 — Đăng ký khai sinh" in html
    html = page(client, url, **params)  # nothing picked
    assert "Hãy chọn một thủ tục." in html and 'name="full_name"' not in html
    assert 'src="/static/js/counter.js"' in html and "<script>" not in html
    # The search button searches even while the required CCCD is still empty (no browser validation).
    assert re.search(r'<button type="submit" name="tim"[^>]*\bformnovalidate\b', html)


def test_counter_search_costs_the_same_queries_whatever_the_catalogue(client, office, django_assert_max_num_queries):
    _more_procedures(office)
    client.force_login(office.receptionist)
    url = reverse("onestop:counter")
    with CaptureQueriesContext(connection) as few:
        page(client, url, q="dang ky", tim="1")
    from procedures.services import procedures_import
    from tests.procedures.records import record

    procedures_import(records=[record(code=f"1.0009{i:02d}", name=f"Đăng ký thử {i}") for i in range(30)])
    with CaptureQueriesContext(connection) as many:
        html = page(client, url, q="dang ky", tim="1")
    assert len(_listed(html)) == 20 and "Chỉ hiện 20 thủ tục đầu tiên" in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_counter_registers_a_paper_dossier(client, office):
    # The applicant's CCCD is proven (VNeID): the paper dossier goes to their account.
    User.objects.filter(pk=office.citizen.pk).update(cccd_verified_at=timezone.now(), cccd_verified_by="vneid")
    client.force_login(office.receptionist)
    from tests.portal.submission_helpers import pdf_upload

    response = client.post(
        reverse("onestop:counter"),
        {
            "agency": office.agency.pk,
            "channel": 1,
            "procedure": "1.001193",
            "cccd": "074090001234",
            "full_name": "Nguyễn Văn An",
            "phone": "0912345678",
            "address": "Thủ Dầu Một",
            "documents": ["GT01"],
            "delivery_method": "counter",
            "scan-GT01": pdf_upload("to-khai.pdf"),
            "confirm": "on",
        },
    )
    dossier = Dossier.objects.get(channel=DossierChannel.COUNTER)
    event = dossier.events.get(action="register")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('onestop:dossier', args=[dossier.pk])}?in-phieu={event.pk}"
    assert dossier.status == S.RECEIVED and dossier.applicant == office.citizen
    assert dossier.documents.count() == 1
    html = page(client, response["Location"])
    assert dossier.code in html
    offered = html[html.index('id="in-phieu"') : html.index('id="forms-title"')]  # the receipt to print at once
    assert f"{reverse('onestop:form_pdf', args=[dossier.pk, '01'])}?su-kien={event.pk}" in offered


def test_counter_refuses_an_incomplete_dossier_and_keeps_the_form(client, office):
    client.force_login(office.receptionist)
    response = client.post(
        reverse("onestop:counter"),
        {
            "agency": office.agency.pk,
            "channel": 1,
            "procedure": "1.001193",
            "cccd": "074090001234",
            "full_name": "Nguyễn Văn An",
            "delivery_method": "counter",
            "confirm": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'value="Nguyễn Văn An"' in html
    assert not Dossier.objects.filter(channel=DossierChannel.COUNTER).exists()


def test_counter_is_for_the_desk_and_the_post(client, office):
    client.force_login(office.specialist)
    assert client.get(reverse("onestop:counter")).status_code == 403
    client.force_login(office.postal_clerk)
    html = page(client, reverse("onestop:counter"))
    assert 'name="channel" value="3"' in html and 'name="channel" value="1"' not in html
    # The outsider's desk does not take this agency's dossiers.
    client.force_login(office.outsider)
    client.post(
        reverse("onestop:counter"),
        {"agency": office.agency.pk, "channel": 1, "procedure": "1.001193", "cccd": "074090001234", "confirm": "on"},
    )
    assert not Dossier.objects.filter(channel=DossierChannel.COUNTER).exists()


def test_assigning_from_the_dossier_page(client, office):
    dossier = at_step(office, 2)
    client.force_login(office.approver)
    response = client.post(
        action_url(dossier, "assign"),
        {"assignee": office.specialist.pk, "confirm": "on", "expected_version": dossier.version},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.assignee == office.specialist
    assert 'class="message message-success"' in response.content.decode()
    # A page that showed an older version does not assign.
    client.post(action_url(dossier, "assign"), {"assignee": office.approver.pk, "confirm": "on", "expected_version": 0})
    dossier.refresh_from_db()
    assert dossier.assignee == office.specialist


def test_the_unit_of_the_current_step_opens_the_dossier(client, office):
    """A transferred dossier: received elsewhere, its current step in this unit (DESIGN §1)."""
    elsewhere = Agency.objects.get(code="000.20.09.H12")
    dossier = at_step(office, 2, agency=elsewhere)
    client.force_login(office.specialist)
    assert dossier.code in page(client, reverse("onestop:dossier", args=[dossier.pk]))


def test_the_filter_lists_are_kept_a_minute_and_a_catalogue_change_shows_at_once(client, office):
    """The selects' lists that depend on the user (procedures, agencies…) are read once and kept
    (onestop.backoffice.filters.scope_options, issue #17); a procedure added or renamed is in the
    next page all the same (the signal empties the kept lists)."""
    from onestop.backoffice.filters import forget_scope_options
    from procedures.models import Procedure

    forget_scope_options()
    client.force_login(office.receptionist)
    url = reverse("onestop:queue", args=["cho-tiep-nhan"])
    calendar_settled()
    first = _queries(client, url)
    kept = _queries(client, url)
    assert kept < first  # the procedures' list no longer read
    procedure = Procedure.objects.filter(receiving_agency=office.agency).first()
    procedure.name = "Thủ tục đổi tên ngay"
    procedure.save()
    html = client.get(url).content.decode()
    assert f"{procedure.code} — Thủ tục đổi tên ngay" in html
    assert _queries(client, url) == kept
