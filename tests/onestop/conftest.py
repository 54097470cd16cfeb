"""A procedure with a three-step process, its staff, and a submitted online dossier."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onestop.models import Dossier, Role
from portal.demo.dossiers import demo_dossier
from portal.models import User
from procedures.models import Agency, Procedure
from procedures.services import procedures_import
from tests.factories import StaffRoleFactory, UserFactory
from tests.procedures.records import record

UNIT = "000.20.01.H12"


@dataclass
class Office:
    agency: Agency
    procedure: Procedure
    receptionist: User
    specialist: User
    approver: User
    postal_clerk: User
    citizen: User
    outsider: User  # staff of another agency

    def submitted(self) -> Dossier:
        return demo_dossier(procedure=self.procedure, applicant=self.citizen)


@pytest.fixture
def office(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    report = procedures_import(records=[record(MOTCUA_TRAKETQUA=["counter", "online", "post"])])
    assert not report.rejected
    agency = Agency.objects.get(code=UNIT)
    other = Agency.objects.create(code="000.20.09.H12", name="Ủy ban nhân dân xã Khác")

    def staff(role, name, where=agency):
        return StaffRoleFactory(agency=where, role=role, user__full_name=name).user

    return Office(
        agency=agency,
        procedure=Procedure.objects.get(code="1.001193"),
        receptionist=staff(Role.RECEPTIONIST, "Lê Thị Cúc"),
        specialist=staff(Role.SPECIALIST, "Phạm Minh Đức"),
        approver=staff(Role.APPROVER, "Hoàng Văn Em"),
        postal_clerk=staff(Role.POSTAL_CLERK, "Vũ Thị Phương"),
        citizen=UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678", address="Thủ Dầu Một"),
        outsider=staff(Role.RECEPTIONIST, "Người xã khác", where=other),
    )


def result_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.portal.submission_helpers import minimal_pdf

    return SimpleUploadedFile("ket-qua.pdf", minimal_pdf("Ket qua"), content_type="application/pdf")
