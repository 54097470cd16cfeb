"""Who hears of a deadline crossing, once; and the leaders' daily digest (DESIGN §4.6)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from unittest import mock

import pytest

from onestop.deadlines.selectors import deadline_counts_by_agency, roll_up
from onestop.deadlines.services import deadline_crossings_notify, deadline_digest_send, deadline_sweep
from onestop.deadlines.thresholds import Calendars
from onestop.models import DeadlineCrossing, DossierStatus, Notification, NotificationPreference, Role, StaffRole
from onestop.models import DeadlineKind as K
from onestop.notifications.rendering import render_message
from onestop.notifications.services import dossier_context, notify_user, staff_link_for
from procedures.models import Agency
from tests.onestop import test_deadlines_support as support
from tests.onestop import test_notifications_support
from tests.onestop.test_deadlines_support import (
    NOW,
    ONE_DAY,
    make_dossier,
    staff,
    vn,
)

pytestmark = pytest.mark.django_db
fresh_calendar_cache = support.fresh_calendar_cache
org = support.org
eager_celery = test_notifications_support.eager_celery

S = DossierStatus
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def people(org):
    specialist = staff(org.unit, Role.SPECIALIST, full_name="Chuyên viên")
    inactive_role = staff(org.unit, Role.APPROVER, full_name="Trưởng phòng cũ")
    StaffRole.objects.filter(user=inactive_role).update(active=False)
    return SimpleNamespace(
        specialist=specialist,
        unit_head=staff(org.unit, Role.APPROVER, full_name="Trưởng phòng"),
        department_head=staff(org.department, Role.APPROVER, full_name="Giám đốc Sở"),
        receptionist=staff(org.department, Role.RECEPTIONIST, full_name="Tiếp nhận Sở"),
        other_receptionist=staff(org.other, Role.RECEPTIONIST, full_name="Tiếp nhận Sở khác"),
        province_leader=staff(org.province, Role.LEADER, full_name="Chủ tịch Thành phố"),
        department_leader=staff(org.department, Role.LEADER, full_name="Lãnh đạo Sở"),
        other_leader=staff(org.other, Role.LEADER, full_name="Lãnh đạo Sở khác"),
    )


def at_step(org, people, **fields):
    """A dossier received by the department, at a step of its unit, assigned to the specialist."""
    return make_dossier(org, step_agency=org.unit, assignee=people.specialist, current_step=1, **fields)


def recipients(crossing: DeadlineCrossing) -> dict[str, set[str]]:
    """Kind of message → names of the people who got it (in-app and e-mail each)."""
    out: dict[str, set[str]] = {}
    for kind, name, channel in Notification.objects.filter(
        dedup_key__startswith=f"deadline:{crossing.pk}|"
    ).values_list("kind", "recipient__full_name", "channel"):
        out.setdefault(f"{kind}/{channel}", set()).add(name)
    return out


def crossing_of(dossier, kind) -> DeadlineCrossing:
    return DeadlineCrossing.objects.get(dossier=dossier, kind=kind)


def test_due_soon_warns_the_assignee_and_the_unit_heads(org, people):
    dossier = at_step(org, people, due_at=ONE_DAY, step_due_at=ONE_DAY, extensions=1)
    deadline_sweep(now=NOW)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))
    expected = {"Chuyên viên", "Trưởng phòng"}
    for kind in (K.DUE_SOON, K.STEP_DUE_SOON):
        assert recipients(crossing_of(dossier, kind)) == {
            "deadline.due_soon/inapp": expected,
            "deadline.due_soon/email": expected,
        }


def test_overdue_escalates_to_the_leaders_of_the_agency_and_its_ancestors(org, people):
    dossier = at_step(org, people, due_at=NOW - MINUTE, step_due_at=NOW - MINUTE)
    deadline_sweep(now=NOW)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))
    assert recipients(crossing_of(dossier, K.OVERDUE))["deadline.overdue/inapp"] == {
        "Chuyên viên",
        "Trưởng phòng",
        "Lãnh đạo Sở",
        "Chủ tịch Thành phố",
    }
    # A step late is the unit's business: no escalation.
    assert recipients(crossing_of(dossier, K.STEP_OVERDUE))["deadline.overdue/inapp"] == {"Chuyên viên", "Trưởng phòng"}


def test_an_unchecked_online_dossier_reminds_the_receptionists(org, people):
    dossier = make_dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    deadline_sweep(now=NOW)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))
    assert recipients(crossing_of(dossier, K.CHECK_OVERDUE)) == {
        "deadline.overdue/inapp": {"Tiếp nhận Sở"},
        "deadline.overdue/email": {"Tiếp nhận Sở"},
    }


def test_the_apology_reminder_goes_to_the_heads_of_the_unit_holding_the_dossier(org, people):
    at_unit = at_step(org, people, due_at=ONE_DAY + MINUTE)
    at_desk = make_dossier(org, status=S.RECEIVED, due_at=ONE_DAY + MINUTE)  # no step yet: the receiving agency
    deadline_sweep(now=NOW)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))
    assert recipients(crossing_of(at_unit, K.APOLOGY_REMINDER))["deadline.apology_reminder/inapp"] == {"Trưởng phòng"}
    assert recipients(crossing_of(at_desk, K.APOLOGY_REMINDER))["deadline.apology_reminder/inapp"] == {"Giám đốc Sở"}
    message = Notification.objects.filter(kind="deadline.apology_reminder", channel="email").first()
    assert at_unit.code in message.subject or at_desk.code in message.subject
    assert "Mẫu số 04" in message.body


def test_each_message_is_sent_once(org, people):
    at_step(org, people, due_at=NOW - MINUTE, step_due_at=ONE_DAY)
    deadline_sweep(now=NOW)
    ids = list(DeadlineCrossing.objects.values_list("pk", flat=True))
    first = deadline_crossings_notify(crossing_ids=ids)
    rows = Notification.objects.count()
    assert first == rows > 0
    assert not DeadlineCrossing.objects.filter(notified_at__isnull=True).exists()
    assert deadline_crossings_notify(crossing_ids=ids) == 0
    # Even a batch handled again from scratch (the row reset) records nothing more: dedup keys.
    DeadlineCrossing.objects.update(notified_at=None)
    assert deadline_crossings_notify(crossing_ids=ids) == 0
    assert Notification.objects.count() == rows


def test_a_dossier_that_moved_on_gets_no_message(org, people):
    dossier = at_step(org, people, due_at=ONE_DAY)
    deadline_sweep(now=NOW)
    dossier.status = S.RESOLVED
    dossier.save()
    ids = list(DeadlineCrossing.objects.values_list("pk", flat=True))
    assert deadline_crossings_notify(crossing_ids=ids) == 0
    assert not DeadlineCrossing.objects.filter(notified_at__isnull=True).exists()


def test_one_batch_reaches_exactly_the_people_each_crossing_names(org, people):
    """The set-based fan-out against a hand-built set: every kind of crossing, several agencies, an
    escalation up two levels, and an assignee who may no longer open the dossier — one batch."""
    former = staff(org.unit, Role.SPECIALIST, full_name="Chuyên viên đã chuyển công tác")
    StaffRole.objects.filter(user=former).update(active=False)
    NotificationPreference.objects.create(user=people.province_leader, language="en")
    late = at_step(org, people, due_at=NOW - MINUTE, step_due_at=NOW - MINUTE)
    soon = at_step(org, people, due_at=ONE_DAY, step_due_at=ONE_DAY, extensions=1)
    at_desk = make_dossier(org, status=S.RECEIVED, due_at=ONE_DAY + MINUTE)
    unchecked = make_dossier(org, agency=org.other, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    late_elsewhere = make_dossier(org, agency=org.other, status=S.AWAITING_PAYMENT, due_at=NOW - MINUTE)
    orphan = make_dossier(org, step_agency=org.unit, current_step=1, assignee=former, due_at=ONE_DAY, extensions=1)
    deadline_sweep(now=NOW)
    ids = list(DeadlineCrossing.objects.values_list("pk", flat=True))
    assert deadline_crossings_notify(crossing_ids=ids) == Notification.objects.count()

    unit_people = {"Chuyên viên", "Trưởng phòng"}
    expected = {
        (late, K.OVERDUE): unit_people | {"Lãnh đạo Sở", "Chủ tịch Thành phố"},  # up the tree from the unit
        (late, K.STEP_OVERDUE): unit_people,
        (soon, K.DUE_SOON): unit_people,
        (soon, K.STEP_DUE_SOON): unit_people,
        (at_desk, K.APOLOGY_REMINDER): {"Giám đốc Sở"},  # no step yet: the receiving agency's heads
        (unchecked, K.CHECK_OVERDUE): {"Tiếp nhận Sở khác"},
        (late_elsewhere, K.OVERDUE): {"Lãnh đạo Sở khác", "Chủ tịch Thành phố"},  # no head there: leaders
        (orphan, K.DUE_SOON): {"Trưởng phòng"},  # the former specialist may not open it: left out
    }
    got: dict[tuple, dict[str, set[str]]] = {}
    for crossing in DeadlineCrossing.objects.select_related("dossier"):
        for channel, names in _by_channel(crossing).items():
            got.setdefault((crossing.dossier, crossing.kind), {})[channel] = names
    assert {key: got.get(key) for key in expected} == {
        key: {"inapp": names, "email": names} for key, names in expected.items()
    }
    assert set(got) == set(expected)  # nothing else crossed, nobody else heard
    names = set(Notification.objects.values_list("recipient__full_name", flat=True))
    assert not names & {"Chuyên viên đã chuyển công tác", "Trưởng phòng cũ"}  # ended roles


def _by_channel(crossing: DeadlineCrossing) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name, channel in Notification.objects.filter(dedup_key__startswith=f"deadline:{crossing.pk}|").values_list(
        "recipient__full_name", "channel"
    ):
        out.setdefault(channel, set()).add(name)
    return out


def test_the_set_based_texts_are_those_of_one_message_at_a_time(org, people):
    """Each message of the batch reads exactly as `notify_user` writes it for that one person
    (subject, body, link; the recipient's language)."""
    NotificationPreference.objects.create(user=people.province_leader, language="en")
    at_step(org, people, due_at=NOW - MINUTE, step_due_at=NOW - MINUTE)
    make_dossier(org, status=S.RECEIVED, due_at=ONE_DAY + MINUTE)
    make_dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    deadline_sweep(now=NOW)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))
    batch = list(Notification.objects.select_related("recipient", "dossier__procedure", "dossier__agency"))
    assert len(batch) >= 10
    for row in batch:
        crossing = DeadlineCrossing.objects.get(pk=int(row.dedup_key.split("|")[0].split(":")[1]))
        context = {**dossier_context(dossier=row.dossier, for_staff=True), "due_at": crossing.deadline}
        context["link"] = staff_link_for(user=row.recipient, dossier=row.dossier)
        [alone] = notify_user(
            user=row.recipient,
            kind=row.kind,
            context=context,
            channels=[row.channel],
            dedup_key=f"compare:{row.pk}",
            dossier=row.dossier,
        )
        assert (alone.subject, alone.body, alone.link, alone.to) == (row.subject, row.body, row.link, row.to)
    english = Notification.objects.filter(recipient=people.province_leader).first()
    assert english.subject.startswith("Dossier ")


