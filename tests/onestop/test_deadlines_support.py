"""Builders shared by the deadline tests (no tests here).

Dossiers are written with the ORM directly (the sweep reads stored deadlines, whoever wrote them),
in bulk for the scale tests. Times are Vietnam wall-clock times in a week without holidays:
Monday 8 – Friday 12 June 2026, default hours 07:30–11:30 and 13:00–17:00.
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from onestop.models import Dossier, DossierStatus, StaffRole
from onestop.workcalendar import VN_TZ
from onestop.workcalendar import django_calendar as dc
from procedures.models import Agency, AgencyKind, Procedure, Sector
from tests.factories import UserFactory

_seq = itertools.count(1)


def vn(day: int, hour: int, minute: int = 0, month: int = 6) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


NOW = vn(8, 9)  # Monday 08/06/2026 09:00
# One working day (480 min) from NOW: Tuesday 09:00; two working days: Wednesday 09:00.
ONE_DAY = vn(9, 9)
TWO_DAYS = vn(10, 9)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test starts like a new process: no calendar snapshot, no version token."""
    dc._registry.reset()
    cache.delete(dc.VERSION_CACHE_KEY)
    yield
    dc._registry.reset()


def settle_calendar() -> None:
    """As after a commit: the calendar data written by the test is shared, and loaded once.

    Saving agencies or working hours inside the test's (never committed) transaction makes the
    registry build a private calendar on every call; a process sees committed data once.
    """
    dc._registry.reset()
    dc.calendar_for_agency(None)


@pytest.fixture
def org(db):
    """Province → department → unit (office), a second department, a procedure and a citizen."""
    province = Agency.objects.create(code="000.00.00.H99", name="UBND Thành phố Thử", kind=AgencyKind.PROVINCE)
    department = Agency.objects.create(code="000.00.01.H99", name="Sở Tư pháp Thử", parent=province)
    unit = Agency.objects.create(
        code="000.01.01.H99", name="Phòng Hộ tịch Thử", parent=department, kind=AgencyKind.UNIT
    )
    other = Agency.objects.create(code="000.00.02.H99", name="Sở Xây dựng Thử", parent=province)
    sector, _ = Sector.objects.get_or_create(code="HT-DL", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code="1.990001", name="Đăng ký khai sinh", sector=sector, receiving_agency=department, status="published"
    )
    applicant = UserFactory(full_name="Nguyễn Văn An")
    return SimpleNamespace(
        province=province, department=department, unit=unit, other=other, procedure=procedure, applicant=applicant
    )


def staff(agency: Agency, role: str, **user_fields):
    user = UserFactory(**user_fields)
    StaffRole.objects.create(user=user, agency=agency, role=role)
    return user


def build_dossier(org, *, status: str = DossierStatus.PROCESSING, agency: Agency | None = None, **fields) -> Dossier:
    """An unsaved dossier of `org`'s procedure (received by the department unless `agency`)."""
    n = next(_seq)
    values = {
        "code": f"DL-{n:07d}",
        "applicant_name": org.applicant.full_name,
        "delivery_method": "counter",
        "channel": 2,
    }
    if status != DossierStatus.SUBMITTED:
        values["received_at"] = NOW - dt.timedelta(days=3)
    values.update(fields)
    return Dossier(
        procedure=org.procedure, agency=agency or org.department, applicant=org.applicant, status=status, **values
    )


def make_dossier(org, **kwargs) -> Dossier:
    dossier = build_dossier(org, **kwargs)
    dossier.save()
    return dossier


def mixed_dossiers(org, n: int) -> list[Dossier]:
    """`n` dossiers of every kind the sweep looks at, about a third of them crossing something."""
    shapes = [
        {"status": DossierStatus.PROCESSING, "due_at": ONE_DAY, "step_agency": org.unit, "step_due_at": NOW},
        {"status": DossierStatus.PROCESSING, "due_at": NOW - dt.timedelta(hours=1)},
        {"status": DossierStatus.SUBMITTED, "check_due_at": NOW - dt.timedelta(minutes=5)},
        {"status": DossierStatus.RECEIVED, "due_at": NOW + dt.timedelta(days=20)},
        {"status": DossierStatus.SUPPLEMENT_REQUESTED, "due_at": NOW - dt.timedelta(hours=2), "paused_at": NOW},
        {"status": DossierStatus.PROCESSING, "due_at": TWO_DAYS, "step_due_at": NOW + dt.timedelta(days=9)},
        {"status": DossierStatus.RESOLVED, "due_at": NOW - dt.timedelta(hours=3)},
    ]
    dossiers = [build_dossier(org, **shapes[i % len(shapes)]) for i in range(n)]
    return Dossier.objects.bulk_create(dossiers, batch_size=2000)
