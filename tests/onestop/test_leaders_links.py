"""Every staff message about a dossier links to a page its recipient can open (issue #12): the
dossier page when onestop.access lets them see it, else the queue filtered to it (leaders, heads of
unit), else their home — on SITE_URL whatever the port, and on the current host in the in-app list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from onestop.deadlines.services import deadline_crossings_notify, deadline_digest_send, deadline_sweep
from onestop.models import DeadlineCrossing, DossierEvent, DossierStatus, Notification, Role, StaffRole
from onestop.notifications.services import dossier_event_notify, staff_link_for
from onestop.workflow.snapshot import procedure_snapshot
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import NOW, ONE_DAY, TWO_DAYS, make_dossier, staff

pytestmark = pytest.mark.django_db
fresh_calendar_cache = support.fresh_calendar_cache
org = support.org
S = DossierStatus
MINUTE = dt.timedelta(minutes=1)
SITE = "http://127.0.0.1:8740"


@pytest.fixture
def people(org):
    return SimpleNamespace(
        specialist=staff(org.unit, Role.SPECIALIST, full_name="Chuyên viên"),
        unit_head=staff(org.unit, Role.APPROVER, full_name="Trưởng phòng"),
        receptionist=staff(org.department, Role.RECEPTIONIST, full_name="Tiếp nhận Sở"),
        province_leader=staff(org.province, Role.LEADER, full_name="Chủ tịch tỉnh"),
        department_leader=staff(org.department, Role.LEADER, full_name="Lãnh đạo Sở"),
        other_leader=staff(org.other, Role.LEADER, full_name="Lãnh đạo Sở khác"),
    )


def _dossier(org, **fields):
    return make_dossier(org, snapshot=procedure_snapshot(org.procedure), **fields)


@pytest.fixture
def messages(org, people, settings):
    """One dossier for each kind of crossing, an assignment, and the digest, all notified."""
    settings.SITE_URL = SITE
    at_unit = {"step_agency": org.unit, "current_step": 1, "assignee": people.specialist}
    late = _dossier(org, due_at=NOW - MINUTE, step_due_at=NOW - MINUTE, **at_unit)  # overdue, step overdue
    _dossier(org, due_at=ONE_DAY, step_due_at=ONE_DAY, extensions=1, **at_unit)  # due soon, step due soon
    _dossier(org, due_at=TWO_DAYS, **at_unit)  # the apology reminder (not extended yet)
    _dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)  # not checked within 8 working hours
    deadline_sweep(now=NOW)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))
    event = DossierEvent.objects.create(
        dossier=late, actor=people.unit_head, action="assign", from_status=S.PROCESSING, to_status=S.PROCESSING,
        public=False, data={"assignee_id": people.specialist.pk},
    )  # fmt: skip
    dossier_event_notify(event_id=event.pk)
    deadline_digest_send(now=NOW)
    return SimpleNamespace(late=late)


ROLE_OF = {
    "Chuyên viên": "specialist (assignee)",
    "Trưởng phòng": "head of unit",
    "Tiếp nhận Sở": "receptionist",
    "Chủ tịch tỉnh": "leader (province)",
    "Lãnh đạo Sở": "leader (department)",
}


def test_every_staff_message_links_to_a_page_its_recipient_opens(client, messages, people):
    seen: set[tuple[str, str]] = set()
    inapp = Notification.objects.filter(channel="inapp").select_related("recipient")
    for message in inapp:
        assert message.link.startswith(SITE + "/"), message.link  # SITE_URL, whatever the default port
        client.force_login(message.recipient)
        response = client.get(message.site_path)
        assert response.status_code == 200, (message.kind, message.recipient.full_name, message.link)
        if message.dossier_id:
            assert message.dossier.code in response.content.decode()
        seen.add((message.kind, ROLE_OF[message.recipient.full_name]))
    # The matrix the test walks (a widening or narrowing of the recipients shows up here).
    assert seen == {
        ("deadline.overdue", "specialist (assignee)"),
        ("deadline.overdue", "head of unit"),
        ("deadline.overdue", "leader (department)"),
        ("deadline.overdue", "leader (province)"),
        ("deadline.overdue", "receptionist"),  # the online check, late
        ("deadline.due_soon", "specialist (assignee)"),
        ("deadline.due_soon", "head of unit"),
        ("deadline.apology_reminder", "head of unit"),
        ("staff.assigned", "specialist (assignee)"),
        ("digest.daily", "leader (department)"),
        ("digest.daily", "leader (province)"),
    }
    # The e-mail carries the same absolute link as the in-app row.
    for message in Notification.objects.filter(channel="email", dossier__isnull=False):
        assert message.link in message.body and message.link.startswith(SITE + "/")


def test_the_leaders_escalation_opens_the_dossier_read_only(client, messages, people):
    message = Notification.objects.get(
        channel="inapp", recipient=people.province_leader, kind="deadline.overdue", dossier=messages.late
    )
    assert urlsplit(message.link).path == reverse("onestop:dossier", kwargs={"public_id": messages.late.public_id})
    client.force_login(people.province_leader)
    html = client.get(message.site_path).content.decode()
    assert messages.late.code in html
    assert "thao-tac" not in html  # no action form: leaders read


def test_a_dossier_out_of_sight_links_to_the_queue_or_home(client, org, people, settings):
    settings.SITE_URL = SITE
    dossier = _dossier(org, due_at=NOW - MINUTE, step_agency=org.unit, current_step=1)
    # A leader of another branch: the overdue queue filtered to the code, which shows nothing.
    link = staff_link_for(user=people.other_leader, dossier=dossier)
    assert link == f"{SITE}{reverse('onestop:queue', args=['qua-han'])}?q={dossier.code}"
    client.force_login(people.other_leader)
    response = client.get(urlsplit(link).path + "?" + urlsplit(link).query)
    assert response.status_code == 200 and f">{dossier.code}</a>" not in response.content.decode()
    # An assignee whose role has ended: their home.
    StaffRole.objects.filter(user=people.specialist).update(active=False)
    people.specialist.__dict__.pop("_access_scope", None)
    StaffRole.objects.create(user=people.specialist, agency=org.other, role=Role.SPECIALIST)
    link = staff_link_for(user=people.specialist, dossier=dossier)
    assert link == SITE + reverse("onestop:home")
    client.force_login(people.specialist)
    assert client.get(reverse("onestop:home")).status_code == 200


def test_the_in_app_list_links_on_the_host_in_use(client, messages, people, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"  # the port changed since the messages were written
    client.force_login(people.province_leader)
    html = client.get(reverse("notifications:inbox")).content.decode()
    path = reverse("onestop:dossier", kwargs={"public_id": messages.late.public_id})
    assert f'href="{path}"' in html
    assert f'href="{SITE}' not in html
