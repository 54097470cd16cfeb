"""The bell, the staff inbox, the citizen's channel choices and the admin log."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import include, path, reverse
from django.utils import timezone

from onestop.models import Notification, NotificationChannel, NotificationPreference, NotificationStatus
from onestop.notifications import admin as _notifications_admin  # noqa: F401  (registers it, see below)
from portal import urls as portal_urls
from tests.factories import PASSWORD, UserFactory
from tests.onestop.test_notifications_support import make_dossier, make_staff

# Until portal/urls.py includes onestop.notifications.urls (and onestop/admin.py imports the
# notification admin), this module serves the site with both; afterwards it serves it unchanged.

urlpatterns = [p for p in portal_urls.urlpatterns if str(p.pattern) != "admin/"]
urlpatterns.append(path("admin/", admin.site.urls))
if not any(getattr(p, "namespace", None) == "notifications" for p in urlpatterns):
    urlpatterns.append(path("", include("onestop.notifications.urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _inapp(user, n: int, *, read: bool = False, dossier=None) -> Notification:
    return Notification.objects.create(
        recipient=user,
        channel=NotificationChannel.INAPP,
        kind="staff.assigned",
        dedup_key=f"t:{user.pk}:{n}",
        subject=f"Hồ sơ số {n} được giao cho bạn xử lý",
        body="Nội dung",
        link="http://127.0.0.1:8000/mot-cua/",
        status=NotificationStatus.SENT,
        read_at=timezone.now() if read else None,
        dossier=dossier,
    )


@pytest.fixture
def staff_client(client, receptionist):
    client.force_login(receptionist)
    return client


def test_the_bell_shows_the_unread_count_to_staff(staff_client, receptionist):
    for n in range(3):
        _inapp(receptionist, n)
    _inapp(receptionist, 9, read=True)
    _inapp(UserFactory(), 10)  # someone else's
    response = staff_client.get(reverse("onestop:home"))
    html = response.content.decode()
    assert 'href="/mot-cua/thong-bao/"' in html
    assert '<span class="badge" aria-hidden="true">3</span>' in html


def test_the_bell_costs_one_query(rf, receptionist, django_assert_num_queries):
    from django.db import connection
    from django.template.loader import render_to_string

    _inapp(receptionist, 1)
    request = rf.get("/")
    request.user = receptionist
    UserFactory().notifications.unread_count()  # PostgreSQL: the statement is prepared once per session
    with django_assert_num_queries(1) as captured:
        html = render_to_string("notifications/bell.html", {"user": receptionist, "is_staff_member": True}, request)
    assert ">1</span>" in html
    if connection.vendor == "postgresql":  # unread()'s rule, compiled once and prepared (onestop.prepared)
        assert captured.captured_queries[0]["sql"].startswith("EXECUTE dvc_"), captured


def test_citizens_and_visitors_see_no_bell(client, citizen):
    assert "/mot-cua/thong-bao/" not in client.get(reverse("portal:home")).content.decode()
    client.force_login(citizen)
    assert "/mot-cua/thong-bao/" not in client.get(reverse("portal:home")).content.decode()


def test_citizens_and_visitors_cannot_open_the_inbox(client, citizen):
    url = reverse("notifications:inbox")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    assert client.post(reverse("notifications:mark_read"), {"all": "1"}).status_code == 403


def test_the_inbox_lists_only_ones_own_messages(
    staff_client, receptionist, agency, citizen, django_assert_max_num_queries
):
    dossier = make_dossier(applicant=citizen, agency=agency)
    for n in range(5):
        _inapp(receptionist, n, dossier=dossier)
    _inapp(UserFactory(), 99)
    Notification.objects.create(  # e-mails are not in the inbox
        recipient=receptionist, channel=NotificationChannel.EMAIL, kind="staff.assigned", dedup_key="mail",
        subject="E-mail only", body="x", to=receptionist.email,
    )  # fmt: skip
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("notifications:inbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<strong>Hồ sơ số") == 5
    assert "Hồ sơ số 99" not in html and "E-mail only" not in html
    assert dossier.code in html


def test_staff_mark_one_then_all_as_read(staff_client, receptionist):
    first, *_ = (_inapp(receptionist, n) for n in range(3))
    other = _inapp(UserFactory(), 7)
    response = staff_client.post(reverse("notifications:mark_read"), {"id": [first.pk, other.pk]})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=receptionist).unread().count() == 2
    other.refresh_from_db()
    assert other.read_at is None  # nobody marks another's messages
    staff_client.post(reverse("notifications:mark_read"), {"all": "1"})
    assert receptionist.notifications.unread_count() == 0


def test_marking_read_needs_post(staff_client):
    assert staff_client.get(reverse("notifications:mark_read")).status_code == 405


# ------------------------------------------------------------------- citizen's channel choices


def test_preferences_page_shows_the_defaults_and_saves_choices(client):
    user = UserFactory(phone="0912345678")
    client.force_login(user)
    url = reverse("notifications:preferences")
    assert url == "/tai-khoan/thong-bao/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and 'name="sms"' in html
    assert html.count("checked") == 2  # e-mail on, SMS on because a phone is known
    response = client.post(url, {"sms": "on", "language": "en"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=user)
    assert (preference.email, preference.sms, preference.language) == (False, True, "en")


def test_sms_needs_a_phone_number(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("notifications:preferences"), {"email": "on", "sms": "on", "language": "vi"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert not NotificationPreference.objects.filter(user=citizen).exists()


def test_preferences_need_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------------------- the admin log


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.login(email=superuser.email, password=PASSWORD)
    return client


def test_admin_lists_filters_and_searches_the_log(admin_client, citizen, agency):
    dossier = make_dossier(applicant=citizen, agency=agency)
    Notification.objects.create(
        recipient=citizen, channel=NotificationChannel.SMS, kind="dossier.received", dedup_key="a", dossier=dossier,
        subject="Đã tiếp nhận", body="x", to="0912345678", status=NotificationStatus.FAILED, attempts=5,
        last_error="SMSError: gateway timeout",
    )  # fmt: skip
    Notification.objects.create(
        recipient=UserFactory(), channel=NotificationChannel.EMAIL, kind="dossier.submitted", dedup_key="b",
        subject="Đã nộp", body="x", to="x@example.vn",
    )  # fmt: skip
    url = reverse("admin:onestop_notification_changelist")
    response = admin_client.get(url, {"status__exact": "failed", "channel__exact": "sms"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert admin_client.get(url, {"q": dossier.code}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": citizen.email}).context["cl"].result_count == 1
    row = Notification.objects.get(dedup_key="a")
    detail = admin_client.get(reverse("admin:onestop_notification_change", args=[row.pk]))
    assert detail.status_code == 200 and "SMSError: gateway timeout" in detail.content.decode()
    assert admin_client.get(reverse("admin:onestop_notification_add")).status_code == 403


def test_admin_action_retries_failed_notifications(admin_client, citizen, django_capture_on_commit_callbacks):
    failed = Notification.objects.create(
        recipient=citizen, channel=NotificationChannel.EMAIL, kind="dossier.received", dedup_key="f",
        subject="s", body="b", to=citizen.email, status=NotificationStatus.FAILED, attempts=5, last_error="boom",
    )  # fmt: skip
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            reverse("admin:onestop_notification_changelist"),
            {"action": "retry_failed", "_selected_action": [failed.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.QUEUED, 0)
    assert len(callbacks) == 1


def test_staff_inbox_link_for_a_specialist(client, agency):
    specialist = make_staff(agency=agency)
    client.force_login(specialist)
    assert client.get(reverse("notifications:inbox")).status_code == 200
