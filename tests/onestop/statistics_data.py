"""A hand-built set of dossiers with known outcomes for the statistics tests (November 2026).

The tree: the province P → ward A → its unit U (processing), P → ward B; another province X outside.
Every dossier row is written as the workflow would have left it (the columns the statistics read),
with its events at fixed moments, so that each expected number below can be checked by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from onestop.models import DocumentRole, Dossier, DossierDocument, DossierEvent, DossierStatus, Role, StoredFile
from portal.models import User
from procedures.models import Agency, AgencyKind, OnlineLevel, Procedure, ProcedureStatus, Sector
from tests.factories import StaffRoleFactory, UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTER, ONLINE, POST = 1, 2, 3


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@dataclass
class World:
    province: Agency
    ward_a: Agency
    unit: Agency
    ward_b: Agency
    other: Agency
    birth: Procedure  # sector Hộ tịch, fully online
    land: Procedure  # sector Đất đai, partly online
    leader: User  # leader of the province
    head_a: User  # approver (head) of ward A
    receptionist_a: User
    other_leader: User  # leader of the other province
    citizen: User
    dossiers: dict[str, Dossier]


# What November 2026 must show for ward A (and the province P = A + B; X never counts).
EXPECTED_A = {
    "received": 9,  # 1 2 3 4 5 6 7 8 10 — the refused one (9) was never received
    "received_counter": 3,  # 1 6 10
    "received_online": 5,  # 2 3 5 7 8
    "received_post": 1,  # 4
    "carried_over": 2,  # 11 (resolved in November) and 12 (still open)
    "resolved": 6,  # 1 2 3 4 6 11
    "resolved_early": 2,  # 1, 6 (extended, then early against the new date)
    "resolved_on_time": 2,  # 2 (on the due day), 11 (carried over)
    "resolved_late": 2,  # 3 (after the due date), 4 (two supplement requests)
    "on_time_rate": 66.7,
    "late_by_supplement": 1,  # 4
    "open_on_time": 2,  # 5 (paused for a supplement), 12 (due in December)
    "open_overdue": 1,  # 7
    "withdrawn": 1,
    "refused": 1,
    "stopped": 1,
    "supplement_requests": 3,  # 4 twice, 5 once
    "extensions": 1,  # 6
    "online_share": 55.6,  # 5 / 9
    "digitised_share": 22.2,  # 2 and 3 have their documents as files: 2 / 9
    "results_digitised_share": 16.7,  # 1 has an e-result: 1 / 6
}
EXPECTED_B = {"received": 1, "received_online": 1, "resolved": 1, "resolved_early": 1, "carried_over": 0}
EXPECTED_P = {"received": 10, "resolved": 7, "resolved_early": 3, "resolved_on_time": 2, "resolved_late": 2}


def _file(owner: User, name: str) -> StoredFile:
    return StoredFile.objects.create(
        owner=owner, storage_name=f"stats/{name}", original_name=name, content_type="application/pdf", size=10,
        sha256="0" * 64,
    )  # fmt: skip


def build_world() -> World:
    province = Agency.objects.create(code="000.00.00.T01", name="UBND tỉnh Thử", kind=AgencyKind.PROVINCE)
    ward_a = Agency.objects.create(
        code="000.01.00.T01", name="UBND phường An", kind=AgencyKind.COMMUNE, parent=province
    )
    unit = Agency.objects.create(code="000.01.01.T01", name="Phòng Văn hóa - Xã hội phường An", parent=ward_a)
    ward_b = Agency.objects.create(
        code="000.02.00.T01", name="UBND phường Bình", kind=AgencyKind.COMMUNE, parent=province
    )
    other = Agency.objects.create(code="000.00.00.T02", name="UBND tỉnh Khác", kind=AgencyKind.PROVINCE)
    civil = Sector.objects.create(code="T-HT", name="Hộ tịch")
    land_sector = Sector.objects.create(code="T-DD", name="Đất đai")
    birth = Procedure.objects.create(
        code="9.000001", name="Đăng ký khai sinh (thử)", sector=civil, receiving_agency=ward_a,
        status=ProcedureStatus.PUBLISHED, online_level=OnlineLevel.FULL,
    )  # fmt: skip
    land = Procedure.objects.create(
        code="9.000002", name="Đăng ký đất đai (thử)", sector=land_sector, receiving_agency=ward_a,
        status=ProcedureStatus.PUBLISHED, online_level=OnlineLevel.PARTIAL,
    )  # fmt: skip

    def staff(role, where, name):
        return StaffRoleFactory(agency=where, role=role, user__full_name=name).user

    leader = staff(Role.LEADER, province, "Lãnh đạo Tỉnh")
    head_a = staff(Role.APPROVER, ward_a, "Trưởng phường An")
    receptionist_a = staff(Role.RECEPTIONIST, ward_a, "Tiếp nhận An")
    other_leader = staff(Role.LEADER, other, "Lãnh đạo Tỉnh Khác")
    citizen = UserFactory(full_name="Nguyễn Văn Riêng Tư", phone="0912000111")

    dossiers: dict[str, Dossier] = {}

    def dossier(name, *, agency=ward_a, procedure=birth, channel=ONLINE, status, received=None, due=None,
                resolved=None, closed=None, paused=None, supplements=0, extensions=0, step_agency=None):  # fmt: skip
        submitted = received or closed or at(11, 29)
        d = Dossier.objects.create(
            code=f"T-{name}", procedure=procedure, agency=agency, applicant=citizen, status=status, channel=channel,
            applicant_name="Nguyễn Văn Riêng Tư", applicant_id_number="074090009999", applicant_phone="0912000111",
            submitted_at=submitted, received_at=received, due_at=due, resolved_at=resolved, closed_at=closed,
            paused_at=paused, supplement_requests=supplements, extensions=extensions, step_agency=step_agency,
        )  # fmt: skip
        dossiers[name] = d
        return d

    def event(d, action, when, *, unit_agency=None, step=None):
        e = DossierEvent.objects.create(dossier=d, action=action, to_status=d.status, unit=unit_agency, step=step)
        DossierEvent.objects.filter(pk=e.pk).update(created_at=when)

    S = DossierStatus
    # 1 early: due 10/11, resolved 7/11; an e-result.
    d1 = dossier("1", channel=COUNTER, status=S.RETURNED, received=at(11, 3), due=at(11, 10, 17),
                 resolved=at(11, 7, 10), closed=at(11, 8))  # fmt: skip
    DossierDocument.objects.create(dossier=d1, requirement_code="KQ", requirement_name="Kết quả",
                                   file=_file(citizen, "kq1.pdf"), role=DocumentRole.RESULT)  # fmt: skip
    # 2 on the due day (15:00 before 17:00); its documents as files.
    d2 = dossier("2", status=S.RESOLVED, received=at(11, 4), due=at(11, 12, 17), resolved=at(11, 12, 15))
    DossierDocument.objects.create(dossier=d2, requirement_code="TK", requirement_name="Tờ khai",
                                   file=_file(citizen, "tk2.pdf"))  # fmt: skip
    # 3 late: due 10/11, resolved 14/11. Steps: desk (A) 24 h, unit U 8 days.
    d3 = dossier("3", procedure=land, status=S.RESOLVED, received=at(11, 5, 8), due=at(11, 10, 17),
                 resolved=at(11, 14, 8))  # fmt: skip
    DossierDocument.objects.create(dossier=d3, requirement_code="TK", requirement_name="Tờ khai",
                                   file=_file(citizen, "tk3.pdf"))  # fmt: skip
    event(d3, "receive", at(11, 5, 8), unit_agency=ward_a, step=1)
    event(d3, "forward", at(11, 6, 8), unit_agency=unit, step=2)
    event(d3, "resolve", at(11, 14, 8), unit_agency=ward_a, step=3)
    # 4 two supplement requests: in time by the dates, late by the national rule. Desk 4 h, unit
    # 13 days minus two pauses of 2 days = 216 h.
    d4 = dossier("4", channel=POST, status=S.RESOLVED, received=at(11, 5, 8), due=at(11, 20, 17),
                 resolved=at(11, 18, 12), supplements=2)  # fmt: skip
    event(d4, "receive", at(11, 5, 8), unit_agency=ward_a, step=1)
    event(d4, "forward", at(11, 5, 12), unit_agency=unit, step=2)
    event(d4, "request_supplement", at(11, 6, 12), unit_agency=unit, step=2)
    event(d4, "supplement", at(11, 8, 12), unit_agency=unit, step=2)
    event(d4, "request_supplement", at(11, 9, 12), unit_agency=unit, step=2)
    event(d4, "supplement", at(11, 11, 12), unit_agency=unit, step=2)
    event(d4, "resolve", at(11, 18, 12), unit_agency=ward_a, step=3)
    # 5 paused for a supplement since 25/11 (due 27/11 was before the period's end): on time.
    d5 = dossier("5", status=S.SUPPLEMENT_REQUESTED, received=at(11, 10), due=at(11, 27, 17), paused=at(11, 25),
                 supplements=1, step_agency=unit)  # fmt: skip
    event(d5, "request_supplement", at(11, 25), unit_agency=unit, step=2)
    # 6 extended with apology on 20/11 (new date 29/11), resolved 28/11: early.
    d6 = dossier("6", channel=COUNTER, status=S.RETURNED, received=at(11, 11), due=at(11, 29, 17),
                 resolved=at(11, 28), closed=at(11, 28, 15), extensions=1)  # fmt: skip
    event(d6, "extend", at(11, 20), unit_agency=unit, step=2)
    # 7 in progress and overdue at the end of November (due 20/11), at unit U.
    dossier("7", status=S.PROCESSING, received=at(11, 2), due=at(11, 20, 17), step_agency=unit)
    # 8 withdrawn, 9 refused at reception (never received), 10 stopped.
    dossier("8", status=S.WITHDRAWN, received=at(11, 3), due=at(11, 15, 17), closed=at(11, 6))
    dossier("9", status=S.REJECTED, closed=at(11, 4))
    dossier("10", channel=COUNTER, status=S.STOPPED, received=at(11, 6), due=at(11, 20, 17), closed=at(11, 16))
    # 11 carried over from October, resolved on its due day. 12 carried over, still open (due in December).
    dossier("11", status=S.RETURNED, received=at(10, 20), due=at(11, 5, 17), resolved=at(11, 5, 10), closed=at(11, 6))
    dossier("12", procedure=land, status=S.PROCESSING, received=at(10, 25), due=at(12, 15, 17), step_agency=unit)
    # Ward B: one early. The other province: one received (never counted for P).
    dossier("13", agency=ward_b, status=S.RESOLVED, received=at(11, 15), due=at(11, 25, 17), resolved=at(11, 20))
    dossier("14", agency=other, status=S.PROCESSING, received=at(11, 15), due=at(11, 16, 17))
    # Not received yet: a draft and one waiting for the check.
    dossier("15", status=S.DRAFT)
    dossier("16", status=S.SUBMITTED)
    return World(
        province=province, ward_a=ward_a, unit=unit, ward_b=ward_b, other=other, birth=birth, land=land,
        leader=leader, head_a=head_a, receptionist_a=receptionist_a, other_leader=other_leader, citizen=citizen,
        dossiers=dossiers,
    )  # fmt: skip
