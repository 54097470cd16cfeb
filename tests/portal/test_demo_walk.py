"""The demo works end to end: with the demo accounts alone, one online dossier of every demo agency
goes from submission to return, and a ward dossier through the back-office pages as tiepnhan@,
chuyenvien@ and lanhdao.phong@demo.vn (what the README says they can do)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from onestop.models import Dossier, DossierStatus, StaffRole
from portal.demo.agencies import CENTRE
from portal.demo.dossiers import demo_dossier
from portal.demo.walk import DemoStaff, result_pdf, walk
from portal.models import User
from procedures.models import Agency, Channel, Procedure, ProcedureStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--without-dossiers", verbosity=0)


def _online_procedures_by_agency() -> dict[str, Procedure]:
    chosen: dict[str, Procedure] = {}
    for procedure in (
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, channels__channel=Channel.ONLINE)
        .select_related("receiving_agency")
        .order_by("code")
    ):
        chosen.setdefault(procedure.receiving_agency.code, procedure)
    return chosen


def test_the_demo_forms_and_receipts_name_the_city_above_its_agencies(demo):
    # The header of forms 01–07 and receipts read "UBND THÀNH PHỐ" — which city?
    from onestop.documents.layout import agency_header

    for code in ("000.00.01.H12", "000.00.14.H12"):  # the centre, Sở Tư pháp
        assert agency_header(Agency.objects.get(code=code))[0] == "UBND THÀNH PHỐ HỒ CHÍ MINH"


def test_one_dossier_of_every_demo_agency_reaches_its_return(demo):
    citizen = User.objects.get(email="congdan@demo.vn")
    staff = DemoStaff()
    by_agency = _online_procedures_by_agency()
    assert len(by_agency) >= 5  # the provincial centre and the four communes
    for code, procedure in by_agency.items():
        dossier = walk(demo_dossier(procedure=procedure, applicant=citizen), staff=staff)
        assert dossier.status == DossierStatus.RETURNED, code
        actors = set(dossier.events.exclude(action="submit").values_list("actor__email", flat=True))
        assert actors <= {"tiepnhan@demo.vn", "chuyenvien@demo.vn", "lanhdao.phong@demo.vn", "buudien@demo.vn"}


def test_every_published_process_is_staffed_by_the_demo_accounts(demo):
    """Each step's role is held by its demo account in the step's unit (and the desk at each agency)."""
    held = set(StaffRole.objects.filter(active=True).values_list("user__email", "agency_id", "role"))
    accounts = {
        "receptionist": "tiepnhan@demo.vn",
        "specialist": "chuyenvien@demo.vn",
        "approver": "lanhdao.phong@demo.vn",
    }
    for procedure in Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).prefetch_related("process__steps"):
        assert ("tiepnhan@demo.vn", procedure.receiving_agency_id, "receptionist") in held, procedure.code
        for step in procedure.process.steps.all():
            assert (accounts[step.role], step.agency_id, step.role) in held, (procedure.code, step.order)


def _post_action(client, dossier, action, **data):
    dossier.refresh_from_db()
    response = client.post(
        reverse("onestop:dossier_action", args=[dossier.pk, action]),
        {"confirm": "on", "expected_version": dossier.version, **data},
        follow=True,
    )
    html = response.content.decode()
    assert 'class="message message-success"' in html, re.findall(r'class="message[^"]*">([^<]*)', html)
    return html


def test_a_ward_dossier_through_the_back_office_pages_with_the_demo_accounts(client, demo):
    """Procedure 1.004873 at UBND phường Thủ Dầu Một: the review found it could never be processed."""
    procedure = Procedure.objects.get(code="1.004873")
    dossier = demo_dossier(procedure=procedure, applicant=User.objects.get(email="congdan@demo.vn"))
    desk, specialist, head = (
        User.objects.get(email=e) for e in ("tiepnhan@demo.vn", "chuyenvien@demo.vn", "lanhdao.phong@demo.vn")
    )
    page = reverse("onestop:dossier", args=[dossier.pk])

    client.force_login(desk)
    _post_action(client, dossier, "receive")
    _post_action(client, dossier, "forward", note="Hồ sơ đầy đủ")
    client.force_login(head)
    assert client.get(page).status_code == 200
    _post_action(client, dossier, "assign", assignee=specialist.pk)
    client.force_login(specialist)
    assert "thao-tac/forward" in client.get(page, {"hanh-dong": "forward"}).content.decode()
    _post_action(client, dossier, "forward", note="Đủ điều kiện")
    client.force_login(head)
    _post_action(client, dossier, "resolve", result_file=result_pdf())
    client.force_login(desk)
    _post_action(client, dossier, "return_result", method="online")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.national_status == 10
    client.force_login(dossier.applicant)
    html = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Đã trả kết quả" in html


def test_the_demo_seed_moves_dossiers_with_the_real_actions(settings, tmp_path):
    """Every status is represented, and the clock and counters are those of the real actions."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert statuses == set(DossierStatus.values)
    for dossier in Dossier.objects.filter(status=DossierStatus.SUPPLEMENT_REQUESTED):
        assert dossier.paused_at is not None and dossier.supplement_requests == 1, dossier.code
    awaiting = Dossier.objects.filter(status=DossierStatus.AWAITING_PAYMENT)
    assert awaiting.exclude(applicant__email="congdan@demo.vn").count() == 3
    # Payable in the sandbox (payments): one asked by an officer, one paid at submission (2.000635).
    mine = awaiting.filter(applicant__email="congdan@demo.vn")
    assert sorted(d.received_at is None for d in mine) == [False, True]
    assert mine.get(received_at__isnull=True).procedure.code == "2.000635"
    assert Dossier.objects.filter(events__action="transfer").exists()  # inter-agency dossiers too
    assert_demo_times_are_working_moments()
    assert_demo_histories_take_time()


