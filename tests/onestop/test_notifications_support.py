"""Builders shared by the notification tests (no tests here).

Dossiers and events are written directly: the notification service reads events, whoever wrote
them; one test goes through the real transition service as well.
"""

from __future__ import annotations

import itertools

import pytest

from onestop.models import Dossier, DossierEvent, DossierStatus, Role
from procedures.models import Procedure, Sector
from tests.factories import StaffRoleFactory, UserFactory

_seq = itertools.count(1)


def make_procedure(*, agency, name: str = "Đăng ký khai sinh") -> Procedure:
    n = next(_seq)
    sector, _ = Sector.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    return Procedure.objects.create(
        code=f"1.{900000 + n:06d}", name=name, sector=sector, receiving_agency=agency, status="published"
    )


def make_dossier(*, applicant, agency, status: str = DossierStatus.SUBMITTED, **fields) -> Dossier:
    n = next(_seq)
    procedure = fields.pop("procedure", None) or make_procedure(agency=agency)
    values = {
        "code": f"{agency.code}-261128-{n:04d}",
        "applicant_name": applicant.full_name,
        "delivery_method": "counter",
    }
    values.update(fields)
    return Dossier.objects.create(procedure=procedure, agency=agency, applicant=applicant, status=status, **values)


def make_event(
    dossier: Dossier,
    action: str,
    *,
    from_status: str = DossierStatus.SUBMITTED,
    to_status: str = DossierStatus.RECEIVED,
    public: bool = True,
    actor=None,
    note: str = "",
    data: dict | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=to_status,
        public=public,
        actor=actor,
        note=note,
        data=data or {},
        deadline=dossier.due_at,
    )


def make_staff(*, agency, role: str = Role.SPECIALIST, **user_fields):
    return StaffRoleFactory(agency=agency, role=role, user=UserFactory(**user_fields)).user


@pytest.fixture
def eager_celery():
    """Run .delay() inline (retries too), as a worker would, inside the test."""
    from portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
