"""The national-portal sync (issue 13): an outbox written with the event, delivered in order per
dossier, once in effect, through outages and killed workers — against a fake national endpoint
that speaks the same JSON over real HTTP (tests/onestop/national_fake.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from onestop import workflow
from onestop.models import NationalService, NationalSyncRecord, NationalSyncState
from onestop.national.delivery import national_sync_drain
from onestop.national.selectors import national_sync_backlog
from onestop.national.services import national_record_event, national_records_replay
from onestop.national.transports import HttpTransport
from tests.onestop.conftest import result_pdf
from tests.onestop.national_fake import FakeNationalPortal
from tests.onestop.test_notifications_worker import ON_POSTGRES, _database_url

pytestmark = pytest.mark.django_db

NATIONAL_TIME = re.compile(r"^\d{14}$")


@pytest.fixture
def national(settings):
    with FakeNationalPortal() as portal:
        settings.NATIONAL_SYNC_URL = portal.url
        settings.NATIONAL_SYNC_TOKEN = portal.token = "secret-token"
        settings.NATIONAL_SYNC_RETRY_BASE_SECONDS = 30
        settings.NATIONAL_SYNC_MAX_RETRY_SECONDS = 900
        settings.NATIONAL_SYNC_MAX_ATTEMPTS = 20
        yield portal


def _walk(office, *, internal_note="Chuyển anh Đức xem kỹ giấy tờ nhà đất"):
    """Submitted → received → two hand-overs → resolved → returned online."""
    dossier = office.submitted()
    dossier = workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist, note=internal_note)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    dossier = workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    return workflow.dossier_return_result(dossier=dossier, actor=office.receptionist, method="online")


def _later(seconds: int) -> None:
    """Let `seconds` pass for the outbox: backoffs and leases run out."""
    NationalSyncRecord.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=F("next_attempt_at") - timedelta(seconds=seconds)
    )
    NationalSyncRecord.objects.filter(lease_until__isnull=False).update(
        lease_until=F("lease_until") - timedelta(seconds=seconds)
    )


# ------------------------------------------------------------------------------ the records


def test_each_reported_event_writes_its_national_record_in_the_same_transaction(office):
    dossier = office.submitted()
    with transaction.atomic():
        workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
        assert NationalSyncRecord.objects.filter(event__dossier=dossier, event__action="receive").exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
        raise RuntimeError("the request failed after the action")
    assert not NationalSyncRecord.objects.filter(event__action="forward").exists()


def test_the_records_are_in_the_national_shape(office):
    dossier = _walk(office)
    rows = list(NationalSyncRecord.objects.filter(dossier=dossier).select_related("event").order_by("pk"))
    assert [(r.event.action, r.service) for r in rows] == [
        ("submit", NationalService.DOSSIER),
        ("receive", NationalService.DOSSIER),
        ("forward", NationalService.DOSSIER),  # received → being processed: a status change
        ("forward", NationalService.PROGRESS),  # specialist → approver: a hand-over
        ("resolve", NationalService.DOSSIER),
        ("return_result", NationalService.DOSSIER),
    ]
    assert [r.payload.get("TrangThaiHoSo", r.payload.get("TrangThai")) for r in rows] == [1, 2, 4, 4, 9, 10]
    first, received, processing, handover, resolved, returned = (r.payload for r in rows)
    assert first["MaHoSo"] == dossier.code and first["SoBienNhan"] == dossier.code
    assert first["MaTTHC"] == "1.001193" and first["MaLinhVuc"] == office.procedure.sector.code
    assert first["KenhThucHien"] == 2 and first["ChuHoSo"] == "Nguyễn Văn An"
    assert first["MaDoiTuong"] == "074090001234" and first["LoaiDoiTuong"] == 1
    assert NATIONAL_TIME.match(first["NgayNopHoSo"]) and first["NgayTiepNhan"] == ""
    assert NATIONAL_TIME.match(received["NgayTiepNhan"]) and NATIONAL_TIME.match(received["NgayHenTra"])
    # Vietnam time, not UTC.
    received_at = timezone.localtime(dossier.received_at, timezone=timezone.get_fixed_timezone(420))
    assert received["NgayTiepNhan"] == received_at.strftime("%Y%m%d%H%M%S")
    assert processing["QuaTrinhXuLy"][0]["NguoiXuLy"] == "Lê Thị Cúc"
    assert handover["NguoiXuLy"] == "Phạm Minh Đức" and handover["ChucDanh"] == "Chuyên viên xử lý"
    # An officer's internal note stays in the province.
    assert "nhà đất" not in str([r.payload for r in rows])
    assert NATIONAL_TIME.match(resolved["NgayKetThucXuLy"])
    assert returned["TrangThaiHoSo"] == 10 and NATIONAL_TIME.match(returned["NgayTra"])
    assert [g["MaThanhPhanHoSo"] for g in returned["DanhSachGiayToKetQua"]]  # the e-result is listed
    assert returned["QuaTrinhXuLy"][0]["TrangThai"] == 10


def test_the_first_record_creates_the_dossier_and_a_hook_run_twice_writes_one(
    office, django_capture_on_commit_callbacks
):
    dossier = office.submitted()
    assert NationalSyncRecord.objects.get(dossier=dossier).is_update is False  # the submission: isUpdating false
    with transaction.atomic():
        received = workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
        event = received.events.get(action="receive")
        record = NationalSyncRecord.objects.get(event=event)
        assert record.is_update is True
        with django_capture_on_commit_callbacks() as callbacks:
            again = national_record_event(event=event, dossier=received)
    assert again.pk == record.pk and callbacks == []  # nothing written or queued twice
    assert NationalSyncRecord.objects.filter(dossier=dossier).count() == 2


def test_supplement_requests_are_reported_with_their_answer(office):
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    dossier = workflow.dossier_request_supplement(
        dossier=dossier, actor=office.receptionist, items=[{"name": "Bản sao sổ hộ khẩu"}], reason="Thiếu giấy tờ"
    )
    rows = list(NationalSyncRecord.objects.filter(dossier=dossier).order_by("pk"))
    asked = rows[-1].payload
    assert asked["TrangThaiHoSo"] == 5
    assert asked["DanhSachHoSoBoSung"][0]["NoiDungBoSung"] == "Bản sao sổ hộ khẩu"
    assert asked["DanhSachHoSoBoSung"][0]["TrangThaiBoSung"] == 0


def test_sync_switched_off_writes_nothing(office, settings):
    settings.NATIONAL_SYNC_ENABLED = False
    dossier = _walk(office)
    assert not NationalSyncRecord.objects.filter(dossier=dossier).exists()


def test_without_a_url_the_records_go_to_a_local_file(office, settings, tmp_path):
    settings.NATIONAL_SYNC_URL = ""
    settings.NATIONAL_SYNC_FILE_DIR = str(tmp_path / "sync")
    dossier = _walk(office)
    assert national_sync_drain(max_seconds=10).sent == 6
    lines = [line for f in (tmp_path / "sync").glob("*.jsonl") for line in f.read_text().splitlines()]
    assert len(lines) == 6 and dossier.code in lines[0] and '"service": "DongBoHoSoMC"' in lines[0]


# ------------------------------------------------------------------------------ delivery


def test_delivered_in_order_once_with_the_credentials(office, national):
    dossier = _walk(office)
    result = national_sync_drain(max_seconds=10)
    assert result.sent == 6 and result.failed == 0
    assert national.statuses(dossier.code) == [
        ("DongBoHoSoMC", 1),
        ("DongBoHoSoMC", 2),
        ("DongBoHoSoMC", 4),
        ("CapNhatTienDoHoSoMC", 4),
        ("DongBoHoSoMC", 9),
        ("DongBoHoSoMC", 10),
    ]
    assert [b["isUpdating"] for b in national.received] == ["false"] + ["true"] * 5
    assert set(NationalSyncRecord.objects.values_list("state", flat=True)) == {NationalSyncState.SENT}
    assert national_sync_drain(max_seconds=10).sent == 0  # nothing is sent twice
    assert len(national.received) == 6


def test_many_dossiers_go_in_a_few_requests(office, national, settings):
    settings.NATIONAL_SYNC_RECORDS_PER_REQUEST = 5
    dossiers = [office.submitted() for _ in range(12)]
    assert national_sync_drain(max_seconds=10).sent == 12
    assert [len(body["data"]) for body in national.received] == [5, 5, 2]
    assert {r["MaHoSo"] for r in national.records_received()} == {d.code for d in dossiers}


def test_wrong_credentials_are_a_failure_not_a_success(office, national, settings):
    settings.NATIONAL_SYNC_TOKEN = "wrong"
    HttpTransport._local.__dict__.clear()  # a new process would read the new token
    office.submitted()
    result = national_sync_drain(max_seconds=10)
    HttpTransport._local.__dict__.clear()
    assert result.sent == 0 and result.failed == 1
    row = NationalSyncRecord.objects.get()
    assert row.state == NationalSyncState.PENDING and "HTTP 401" in row.last_error


def test_a_failing_record_holds_back_its_dossier_and_nothing_else(office, national):
    stuck = _walk(office)
    fine = _walk(office)
    national.refuse = lambda record: record["MaHoSo"] == stuck.code
    result = national_sync_drain(max_seconds=10)
    assert (
        national.statuses(fine.code) == [(s, c) for s, c in national.statuses(fine.code)]
        and len(national.statuses(fine.code)) == 6
    )
    assert national.statuses(stuck.code) == []
    # Only the head of the stuck dossier was tried (with the other dossier's, then alone): a later
    # status never goes before an earlier one.
    tried = [r for r in national.records_received() if r["MaHoSo"] == stuck.code]
    assert {r["TrangThaiHoSo"] for r in tried} == {1} and len(tried) == 2
    assert result.failed == 1
    head = NationalSyncRecord.objects.filter(dossier=stuck).order_by("pk").first()
    assert head.attempts == 1 and head.next_attempt_at > timezone.now()
    # Still failing after its backoff, then the endpoint accepts it: all six, in order.
    _later(30)
    national_sync_drain(max_seconds=10)
    assert NationalSyncRecord.objects.get(pk=head.pk).attempts == 2
    national.refuse = None
    assert national_sync_drain(max_seconds=10).sent == 0  # backing off (60 s now)
    _later(60)
    assert national_sync_drain(max_seconds=10).sent == 6
    assert [c for _, c in national.statuses(stuck.code)] == [1, 2, 4, 4, 9, 10]


def test_a_worker_killed_between_send_and_acknowledge_has_one_effect(office, national, settings):
    class Killed(BaseException):
        """The process dies: no `except Exception` runs, nothing is written after the send."""

    class DiesAfterSending(HttpTransport):
        def send(self, records):
            super().send(records)
            raise Killed

    settings.NATIONAL_SYNC_TRANSPORT = f"{__name__}.DiesAfterSending"
    globals()["DiesAfterSending"] = DiesAfterSending
    dossier = office.submitted()
    with pytest.raises(Killed):
        national_sync_drain(max_seconds=10)
    row = NationalSyncRecord.objects.get(dossier=dossier)
    assert row.state == NationalSyncState.PENDING and row.lease_until is not None  # accepted, not recorded
    settings.NATIONAL_SYNC_TRANSPORT = ""
    assert national_sync_drain(max_seconds=10).sent == 0  # the dead worker's lease still holds
    _later(settings.NATIONAL_SYNC_LEASE_SECONDS + 1)
    assert national_sync_drain(max_seconds=10).sent == 1  # sent again, with the same key
    assert len(national.received) == 2 and len(national.applied) == 1  # …and applied once
    first, again = national.records_received()
    assert first["IdempotencyKey"] == again["IdempotencyKey"] == str(row.idempotency_key)


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="PostgreSQL only: DATABASE_URL=postgres://… (another process cannot see the in-memory SQLite); CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_process_sigkilled_after_the_national_side_accepted(office, national, settings):
    dossier = office.submitted()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "NATIONAL_SYNC_URL": national.url,
        "NATIONAL_SYNC_TOKEN": national.token,
        "NATIONAL_SYNC_TRANSPORT": "tests.onestop.national_kill.SendThenDie",
    }
    worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from onestop.national.delivery import national_sync_drain; national_sync_drain(max_seconds=30)",
        ],
        env=env,
        capture_output=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()[-2000:]
    assert len(national.applied) == 1  # the national side has it…
    row = NationalSyncRecord.objects.get(dossier=dossier)
    assert row.state == NationalSyncState.PENDING and row.lease_until is not None  # …we never wrote it down
    _later(settings.NATIONAL_SYNC_LEASE_SECONDS + 1)
    assert national_sync_drain(max_seconds=10).sent == 1
    assert len(national.received) == 2 and len(national.applied) == 1
    assert NationalSyncRecord.objects.get(pk=row.pk).state == NationalSyncState.SENT


def test_records_are_in_vietnamese_whatever_language_the_officer_uses(office):
    with translation.override("en"):
        dossier = _walk(office)
    handover = NationalSyncRecord.objects.filter(dossier=dossier, service=NationalService.PROGRESS).get()
    assert handover.payload["ChucDanh"] == "Chuyên viên xử lý"
    assert handover.payload["NoiDungXuLy"] != "Forwarded"


def test_an_hour_long_outage_loses_nothing_and_keeps_the_order(office, national):
    national.down = True
    dossiers = [office.submitted() for _ in range(12)]
    for d in dossiers[:8]:
        d = workflow.dossier_receive(dossier=d, actor=office.receptionist)
        workflow.dossier_forward(dossier=d, actor=office.receptionist)
    for d in dossiers[8:]:
        workflow.dossier_withdraw(dossier=d, actor=office.citizen, reason="Nộp nhầm thủ tục")
    total = NationalSyncRecord.objects.count()
    assert total == 8 * 3 + 4 * 2
    # An hour of drain runs, one a minute, while the endpoint is down.
    for _ in range(60):
        result = national_sync_drain(max_seconds=10)
        assert result.sent == 0 and result.failed <= 5  # gives up quickly, attempts are not burnt
        _later(60)
    backlog = national_sync_backlog()
    assert backlog["pending"] == total and backlog["dead"] == 0 and backlog["failing"] > 0
    national.down = False
    for _ in range(20):  # back up: the following runs send everything
        national_sync_drain(max_seconds=10)
        _later(900)
    assert national_sync_backlog()["pending"] == 0
    assert len(national.applied) == total
    for d in dossiers[:8]:
        assert [c for _, c in national.statuses(d.code)] == [1, 2, 4]
    for d in dossiers[8:]:
        assert [c for _, c in national.statuses(d.code)] == [1, 7]


def test_after_the_last_attempt_a_record_stops_until_an_admin_replays_it(office, national, settings):
    settings.NATIONAL_SYNC_MAX_ATTEMPTS = 3
    national.refuse = lambda record: True
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    for _ in range(3):
        national_sync_drain(max_seconds=10)
        _later(900)
    head, second = NationalSyncRecord.objects.filter(dossier=dossier).order_by("pk")
    assert head.state == NationalSyncState.DEAD and second.state == NationalSyncState.PENDING
    assert national_sync_backlog()["dead"] == 1
    national.refuse = None
    assert national_sync_drain(max_seconds=10).sent == 0  # the later record waits behind the dead one
    assert national_records_replay(ids=[head.pk, second.pk]) == 1  # only stopped rows are replayed
    assert national_sync_drain(max_seconds=10).sent == 2
    assert [c for _, c in national.statuses(dossier.code)] == [1, 2]


def test_readyz_reports_the_backlog(client, office):
    office.submitted()
    body = client.get("/readyz").json()
    assert body["backlog"]["national_sync"]["pending"] == 1
    assert body["backlog"]["national_sync"]["dead"] == 0


# ------------------------------------------------------------------------------ the admin


def test_admin_shows_the_figures_and_replays_stopped_records(admin_client, office, django_capture_on_commit_callbacks):
    dossier = office.submitted()
    row = NationalSyncRecord.objects.get(dossier=dossier)
    NationalSyncRecord.objects.filter(pk=row.pk).update(
        state=NationalSyncState.DEAD, attempts=20, last_error="SyncRejected: HTTP 500: refused"
    )
    url = reverse("admin:onestop_nationalsyncrecord_changelist")
    page = admin_client.get(url, {"state__exact": "dead"})
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    assert "đã dừng: 1" in page.content.decode()
    assert admin_client.get(url, {"q": dossier.code}).context["cl"].result_count == 1
    detail = admin_client.get(reverse("admin:onestop_nationalsyncrecord_change", args=[row.pk])).content.decode()
    assert "HTTP 500: refused" in detail and dossier.code in detail
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, {"action": "replay", "_selected_action": [row.pk]})
    assert response.status_code == 302 and len(callbacks) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NationalSyncState.PENDING, 0)


def test_an_agency_admin_sees_only_their_agencies_records(client, office):
    from django.contrib.auth.models import Permission

    from onestop.models import Role
    from tests.factories import StaffRoleFactory

    office.submitted()
    other_admin = StaffRoleFactory(agency=office.outsider.staff_roles.get().agency, role=Role.AGENCY_ADMIN).user
    other_admin.is_staff = True
    other_admin.save()
    other_admin.user_permissions.add(Permission.objects.get(codename="view_nationalsyncrecord"))
    client.force_login(other_admin)
    page = client.get(reverse("admin:onestop_nationalsyncrecord_changelist"))
    assert page.status_code == 200 and page.context["cl"].result_count == 0
    row = NationalSyncRecord.objects.get()
    assert client.get(reverse("admin:onestop_nationalsyncrecord_change", args=[row.pk])).status_code == 302
