"""Leaders and heads of unit (issue #12): the oversight queues over their subtree, read-only, with
where each dossier sits, how late and why; filters; the home's figures; constant queries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onestop.access import access_scope
from onestop.backoffice.oversight import lateness, reasons_for, working_time_text
from onestop.backoffice.queue_reads import KEPT_COUNTS_SECONDS, kept_counts_key, navigation_counts, queue_counts
from onestop.backoffice.queues import QUEUES_BY_KEY, queue_dossiers
from onestop.models import DossierEvent, DossierStatus, Role
from onestop.workflow.snapshot import procedure_snapshot
from procedures.models import Procedure, Sector
from tests.factories import UserFactory
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import build_dossier, staff, vn

pytestmark = pytest.mark.django_db
fresh_calendar_cache = support.fresh_calendar_cache
org = support.org
S = DossierStatus
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def people(org):
    return SimpleNamespace(
        province_leader=staff(org.province, Role.LEADER, full_name="Chủ tịch tỉnh"),
        leader=staff(org.department, Role.LEADER, full_name="Giám đốc Sở Tư pháp"),
        other_leader=staff(org.other, Role.LEADER, full_name="Giám đốc Sở Xây dựng"),
        unit_head=staff(org.unit, Role.APPROVER, full_name="Trưởng phòng Hộ tịch"),
        specialist=staff(org.unit, Role.SPECIALIST, full_name="Chuyên viên Hộ tịch"),
        other_specialist=staff(org.other, Role.SPECIALIST, full_name="Chuyên viên Xây dựng"),
        citizen=UserFactory(full_name="Công dân"),
    )


@pytest.fixture
def land(org):
    """A second sector and procedure, received by the other department."""
    sector = Sector.objects.create(code="DD-DL", name="Đất đai")
    return Procedure.objects.create(
        code="1.990002", name="Đăng ký đất đai", sector=sector, receiving_agency=org.other, status="published"
    )


def dossier(org, *, procedure=None, **fields):
    built = build_dossier(org, **fields)
    built.procedure = procedure or org.procedure
    built.snapshot = procedure_snapshot(built.procedure)
    built.save()
    return built


@pytest.fixture
def world(org, people, land):
    now = timezone.now()
    at_unit = {"step_agency": org.unit, "current_step": 1}
    return SimpleNamespace(
        # received by the department, now at its unit, assigned, late for the appointment
        late_at_unit=dossier(org, due_at=now - 30 * HOUR, step_due_at=now - HOUR, assignee=people.specialist,
                             **at_unit),
        # received by the department, still at its desk, late
        late_at_desk=dossier(org, due_at=now - 2 * HOUR),
        # the other branch, late
        late_other=dossier(org, agency=org.other, procedure=land, due_at=now - 5 * HOUR,
                           assignee=people.other_specialist),
        # in progress, not late (the supplement pauses the clock)
        paused=dossier(org, status=S.SUPPLEMENT_REQUESTED, paused_at=now, due_at=now - HOUR, **at_unit),
        received_today=dossier(org, received_at=now, due_at=now + 200 * HOUR, **at_unit),
        closed=dossier(org, status=S.RETURNED, due_at=now - 50 * HOUR),
    )  # fmt: skip


def ids(key, user):
    return set(queue_dossiers(queue=QUEUES_BY_KEY[key], scope=access_scope(user)).values_list("pk", flat=True))


# ---------------------------------------------------------------------------- who sees what


def test_a_leader_sees_the_open_dossiers_of_the_subtree_only(world, people):
    w = world
    assert ids("overdue", people.leader) == {w.late_at_unit.pk, w.late_at_desk.pk}
    assert ids("overdue", people.province_leader) == {w.late_at_unit.pk, w.late_at_desk.pk, w.late_other.pk}
    assert ids("overdue", people.other_leader) == {w.late_other.pk}
    in_progress = {w.late_at_unit.pk, w.late_at_desk.pk, w.paused.pk, w.received_today.pk}
    assert ids("in_progress", people.leader) == in_progress
    assert ids("in_progress", people.other_leader) == {w.late_other.pk}
    assert ids("received_today", people.leader) == {w.received_today.pk}
    assert ids("received_today", people.other_leader) == set()
    # A leader processes nothing: the work queues are not theirs.
    for key in ("inbox", "mine", "pool", "approval", "to_return"):
        assert ids(key, people.leader) == set(), key


def test_the_province_leader_queues_read_no_agency_list_and_find_the_same(
    world, people, org, django_assert_num_queries
):
    """A leader whose subtree holds every open dossier (the province's): the open-status conditions
    leave the agency lists out (the database then counts from the status-and-deadline indexes alone)
    and select the same dossiers as the lists would."""
    import dataclasses

    from onestop.access import leads_every_open_dossier
    from onestop.backoffice.queues import queue_condition

    province, specialist = access_scope(people.province_leader), access_scope(people.specialist)
    with django_assert_num_queries(0):
        assert leads_every_open_dossier(province)  # the whole tree
        assert not leads_every_open_dossier(specialist)  # no leader
    # An agency outside the province's tree, with dossiers of every shape there and inside.
    now = timezone.now()
    outside = support.Agency.objects.create(code="000.00.09.H99", name="Cơ quan ngoài cây")
    for place in (org.department, org.unit, outside):
        for status in (S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT, S.RESOLVED):
            for due in (-30, -1, 1, 30):
                dossier(org, agency=place, status=status, received_at=now - HOUR * abs(due),
                        check_due_at=now + HOUR * due, due_at=now + HOUR * due,
                        step_agency=place if status == S.PROCESSING else None,
                        step_due_at=now - HOUR * due if status == S.PROCESSING else None)  # fmt: skip
    listed = access_scope(people.province_leader, fresh=True)
    assert listed.not_led == {outside.pk}
    with django_assert_num_queries(1):  # open dossiers outside: the lists stay (asked once a request)
        assert not leads_every_open_dossier(listed) and not leads_every_open_dossier(listed)
    plain_scope = dataclasses.replace(listed, not_led=frozenset(), memo={})
    for key in ("overdue", "due_soon", "in_progress"):
        queue = QUEUES_BY_KEY[key]
        lists = set(queue_dossiers(queue=queue, scope=listed, now=now).values_list("pk", flat=True))
        plain = queue_condition(queue=queue, scope=plain_scope, now=now)
        assert "agency_id__in" not in str(plain), key
        everything = set(support.Dossier.objects.filter(plain).exclude(agency=outside).values_list("pk", flat=True))
        assert lists == everything and lists, key
    # Once nothing is open outside the tree, the province's leader reads no list again.
    support.Dossier.objects.filter(agency=outside).update(status=S.RETURNED)
    assert leads_every_open_dossier(access_scope(people.province_leader, fresh=True))


def test_a_dossier_late_at_a_unit_of_the_user_is_overdue_only_even_with_its_appointment_due_soon(org, people):
    """The appointment falls within the next working day but the step at the unit is already late:
    for whoever answers for that unit (its leader, the province's, the unit's officers) the dossier is
    overdue, not also "due soon" (found on the demo: a leader's due-soon list showing overdue rows).
    A receptionist of a desk whose dossier sits at another agency's unit answers for the appointment
    only: due soon for them."""
    now = timezone.now()
    late_step = dossier(org, due_at=now + HOUR, step_agency=org.unit, step_due_at=now - HOUR, current_step=1)
    elsewhere = dossier(org, agency=org.other, due_at=now + HOUR, step_agency=org.unit, step_due_at=now - HOUR,
                        current_step=1)  # fmt: skip
    for user in (people.leader, people.province_leader, people.specialist):
        assert late_step.pk in ids("overdue", user) and late_step.pk not in ids("due_soon", user), user
    desk = staff(org.other, Role.RECEPTIONIST)
    assert elsewhere.pk in ids("due_soon", desk) and elsewhere.pk not in ids("overdue", desk)
    # Its row says the time left before the appointment, not the step's lateness elsewhere (demo walk).
    from django.test import Client

    browser = Client()
    browser.force_login(desk)
    html = browser.get(reverse("onestop:queue", args=["sap-den-han"])).content.decode()
    cell = html[html.index(elsewhere.code) :]
    assert "còn " in cell and "(hẹn trả)" in cell and "(bước hiện tại)" not in cell
    # Every count agrees with its list.
    for user in (people.leader, people.province_leader, desk):
        counts = queue_counts(scope=access_scope(user, fresh=True))
        for key in ("overdue", "due_soon"):
            assert counts.get(key, 0) == len(ids(key, user)), (user, key)


def test_the_province_leader_counts_a_dossier_on_two_deadlines_once(org, people):
    """The province leader's deadline queues add up their branches' counts (queues.disjoint): a
    dossier late, or due soon, on both its appointment and its step is still one dossier."""
    now = timezone.now()
    at_unit = {"step_agency": org.unit, "current_step": 1}
    both_late = dossier(org, due_at=now - HOUR, step_due_at=now - 2 * HOUR, **at_unit)
    both_soon = dossier(org, due_at=now + HOUR, step_due_at=now + 2 * HOUR, **at_unit)
    step_only_late = dossier(org, due_at=None, step_due_at=now - HOUR, **at_unit)
    scope = access_scope(people.province_leader, fresh=True)
    counts = queue_counts(scope=scope)
    assert {both_late.pk, step_only_late.pk} <= ids("overdue", people.province_leader)
    assert both_soon.pk in ids("due_soon", people.province_leader)
    for key in ("overdue", "due_soon"):
        assert counts[key] == len(ids(key, people.province_leader)), key


def test_in_progress_is_the_statistics_in_progress(org, people, world):
    """ "Đang giải quyết" on the leader's home and its queue count what the statistics count: received,
    neither resolved nor closed — not a dossier asked to pay before reception, nor one resolved and
    waiting for the fee before its result is handed over (found on the demo: 138 against 133)."""
    from onestop.statistics.selectors import stock

    now = timezone.now()
    unpaid_before_reception = dossier(org, status=S.AWAITING_PAYMENT, received_at=None, due_at=None)
    resolved_unpaid = dossier(org, status=S.AWAITING_PAYMENT, resolved_at=now - HOUR, due_at=now + HOUR)
    checking_supplement = dossier(org, status=S.SUPPLEMENT_REQUESTED, received_at=None, due_at=None)
    paying_while_processed = dossier(org, status=S.AWAITING_PAYMENT, due_at=now + HOUR, **{"step_agency": org.unit})
    for user in (people.province_leader, people.leader):
        listed = ids("in_progress", user)
        assert paying_while_processed.pk in listed, user
        for outside in (unpaid_before_reception, resolved_unpaid, checking_supplement):
            assert outside.pk not in listed, (user, outside)
        scope = access_scope(user, fresh=True)
        counted = sum(c["open"] for c in stock(agency_ids=scope.statistics_ids, at=timezone.now()).values())
        assert queue_counts(scope=scope)["in_progress"] == len(listed) == counted, user


def test_a_head_of_unit_oversees_the_unit(world, people):
    w = world
    assert ids("overdue", people.unit_head) == {w.late_at_unit.pk}
    assert ids("in_progress", people.unit_head) == {w.late_at_unit.pk, w.paused.pk, w.received_today.pk}
    assert ids("received_today", people.unit_head) == {w.received_today.pk}


def test_who_may_open_the_oversight_queues(client, world, people):
    urls = [reverse("onestop:queue", args=[QUEUES_BY_KEY[k].slug]) for k in ("in_progress", "received_today")]
    for url in [*urls, reverse("onestop:home")]:
        assert client.get(url).status_code == 302  # anonymous: to the login page
        client.force_login(people.citizen)
        assert client.get(url).status_code == 403
        client.logout()
    # A specialist oversees nothing: the queue is not part of their roles, and lists nothing.
    client.force_login(people.specialist)
    html = client.get(urls[0]).content.decode()
    assert "không thuộc vai trò" in html and world.late_at_unit.code not in html
    # The other branch's leader sees none of this department's dossiers, nor opens them.
    client.force_login(people.other_leader)
    html = client.get(urls[0]).content.decode()
    assert world.late_other.code in html and world.late_at_unit.code not in html
    assert client.get(reverse("onestop:dossier", args=[world.late_at_unit.pk])).status_code == 404


def test_leaders_only_read(client, world, people):
    client.force_login(people.leader)
    html = client.get(reverse("onestop:dossier", args=[world.late_at_desk.pk])).content.decode()
    assert world.late_at_desk.code in html and "/thao-tac/" not in html
    response = client.post(
        reverse("onestop:dossier_action", args=[world.late_at_desk.pk, "extend"]),
        {"confirm": "on", "expected_version": "0", "reason": "x", "new_due_at": "2030-01-01T09:00"},
    )
    world.late_at_desk.refresh_from_db()
    assert world.late_at_desk.extensions == 0 and response.status_code in (200, 302)
    home = client.get(reverse("onestop:home")).content.decode()
    assert "bulk_assign" not in home and reverse("onestop:counter") not in home


# --------------------------------------------------------------------------------- the rows


def test_rows_say_where_how_late_and_why(client, world, people, org):
    DossierEvent.objects.create(
        dossier=world.late_at_unit, actor=people.unit_head, action="extend", from_status=S.PROCESSING,
        to_status=S.PROCESSING, note="Chờ kết quả xác minh của Công an phường", public=True,
    )  # fmt: skip
    DossierEvent.objects.create(  # a later note does not hide the apology's reason
        dossier=world.late_at_unit, actor=people.specialist, action="send_back", from_status=S.PROCESSING,
        to_status=S.PROCESSING, note="Đã trình lãnh đạo", public=False,
    )  # fmt: skip
    DossierEvent.objects.create(  # a routine hand-over's note is not a reason
        dossier=world.late_at_desk, actor=people.specialist, action="forward", from_status=S.PROCESSING,
        to_status=S.PROCESSING, note="Đủ điều kiện, chuyển bước tiếp theo", public=False,
    )  # fmt: skip
    DossierEvent.objects.create(
        dossier=world.late_at_desk, actor=people.unit_head, action="send_back", from_status=S.PROCESSING,
        to_status=S.PROCESSING, note="Thiếu ý kiến thẩm định", public=False,
    )  # fmt: skip
    client.force_login(people.leader)
    html = client.get(reverse("onestop:queue", args=["qua-han"])).content.decode()
    for text in (
        "Chờ kết quả xác minh của Công an phường",  # the extension's reason
        "Thiếu ý kiến thẩm định",  # otherwise the latest note
        org.department.name,  # the receiving agency
        org.unit.name,  # the unit holding it
        people.specialist.full_name,  # the officer
        "chưa phân công",  # nobody at the desk's dossier
        "quá hạn",
    ):
        assert text in html, text
    assert "Đã trình lãnh đạo" not in html and "Đủ điều kiện" not in html


def test_lateness_in_working_time_from_the_appointment():
    monday_9 = vn(8, 9)
    row = {"status": S.PROCESSING, "check_due_at": None, "due_at": monday_9, "step_due_at": vn(8, 8), "agency_id": 1}
    late = lateness(row, vn(9, 11))  # Tuesday 11:00: 8 h + 2 h of working time later
    assert late.late and late.which == "appointment" and late.minutes == 600
    assert late.text == "1 working day 2 hours late (appointment)" or "1 ngày làm việc 2 giờ" in late.text
    # Friday 16:00 → Monday 08:30: the weekend does not count (1 h + 1 h).
    assert lateness({**row, "due_at": vn(12, 16), "step_due_at": None}, vn(15, 8, 30)).minutes == 120
    ahead = lateness({**row, "due_at": vn(9, 9), "step_due_at": vn(8, 11)}, monday_9)
    assert not ahead.late and ahead.which == "step" and ahead.minutes == 120
    # In "due soon" only the time left counts: the step late at another agency's unit is not shown.
    behind_elsewhere = {**row, "due_at": vn(9, 9), "step_due_at": vn(8, 8)}
    assert lateness(behind_elsewhere, monday_9).late
    upcoming = lateness(behind_elsewhere, monday_9, upcoming=True)
    assert not upcoming.late and upcoming.which == "appointment" and upcoming.minutes == 480
    assert lateness({**row, "status": S.SUPPLEMENT_REQUESTED}, monday_9) is None
    assert working_time_text(45, 480) and working_time_text(480 * 3, 480)


def test_reasons_are_one_query(world, people, django_assert_num_queries):
    for w in (world.late_at_unit, world.late_at_desk):
        for n in range(3):
            DossierEvent.objects.create(dossier=w, action="send_back", to_status=S.PROCESSING, note=f"Ghi chú {n}")
    ids = [world.late_at_unit.pk, world.late_at_desk.pk, world.paused.pk]
    assert reasons_for(ids)  # the first read of a database session may prepare the statement
    with django_assert_num_queries(1) as read:
        reasons = reasons_for(ids)
    assert reasons[world.late_at_unit.pk].endswith("Ghi chú 2") and world.paused.pk not in reasons
    if connection.vendor == "postgresql":  # compiled once, prepared once per session (prepared.rows_by_ids)
        assert read.captured_queries[0]["sql"].startswith("EXECUTE dvc_")


# ------------------------------------------------------------------------------ the filters


def test_filters_by_agency_sector_procedure_officer_and_sort(client, world, people, org, land):
    client.force_login(people.province_leader)
    url = reverse("onestop:queue", args=["qua-han"])
    w = world

    def codes(**params):
        html = client.get(url, params).content.decode()
        return {d.code for d in (w.late_at_unit, w.late_at_desk, w.late_other) if f">{d.code}</a>" in html}

    assert codes() == {w.late_at_unit.code, w.late_at_desk.code, w.late_other.code}
    # An agency stands for itself and the agencies below it.
    assert codes(agency=org.department.pk) == {w.late_at_unit.code, w.late_at_desk.code}
    assert codes(agency=org.unit.pk) == {w.late_at_unit.code}
    assert codes(sector="DD-DL") == {w.late_other.code}
    assert codes(procedure=org.procedure.code) == {w.late_at_unit.code, w.late_at_desk.code}
    assert codes(officer=people.specialist.pk) == {w.late_at_unit.code}
    # The agencies below are read as they are now (a page filtered by choices is compiled once: its key
    # holds the agencies the choice stands for): a unit moved under another department moves with it.
    assert codes(agency=org.other.pk) == {w.late_other.code}
    org.unit.parent = org.other
    org.unit.save()
    assert codes(agency=org.other.pk) == {w.late_at_unit.code, w.late_other.code}  # its step is at the unit
    org.unit.parent = org.department
    org.unit.save()
    html = client.get(url, {"sort": "officer"}).content.decode().split("<tbody", 1)[1]
    assert html.index(people.specialist.full_name) < html.index(people.other_specialist.full_name)  # H < X
    # Nothing outside the subtree is offered, nor accepted.
    client.force_login(people.other_leader)
    response = client.get(url, {"agency": org.department.pk})
    assert f"({org.department.code})" not in response.content.decode()  # not among the agency options
    assert w.late_at_unit.code not in response.content.decode()


# ------------------------------------------------------------------------- home and queries


def test_the_leaders_home_shows_the_figures_of_the_subtree(client, world, people):
    client.force_login(people.leader)
    html = client.get(reverse("onestop:home")).content.decode()
    counts = queue_counts(scope=access_scope(people.leader))
    assert counts["overdue"] == 2 and counts["in_progress"] == 4 and counts["received_today"] == 1
    for key in ("overdue", "due_soon", "in_progress", "received_today"):
        url = reverse("onestop:queue", args=[QUEUES_BY_KEY[key].slug])
        assert f'<a href="{url}"><span class="figure-value">{counts[key]}</span>' in html, key
    assert "Bạn xem các hồ sơ này" in html  # read-only, said once


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("key", ["overdue", "due_soon", "in_progress", "received_today", None])
def test_oversight_pages_run_a_constant_number_of_queries(client, org, people, land, key, django_assert_num_queries):
    url = reverse("onestop:queue", args=[QUEUES_BY_KEY[key].slug]) if key else reverse("onestop:home")
    now = timezone.now()

    def fill(n):
        for i in range(n):
            d = dossier(org, due_at=now - HOUR * (i + 1), step_due_at=now + HOUR, received_at=now,
                        step_agency=org.unit, current_step=1, assignee=people.specialist)  # fmt: skip
            DossierEvent.objects.create(dossier=d, action="extend", to_status=S.PROCESSING, note="Lý do")
            dossier(org, agency=org.other, procedure=land, due_at=now + HOUR, received_at=now)

    client.force_login(people.province_leader)
    fill(3)
    support.settle_calendar()
    client.get(url)
    kept = kept_counts_key(access_scope(people.province_leader))
    cache.delete(kept)  # the leader's kept counts (navigation_counts): each measured page counts anew
    expected = _queries(client, url)
    fill(27)
    cache.delete(kept)
    with django_assert_num_queries(expected):
        client.get(url)
    assert expected <= 14
    # Within KEPT_COUNTS_SECONDS the next page reads the counts from the cache: one statement fewer.
    with django_assert_num_queries(expected - 1):
        client.get(url)


def test_a_leader_who_only_reads_sees_counts_kept_for_thirty_seconds_with_their_time(client, org, people, world):
    """The province's leader's counts (tens of thousands of open dossiers) are kept in the shared cache
    for KEPT_COUNTS_SECONDS and the page says when they were counted; anyone who acts on dossiers
    (a head of unit, a leader who is also one) counts live, so that their own action shows at once."""
    now = timezone.now()
    leader = access_scope(people.leader)
    counts, counted_at = navigation_counts(scope=leader, now=now)
    assert counted_at == now and counts == queue_counts(scope=leader, now=now) and counts["overdue"] == 2
    dossier(org, due_at=now - HOUR)  # one more late at the department
    later = now + dt.timedelta(seconds=KEPT_COUNTS_SECONDS - 1)
    assert navigation_counts(scope=leader, now=later) == (counts, now)  # kept: no statement
    renewed, at = navigation_counts(scope=leader, now=now + dt.timedelta(seconds=KEPT_COUNTS_SECONDS))
    assert renewed["overdue"] == 3 and at == now + dt.timedelta(seconds=KEPT_COUNTS_SECONDS)
    # Another leader's scope is kept apart.
    assert navigation_counts(scope=access_scope(people.other_leader), now=later)[0]["overdue"] == 1
    # Those who act count live, whatever is kept.
    head = access_scope(people.unit_head)
    first, when = navigation_counts(scope=head, now=now)
    assert when is None
    dossier(org, due_at=now + 200 * HOUR, step_agency=org.unit, current_step=1)
    assert navigation_counts(scope=head, now=now)[0] != first
    both = staff(org.unit, Role.APPROVER, full_name="Phó Giám đốc kiêm Trưởng phòng")
    both.staff_roles.create(agency=org.department, role=Role.LEADER)
    assert navigation_counts(scope=access_scope(both), now=now)[1] is None
    # The page says when the kept counts were counted (Vietnamese first); a head of unit's does not.
    client.force_login(people.leader)
    html = client.get(reverse("onestop:queue", args=[QUEUES_BY_KEY["overdue"].slug])).content.decode()
    assert "Số liệu tính lúc" in html and f"cập nhật {KEPT_COUNTS_SECONDS} giây một lần" in html
    client.force_login(people.unit_head)
    assert "Số liệu tính lúc" not in client.get(reverse("onestop:home")).content.decode()