def test_the_sweep_fans_out_in_batches_after_commit(org, people, settings, django_capture_on_commit_callbacks):
    settings.DEADLINE_NOTIFY_BATCH_SIZE = 2
    for _ in range(5):
        make_dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    with (
        mock.patch("onestop.deadlines.tasks.deadline_notify_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        report = deadline_sweep(now=NOW)
    assert (report.total, report.batches, len(callbacks)) == (5, 3, 1)
    batches = [call.args[0] for call in delay.call_args_list]
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted(i for b in batches for i in b) == sorted(DeadlineCrossing.objects.values_list("pk", flat=True))


def test_end_to_end_with_a_worker(org, people, eager_celery, django_capture_on_commit_callbacks):
    dossier = at_step(org, people, due_at=NOW - MINUTE)
    with django_capture_on_commit_callbacks(execute=True):
        deadline_sweep(now=NOW)
    assert not DeadlineCrossing.objects.filter(notified_at__isnull=True).exists()
    assert Notification.objects.filter(dossier=dossier, kind="deadline.overdue", channel="inapp").count() == 4


def test_lost_batches_are_queued_again(org, people, settings, django_capture_on_commit_callbacks):
    settings.DEADLINE_REQUEUE_MINUTES = 60
    make_dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    # The broker is down when the sweep commits: nothing is lost, the sweep itself succeeds.
    with (
        mock.patch("onestop.deadlines.tasks.deadline_notify_task.delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert deadline_sweep(now=NOW).total == 1
    crossing = DeadlineCrossing.objects.get()
    assert crossing.notified_at is None
    assert deadline_sweep(now=NOW + dt.timedelta(minutes=59)).requeued == 0
    with (
        mock.patch("onestop.deadlines.tasks.deadline_notify_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = deadline_sweep(now=NOW + dt.timedelta(minutes=61))
    assert (report.total, report.requeued) == (0, 1)
    delay.assert_called_once_with([crossing.pk])
    # Queued again: not before another hour has passed.
    assert deadline_sweep(now=NOW + dt.timedelta(minutes=70)).requeued == 0


def test_the_apology_reminder_template_exists_in_both_languages(org):
    dossier = make_dossier(org, due_at=ONE_DAY)
    context = {"code": dossier.code, "procedure_name": "Đăng ký khai sinh", "due_at": ONE_DAY, "link": "http://x/"}
    vi = render_message(kind="deadline.apology_reminder", context=context, language="vi")
    en = render_message(kind="deadline.apology_reminder", context=context, language="en")
    assert "Mẫu số 04" in vi.body and "09:00 ngày 09/06/2026" in vi.body
    assert "form 04" in en.body and "09/06/2026 09:00" in en.body
    assert dossier.code in vi.sms and dossier.code in en.sms


# ----------------------------------------------------------------------------------- digest

DIGEST_NOW = vn(8, 7)  # Monday 07:00, when beat sends it; one working day ahead is Monday 17:00


@pytest.fixture
def digest_data(org, people):
    make_dossier(org, agency=org.unit, due_at=DIGEST_NOW - MINUTE)  # overdue
    make_dossier(org, agency=org.unit, due_at=vn(8, 17))  # due soon
    make_dossier(org, agency=org.unit, status=S.SUPPLEMENT_REQUESTED, paused_at=NOW, due_at=DIGEST_NOW - MINUTE)
    make_dossier(org, due_at=vn(8, 17, 1))  # open, not yet due soon
    make_dossier(org, status=S.SUBMITTED, check_due_at=DIGEST_NOW - MINUTE)  # checked late: not yet checked
    make_dossier(  # received after its check deadline
        org, status=S.RECEIVED, check_due_at=vn(5, 9), received_at=vn(5, 10), due_at=vn(20, 9)
    )
    make_dossier(org, status=S.RECEIVED, check_due_at=vn(5, 9), received_at=vn(5, 8), due_at=vn(20, 9))
    make_dossier(org, agency=org.other, status=S.AWAITING_PAYMENT, due_at=DIGEST_NOW - MINUTE)  # overdue
    make_dossier(org, agency=org.other, status=S.RETURNED, due_at=DIGEST_NOW - MINUTE)  # closed: not counted
    return org


def test_the_digest_counts_are_one_aggregate_summed_up_the_tree(digest_data, django_assert_num_queries):
    org = digest_data
    threshold = Calendars().threshold(DIGEST_NOW, 480)
    with django_assert_num_queries(1):
        counts = deadline_counts_by_agency(now=DIGEST_NOW, due_soon=threshold)
    as_tuple = {a: (c.open, c.due_soon, c.overdue, c.checked_late) for a, c in counts.items()}
    assert as_tuple == {org.unit.pk: (3, 1, 1, 0), org.department.pk: (4, 0, 0, 2), org.other.pk: (1, 0, 1, 0)}
    totals = roll_up(counts, dict(Agency.objects.values_list("pk", "parent_id")))
    assert (totals[org.department.pk].open, totals[org.department.pk].overdue) == (7, 1)
    assert (totals[org.province.pk].open, totals[org.province.pk].overdue, totals[org.province.pk].checked_late) == (
        8,
        2,
        2,
    )


def test_the_digest_reaches_each_leader_once_a_day(digest_data, people):
    NotificationPreference.objects.create(user=people.province_leader, language="en")
    both = staff(digest_data.department, Role.LEADER, full_name="Phó Chủ tịch")
    StaffRole.objects.create(user=both, agency=digest_data.other, role=Role.LEADER)

    sent = deadline_digest_send(now=DIGEST_NOW)
    digests = Notification.objects.filter(kind="digest.daily")
    assert sent == digests.count() == 8  # four leaders, in-app and e-mail
    assert set(digests.values_list("recipient__full_name", flat=True)) == {
        "Chủ tịch Thành phố",
        "Lãnh đạo Sở",
        "Lãnh đạo Sở khác",
        "Phó Chủ tịch",
    }
    province = digests.get(recipient=people.province_leader, channel="email")
    assert "- Open dossiers: 8\n- Due soon: 1\n- Overdue: 2\n- Checked late: 2" in province.body
    assert "08/06/2026" in province.subject
    two_agencies = digests.get(recipient=both, channel="inapp").body
    assert f"{digest_data.department.name}: " in two_agencies and f"{digest_data.other.name}: " in two_agencies

    assert deadline_digest_send(now=DIGEST_NOW + dt.timedelta(minutes=30)) == 0
    assert digests.count() == 8


def test_no_digest_on_a_day_off(digest_data, people):
    assert deadline_digest_send(now=vn(13, 7)) == 0  # Saturday


def test_the_sweep_and_the_digest_are_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["deadlines-sweep"]["task"] == "onestop.deadline_sweep"
    assert schedule["deadlines-sweep"]["schedule"] == 300.0
    digest = schedule["deadlines-daily-digest"]
    assert digest["task"] == "onestop.deadline_digest"
    assert (digest["schedule"].hour, digest["schedule"].minute) == ({7}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