def _at_work(moment, calendar) -> bool:
    """`moment` falls on a working day, inside (or at an end of) one of its working periods."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    info = calendar.day_info(local.date())
    return info.is_working and any(p.start <= local.time().replace(tzinfo=None) <= p.end for p in info.periods)


def assert_demo_times_are_working_moments() -> None:
    """Issue #15: seeded times come from the working calendar like real ones — no deadline at 03:36 or
    on a Sunday: every open dossier's deadlines, and every submission and reception, at a working moment."""
    from onestop.models import OPEN_STATUSES
    from onestop.workcalendar.django_calendar import calendar_for_agency

    calendars: dict[int, object] = {}
    checked = 0
    for dossier in Dossier.objects.exclude(status=DossierStatus.DRAFT).select_related("agency", "step_agency"):
        fields = ["submitted_at", "received_at"]
        if dossier.status in OPEN_STATUSES:
            fields += ["check_due_at", "due_at", "step_due_at"]
        for name in fields:
            value = getattr(dossier, name)
            if value is None:
                continue
            owner = dossier.step_agency if name == "step_due_at" and dossier.step_agency else dossier.agency
            calendar = calendars.setdefault(owner.pk, calendar_for_agency(owner))
            assert _at_work(value, calendar), f"{dossier.code} {name} {value:%H:%M %a %d/%m/%Y}"
            checked += 1
    assert checked > 400


def assert_demo_histories_take_time() -> None:
    """The officers of the demo take their time between two actions (hours, days — within the real
    now): the timelines read like real ones and the statistics' processing times are not all zero."""
    import datetime as dt

    from django.db.models import Max, Min
    from django.utils import timezone

    from onestop.models import DossierEvent
    from onestop.statistics.selectors import processing_times
    from procedures.models import Agency

    now = timezone.now()
    assert not DossierEvent.objects.filter(created_at__gt=now).exists()
    returned = Dossier.objects.filter(status=DossierStatus.RETURNED).annotate(
        first=Min("events__created_at"), last=Max("events__created_at")
    )
    spans = [d.last - d.first for d in returned]
    for dossier in returned.filter(evaluation__isnull=False).select_related("evaluation"):
        assert dossier.closed_at <= dossier.evaluation.created_at <= now, dossier.code  # evaluated once returned
    assert len(spans) >= 10
    assert sum(span >= dt.timedelta(hours=1) for span in spans) >= len(spans) // 2, sorted(spans)
    times = processing_times(
        agency_ids=Agency.objects.values_list("pk", flat=True), start=now - dt.timedelta(days=62), end=now
    )
    units = times["units"]
    assert units and any(unit["average_hours"] >= 1 and unit["p90_hours"] >= 1 for unit in units), units
    assert sum(unit["average_hours"] > 0 for unit in units) >= len(units) / 2, units


def test_a_by_post_dossier_is_walked_to_its_return_through_its_shipment(demo):
    from onestop.models import ShipmentState

    citizen = User.objects.get(email="congdan@demo.vn")
    procedure = next(
        p for p in Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, channels__channel=Channel.ONLINE)
        .filter(receiving_agency__code=CENTRE)
        .order_by("code") if "post" in (p.delivery_methods or [])
    )  # fmt: skip
    dossier = demo_dossier(procedure=procedure, applicant=citizen)
    Dossier.objects.filter(pk=dossier.pk).update(
        delivery_method="post", delivery_address="Số 12 Yersin, phường Thủ Dầu Một, TP. Hồ Chí Minh",
        delivery_phone="0912345678",
    )  # fmt: skip
    dossier = walk(dossier, staff=DemoStaff())
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.shipment.state == ShipmentState.DELIVERED
    assert dossier.events.filter(action="shipment_delivered", actor__email="buudien@demo.vn").exists()


def test_the_demo_result_page_is_in_vietnamese():
    """The demo's result (signed onto by the agency) reads "Kết quả giải quyết", with its diacritics."""
    import subprocess

    from tests.tools import require_tools

    tools = require_tools("pdftotext")
    upload = result_pdf()
    text = subprocess.run([tools["pdftotext"], "-", "-"], input=upload.read(), capture_output=True, check=True)
    assert "Kết quả giải quyết thủ tục hành chính" in text.stdout.decode()
