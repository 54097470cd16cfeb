"""The leader in Chromium (issue #12): the escalation in the bell opens the late dossier; the home's
figure opens the overdue queue, which says where the dossier sits, how late and why."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from onestop.deadlines.services import deadline_crossings_notify, deadline_sweep
from onestop.models import DeadlineCrossing, DossierEvent, DossierStatus, Role
from procedures.models import Agency
from tests.factories import PASSWORD, StaffRoleFactory
from tests.onestop.test_backoffice_queues import at_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_follows_an_escalation_and_reads_the_overdue_queue(live_server, page, office, settings):
    cache.clear()
    base = live_server.url
    settings.SITE_URL = base  # the links follow wherever the portal runs
    province = Agency.objects.create(code="000.00.00.H12", name="Ủy ban nhân dân tỉnh Thử")
    Agency.objects.filter(pk=office.agency.pk).update(parent=province)
    leader = StaffRoleFactory(agency=province, role=Role.LEADER, user__full_name="Chủ tịch tỉnh").user
    leader.set_password(PASSWORD)
    leader.save()
    now = timezone.now()
    late = at_step(
        office, 2, status=DossierStatus.PROCESSING, assignee=office.specialist, received_at=now - dt.timedelta(days=9),
        due_at=now - dt.timedelta(days=2), step_due_at=now - dt.timedelta(days=2),
    )  # fmt: skip
    DossierEvent.objects.create(
        dossier=late, actor=office.approver, action="extend", from_status="processing", to_status="processing",
        note="Chờ kết quả xác minh của Công an phường",
    )  # fmt: skip
    deadline_sweep(now=now)
    deadline_crossings_notify(crossing_ids=list(DeadlineCrossing.objects.values_list("pk", flat=True)))

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", leader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    # The bell → the escalation → the dossier page, read-only.
    page.click(".nav-bell a")
    page.click(f"table a:has-text('{late.code}')")
    expect(page).to_have_url(re.compile(re.escape(base) + "/mot-cua/ho-so/"))
    expect(page.locator("main")).to_contain_text(late.code)
    assert page.locator("form[action*='/thao-tac/']").count() == 0

    # The home's figure → the overdue queue with where, how late, why.
    page.goto(f"{base}/mot-cua/")
    page.click(".figure-overdue a")
    page.wait_for_load_state()
    row = page.locator("tr", has_text=late.code)
    text = row.inner_text()
    for expected in (office.agency.name, office.specialist.full_name, "quá hạn", "Chờ kết quả xác minh"):
        assert expected in text, expected
