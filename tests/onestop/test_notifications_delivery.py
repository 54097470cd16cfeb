"""Delivery: once per row, retried with backoff, failed for good after the limit, logged."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from onestop.models import Notification, NotificationChannel, NotificationStatus
from onestop.notifications.delivery import (
    notification_deliver,
    notifications_retry,
    retry_delay,
)
from onestop.notifications.services import notify_user
from onestop.notifications.sms import FileSMSBackend, HttpSMSBackend, SMSError
from onestop.notifications.tasks import deliver_notification_task, requeue_stale_notifications_task
from tests.factories import UserFactory
from tests.onestop import test_notifications_support as support

pytestmark = pytest.mark.django_db
eager_celery = support.eager_celery


class RecordingSMSBackend:
    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> str:
        RecordingSMSBackend.sent.append((to, text))
        return "ok"


class FlakySMSBackend:
    """Fails the first attempt (a gateway timeout), then accepts."""

    calls = 0
    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> str:
        FlakySMSBackend.calls += 1
        if FlakySMSBackend.calls == 1:
            raise SMSError("gateway timeout")
        FlakySMSBackend.sent.append((to, text))
        return "id-2"


class BrokenSMSBackend:
    calls = 0

    def send(self, *, to: str, text: str) -> str:
        BrokenSMSBackend.calls += 1
        raise SMSError(f"brandname not registered (call {BrokenSMSBackend.calls})")


@pytest.fixture(autouse=True)
def _reset_backends():
    RecordingSMSBackend.sent = []
    FlakySMSBackend.calls, FlakySMSBackend.sent = 0, []
    BrokenSMSBackend.calls = 0


@pytest.fixture
def phone_user(db):
    return UserFactory(full_name="Nguyễn Văn An", phone="0912345678")


def _sms(user, key: str = "test:1") -> Notification:
    [row] = notify_user(
        user=user, kind="dossier.submitted", context={"code": "X-1", "link": "http://h/ho-so/1/"},
        channels=[NotificationChannel.SMS], dedup_key=key,
    )  # fmt: skip
    return row


def test_a_message_is_sent_once_however_often_the_task_runs(phone_user, settings, eager_celery, mailoutbox):
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.RecordingSMSBackend"
    row = _sms(phone_user)
    deliver_notification_task.delay(row.pk)
    deliver_notification_task.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)
    assert RecordingSMSBackend.sent == [
        ("0912345678", "Ho so X-1 da duoc nop, dang cho kiem tra. Xem: http://h/ho-so/1/")
    ]


def test_a_failed_attempt_is_retried_and_logged(phone_user, settings, eager_celery):
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.FlakySMSBackend"
    row = _sms(phone_user)
    deliver_notification_task.delay(row.pk)  # eager: the retry runs inline, without its countdown
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    assert row.last_error == "SMSError: gateway timeout"
    assert row.sent_at is not None and row.next_attempt_at is None
    assert len(FlakySMSBackend.sent) == 1


def test_backoff_doubles_from_the_base_delay(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(30) == 6 * 3600  # capped


def test_after_one_failure_the_next_attempt_is_scheduled(phone_user, settings):
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.BrokenSMSBackend"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    row = _sms(phone_user)
    before = timezone.now()
    notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)
    assert before + timedelta(seconds=59) < row.next_attempt_at < timezone.now() + timedelta(seconds=61)


def test_a_permanent_failure_is_marked_failed_after_the_maximum_attempts(phone_user, settings, eager_celery):
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.BrokenSMSBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row = _sms(phone_user)
    deliver_notification_task.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 3)
    assert row.last_error == "SMSError: brandname not registered (call 3)"
    assert BrokenSMSBackend.calls == 3
    deliver_notification_task.delay(row.pk)  # a late duplicate does not try again
    assert BrokenSMSBackend.calls == 3


def test_the_admin_retry_puts_failed_messages_back_with_fresh_attempts(
    phone_user, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.BrokenSMSBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    row = _sms(phone_user)
    deliver_notification_task.delay(row.pk)
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.RecordingSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_retry(ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)
    assert row.last_error.startswith("SMSError")  # the history of the failure stays visible
    assert notifications_retry(ids=[row.pk]) == 0  # sent rows are not retried


def test_email_goes_through_django_mail(settings, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(full_name="Trần Thị Bình")
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify_user(
            user=user, kind="dossier.submitted", context={"code": "X-9", "link": "L"},
            channels=[NotificationChannel.EMAIL], dedup_key="mail:1",
        )  # fmt: skip
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    [message] = mailoutbox
    assert message.to == [user.email] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Hồ sơ X-9 đã được nộp trực tuyến"
    assert message.body.startswith("Kính gửi Ông/Bà Trần Thị Bình,")


def test_lost_tasks_are_queued_again_by_the_periodic_sweep(
    phone_user, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.onestop.test_notifications_delivery.RecordingSMSBackend"
    stale, fresh = _sms(phone_user, "a"), _sms(phone_user, "b")
    Notification.objects.filter(pk=stale.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_notifications_task.delay().get() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == NotificationStatus.SENT and fresh.status == NotificationStatus.QUEUED


def test_file_backend_appends_json_lines(tmp_path, settings):
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    FileSMSBackend().send(to="0912345678", text="Ho so 1")
    FileSMSBackend().send(to="0987654321", text="Ho so 2")
    lines = [json.loads(line) for line in (tmp_path / "sms" / "outbox.jsonl").read_text().splitlines()]
    assert [(line["to"], line["text"], line["sender"]) for line in lines] == [
        ("0912345678", "Ho so 1", "DVC"),
        ("0987654321", "Ho so 2", "DVC"),
    ]


# ------------------------------------------------------------------ the HTTP gateway (the edge)


class FakeGateway(BaseHTTPRequestHandler):
    """A brandname SMS gateway: JSON in, JSON out, HTTP Basic credentials."""

    requests: list[dict] = []
    answers: list[tuple[int, dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeGateway.requests.append(
            {"auth": self.headers.get("Authorization"), "type": self.headers.get("Content-Type"), "body": body}
        )
        expected = "Basic " + base64.b64encode(b"dvc:s3cret").decode()
        if self.headers.get("Authorization") != expected:
            status, answer = 401, {"error": "bad credentials"}
        elif FakeGateway.answers:
            status, answer = FakeGateway.answers.pop(0)
        else:
            status, answer = 200, {"id": f"msg-{len(FakeGateway.requests)}", "status": "queued"}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway(settings):
    FakeGateway.requests, FakeGateway.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "onestop.notifications.sms.HttpSMSBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/api/sms/send"
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = "dvc", "s3cret"
    settings.SMS_SENDER_NAME = "UBND-TINH"
    settings.SMS_GATEWAY_TIMEOUT = 5
    yield FakeGateway
    server.shutdown()
    server.server_close()


def test_http_gateway_receives_json_with_credentials_and_sender(gateway):
    assert HttpSMSBackend().send(to="0912 345 678", text="Ho so X-1 da nop") == "msg-1"
    [request] = gateway.requests
    assert request["type"].startswith("application/json")
    assert json.loads(request["body"]) == {"from": "UBND-TINH", "to": "84912345678", "text": "Ho so X-1 da nop"}


def test_http_gateway_form_encoding(gateway, settings):
    settings.SMS_GATEWAY_FORMAT = "form"
    HttpSMSBackend().send(to="0912345678", text="Ho so 1")
    assert gateway.requests[0]["body"] == b"from=UBND-TINH&to=84912345678&text=Ho+so+1"


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (503, {"error": "busy"}, "HTTP 503"),
        (200, {"status": "error", "message": "Brandname not registered"}, "Brandname not registered"),
        (200, {"error": "invalid number"}, "invalid number"),
    ],
)
def test_http_gateway_refusals_raise(gateway, status, answer, error):
    gateway.answers = [(status, answer)]
    with pytest.raises(SMSError, match=error):
        HttpSMSBackend().send(to="0912345678", text="x")


def test_http_gateway_wrong_credentials_raise(gateway, settings):
    settings.SMS_GATEWAY_PASSWORD = "wrong"
    with pytest.raises(SMSError, match="HTTP 401"):
        HttpSMSBackend().send(to="0912345678", text="x")


def test_unreachable_gateway_raises(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.SMS_GATEWAY_TIMEOUT = 2
    with pytest.raises(SMSError, match="unreachable"):
        HttpSMSBackend().send(to="0912345678", text="x")


def test_a_gateway_outage_is_retried_through_the_task(gateway, phone_user, eager_celery):
    gateway.answers = [(502, {"error": "upstream down"})]
    row = _sms(phone_user)
    deliver_notification_task.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    assert "HTTP 502" in row.last_error
    assert len(gateway.requests) == 2
