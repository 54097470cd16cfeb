"""Which event reaches whom, on which channel, in which language — and only once."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.models import Dossier, Notification, NotificationChannel, NotificationPreference, NotificationStatus
from onestop.models import DossierStatus as S
from onestop.notifications.rendering import render_message, strip_diacritics
from onestop.notifications.services import (
    dossier_event_notify,
    event_notify,
    event_recipients,
    notify_user,
)
from onestop.workflow.registry import ACTIONS, EVENT_KINDS
from tests.factories import UserFactory
from tests.onestop import test_notifications_support as support
from tests.onestop.test_notifications_support import make_dossier, make_event, make_staff

pytestmark = pytest.mark.django_db
eager_celery = support.eager_celery

# Every public action of the transition table the citizen hears of, with the kind of message.
CITIZEN_CASES = [
    ("submit", S.DRAFT, S.SUBMITTED, "dossier.submitted"),
    ("receive", S.SUBMITTED, S.RECEIVED, "dossier.received"),
    ("refuse", S.SUBMITTED, S.REJECTED, "dossier.refused"),
    ("request_supplement", S.RECEIVED, S.SUPPLEMENT_REQUESTED, "dossier.supplement_requested"),
    ("supplement", S.SUPPLEMENT_REQUESTED, S.RECEIVED, "dossier.supplemented"),
    ("forward", S.RECEIVED, S.PROCESSING, "dossier.processing"),
    ("request_payment", S.PROCESSING, S.AWAITING_PAYMENT, "dossier.payment_requested"),
    ("confirm_payment", S.AWAITING_PAYMENT, S.PROCESSING, "dossier.payment_confirmed"),
    ("extend", S.PROCESSING, S.PROCESSING, "dossier.extended"),
    ("stop", S.PROCESSING, S.STOPPED, "dossier.stopped"),
    ("resolve", S.PROCESSING, S.RESOLVED, "dossier.resolved"),
    ("return_result", S.RESOLVED, S.RETURNED, "dossier.returned"),
    ("withdraw", S.SUBMITTED, S.WITHDRAWN, "dossier.withdrawn"),
]


@pytest.fixture
def dossier(citizen, agency):
    return make_dossier(applicant=citizen, agency=agency, due_at=timezone.now() + dt.timedelta(days=5))


@pytest.mark.parametrize(("action", "source", "target", "kind"), CITIZEN_CASES)
def test_each_public_action_reaches_the_applicant_by_email(dossier, citizen, action, source, target, kind):
    event = make_event(dossier, action, from_status=source, to_status=target)
    [recipient] = event_recipients(event=event)
    assert (recipient.user, recipient.kind, recipient.channels) == (citizen, kind, (NotificationChannel.EMAIL,))


def test_every_mapped_kind_has_a_template_in_both_languages():
    kinds = {spec.notification for spec in [*ACTIONS.values(), *EVENT_KINDS.values()] if spec.notification} | {
        "staff.assigned",
        "deadline.due_soon",
        "deadline.overdue",
    }
    for kind in kinds:
        for language in ("vi", "en"):
            message = render_message(kind=kind, context={"code": "X-1", "link": "L"}, language=language)
            assert "X-1" in message.subject, (kind, language)
            assert message.body.strip() and message.sms.strip()


def test_a_step_to_step_forward_and_private_events_do_not_reach_the_citizen(dossier):
    assert (
        event_recipients(event=make_event(dossier, "forward", from_status=S.PROCESSING, to_status=S.PROCESSING)) == []
    )
    assert (
        event_recipients(event=make_event(dossier, "send_back", from_status=S.PROCESSING, to_status=S.PROCESSING)) == []
    )
    assert event_recipients(event=make_event(dossier, "receive", public=False)) == []


def test_assignment_reaches_the_assigned_staff_member_in_app_and_by_email(dossier, agency, receptionist):
    specialist = make_staff(agency=agency)
    event = make_event(
        dossier,
        "assign",
        from_status=S.RECEIVED,
        to_status=S.RECEIVED,
        public=False,
        actor=receptionist,
        data={"assignee_id": specialist.pk},
    )
    [recipient] = event_recipients(event=event)
    assert recipient.user == specialist
    assert recipient.kind == "staff.assigned"
    assert recipient.channels == (NotificationChannel.INAPP, NotificationChannel.EMAIL)


def test_whoever_assigns_to_themselves_is_not_told(dossier, receptionist):
    event = make_event(dossier, "assign", public=False, actor=receptionist, data={"assignee_id": receptionist.pk})
    assert event_recipients(event=event) == []


def test_citizen_preferences_are_honoured(agency):
    with_phone = UserFactory(phone="0912345678")
    without_phone = UserFactory(phone="")
    sms_only = UserFactory(phone="0987654321")
    NotificationPreference.objects.create(user=sms_only, email=False, sms=True)
    silent = UserFactory(phone="0911111111")
    NotificationPreference.objects.create(user=silent, email=False, sms=False)

    def channels(user):
        event = make_event(make_dossier(applicant=user, agency=agency), "receive")
        return event_recipients(event=event)[0].channels

    # Defaults: e-mail on, SMS on when a phone is known.
    assert channels(with_phone) == (NotificationChannel.EMAIL, NotificationChannel.SMS)
    assert channels(without_phone) == (NotificationChannel.EMAIL,)
    assert channels(sms_only) == (NotificationChannel.SMS,)
    assert channels(silent) == ()


def test_dossier_event_notify_records_rendered_messages_in_vietnamese(
    dossier, citizen, django_capture_on_commit_callbacks
):
    citizen.phone = "0912345678"
    citizen.save()
    event = make_event(dossier, "receive")
    with django_capture_on_commit_callbacks() as callbacks:
        rows = dossier_event_notify(event_id=event.pk)
    assert {row.channel for row in rows} == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    # One delivery task per row, queued after commit (one hook queues them all).
    with mock.patch("onestop.notifications.tasks.deliver_notification_task.delay") as delay:
        for callback in callbacks:
            callback()
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted(row.pk for row in rows)
    email = next(row for row in rows if row.channel == NotificationChannel.EMAIL)
    assert email.status == NotificationStatus.QUEUED
    assert email.to == citizen.email and email.dossier == dossier and email.event == event
    assert email.subject.startswith(f"Hồ sơ {dossier.code} đã được tiếp nhận")
    assert "Kính gửi Ông/Bà Nguyễn Văn An" in email.body
    assert dossier.procedure.name in email.body
    assert f"http://127.0.0.1:8000/ho-so/{dossier.public_id}/" in email.body
    assert "Mẫu số 01" in email.body
    local_due = timezone.localtime(dossier.due_at)
    assert local_due.strftime("%d/%m/%Y") in email.subject
    sms = next(row for row in rows if row.channel == NotificationChannel.SMS)
    assert sms.to == "0912345678" and len(sms.body) < 200


def test_the_workflows_hook_writes_from_the_event_at_hand(dossier, citizen, django_assert_num_queries):
    """The hook (event_notify) gets the event the action has just written, with the locked dossier:
    the event is not read again, and an event nobody hears of costs no statement at all."""
    internal = make_event(dossier, "receive", public=False)
    with django_assert_num_queries(0):
        assert event_notify(event=internal) == []
    NotificationPreference.objects.create(user=citizen, email=True, sms=False, language="en")
    event = make_event(Dossier.objects.select_related("agency").get(pk=dossier.pk), "receive")  # as begin() locks it
    with CaptureQueriesContext(connection) as captured:
        [row] = event_notify(event=event)
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if "onestop_dossierevent" in q.split(" WHERE ")[0] and q.startswith("SELECT")]
    # The applicant and their choices in one statement; their language is honoured.
    people = [q for q in sql if q.startswith("SELECT") and ('"portal_user"' in q or "notificationpreference" in q)]
    assert len(people) == 1 and "notificationpreference" in people[0]
    assert row.subject.startswith(f"Dossier {dossier.code} has been received") and row.event == event


def test_the_recipients_language_is_used(dossier, citizen):
    NotificationPreference.objects.create(user=citizen, email=True, sms=False, language="en")
    [row] = dossier_event_notify(event_id=make_event(dossier, "receive").pk)
    assert row.subject.startswith(f"Dossier {dossier.code} has been received")
    assert "Dear Nguyễn Văn An" in row.body and "Status: Received" in row.body


def test_notifying_twice_creates_and_sends_nothing_more(
    dossier, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(dossier, "resolve", from_status=S.PROCESSING, to_status=S.RESOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        first = dossier_event_notify(event_id=event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = dossier_event_notify(event_id=event.pk)
    assert len(first) == 1 and second == []
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"Hồ sơ {dossier.code} đã có kết quả"


def test_the_transition_service_notifies_after_commit(
    citizen, agency, receptionist, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    """The real chain: a workflow action → event_recorded → on_commit → notify task → delivery → e-mail."""
    from onestop.workflow import dossier_receive

    dossier = make_dossier(applicant=citizen, agency=agency)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_receive(dossier=dossier, actor=receptionist)
    [row] = Notification.objects.all()
    assert (row.kind, row.status, row.attempts) == ("dossier.received", NotificationStatus.SENT, 1)
    assert [m.to for m in mailoutbox] == [[citizen.email]]


def test_staff_in_app_message_is_delivered_by_being_recorded(
    dossier, agency, receptionist, django_capture_on_commit_callbacks
):
    specialist = make_staff(agency=agency, full_name="Phạm Minh Đức")
    event = make_event(dossier, "assign", public=False, actor=receptionist, data={"assignee_id": specialist.pk})
    with django_capture_on_commit_callbacks() as callbacks:
        rows = dossier_event_notify(event_id=event.pk)
    inapp = next(row for row in rows if row.channel == NotificationChannel.INAPP)
    assert inapp.status == NotificationStatus.SENT and inapp.read_at is None
    assert inapp.subject == f"Hồ sơ {dossier.code} được giao cho bạn xử lý"
    assert "/mot-cua/" in inapp.link  # staff go to the back office, not the citizen's page
    assert len(callbacks) == 1  # only the e-mail needs a delivery task


def test_notify_user_is_idempotent_per_occasion_and_skips_missing_addresses(dossier, agency):
    leader = make_staff(agency=agency, phone="")
    context = {"date": dt.date(2026, 11, 28), "summary": [{"label": "Quá hạn", "value": 3}], "link": "L"}
    kwargs = {"user": leader, "kind": "digest.daily", "context": context, "dedup_key": "digest.daily:2026-11-28"}
    rows = notify_user(
        channels=[NotificationChannel.INAPP, NotificationChannel.EMAIL, NotificationChannel.SMS], **kwargs
    )
    assert [row.channel for row in rows] == [NotificationChannel.INAPP, NotificationChannel.EMAIL]
    assert rows[0].subject == "Tổng hợp tình hình giải quyết hồ sơ ngày 28/11/2026"
    assert notify_user(channels=[NotificationChannel.EMAIL], **kwargs) == []
    assert Notification.objects.count() == 2


def test_a_vanished_event_is_ignored():
    assert dossier_event_notify(event_id=987654) == []
    assert not mail.outbox


def test_payment_amount_and_supplement_items_are_shown(dossier):
    event = make_event(
        dossier,
        "request_supplement",
        from_status=S.RECEIVED,
        to_status=S.SUPPLEMENT_REQUESTED,
        note="Bản sao chưa chứng thực",
        data={"items": [{"name": "Giấy chứng sinh", "note": "bản chính"}, "Tờ khai"]},
    )
    [row] = dossier_event_notify(event_id=event.pk)
    assert "- Giấy chứng sinh: bản chính\n- Tờ khai" in row.body
    assert "Nội dung: Bản sao chưa chứng thực" in row.body
    payment = make_event(
        dossier, "request_payment", from_status=S.PROCESSING, to_status=S.AWAITING_PAYMENT, data={"amount": 1500000}
    )
    [row] = dossier_event_notify(event_id=payment.pk)
    assert "Số tiền: 1.500.000 đồng." in row.body


def test_sms_text_loses_its_diacritics():
    assert strip_diacritics("Hồ sơ đã được tiếp nhận — Đà Nẵng “OK”") == 'Ho so da duoc tiep nhan - Da Nang "OK"'
