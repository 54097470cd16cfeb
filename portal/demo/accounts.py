"""Demo accounts, all with the password DEMO_PASSWORD (listed in the README)."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from onestop.models import Role, StaffRole
from portal.models import User
from procedures.models import Agency, Procedure, ProcedureStatus, ProcessStep

from . import agencies as a

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 — the published demo password (README)
AGENCY_ADMIN_GROUP = "Quản trị đơn vị"

# email, full name, CCCD, date of birth, phone, address, [(agency code, role)], is_staff, is_superuser
ACCOUNTS = [
    (
        "congdan@demo.vn",
        "Nguyễn Văn An",
        "074090001234",
        dt.date(1990, 5, 12),
        "0912345678",
        "Số 12 đường Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
        [],
        False,
        False,
    ),
    (
        "congdan2@demo.vn",
        "Trần Thị Bình",
        "074195005678",
        dt.date(1995, 8, 20),
        "0987654321",
        "Số 5 đường Nguyễn An Ninh, phường Dĩ An, Thành phố Hồ Chí Minh",
        [],
        False,
        False,
    ),
    (
        "tiepnhan@demo.vn",
        "Lê Thị Cúc",
        None,
        None,
        "0903111222",
        "",
        [(a.CENTRE, Role.RECEPTIONIST), (a.THU_DAU_MOT, Role.RECEPTIONIST)],
        False,
        False,
    ),
    (
        "chuyenvien@demo.vn",
        "Phạm Minh Đức",
        None,
        None,
        "0903222333",
        "",
        [(a.P_HCTP, Role.SPECIALIST), (a.P_QLXD, Role.SPECIALIST), (a.P_DKKD, Role.SPECIALIST)],
        False,
        False,
    ),
    (
        "lanhdao.phong@demo.vn",
        "Hoàng Văn Em",
        None,
        None,
        "0903333444",
        "",
        [(a.P_HCTP, Role.APPROVER), (a.P_QLXD, Role.APPROVER), (a.P_DKKD, Role.APPROVER)],
        False,
        False,
    ),
    ("buudien@demo.vn", "Vũ Thị Phương", None, None, "0903444555", "", [(a.CENTRE, Role.POSTAL_CLERK)], False, False),
    ("lanhdao@demo.vn", "Đặng Quốc Hùng", None, None, "0903555666", "", [(a.PROVINCE, Role.LEADER)], False, False),
    (
        "quantri@demo.vn",
        "Bùi Thanh Giang",
        None,
        None,
        "0903666777",
        "",
        [(a.SO_TU_PHAP, Role.AGENCY_ADMIN)],
        True,
        False,
    ),
    ("admin@demo.vn", "Quản trị hệ thống", None, None, "", "", [], True, True),
]


def _agency_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=AGENCY_ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in=["procedures", "onestop", "portal"],
        codename__in=[
            "view_agency",
            "change_agency",
            "add_agency",
            "view_staffrole",
            "add_staffrole",
            "change_staffrole",
            "delete_staffrole",
            "view_user",
            "view_procedure",
            "view_dossieraccesslog",
            "add_procedure",
            "change_procedure",
            "view_sector",
            "view_processdefinition",
            "change_processdefinition",
            "view_postagerule",
            "add_postagerule",
            "change_postagerule",
            "delete_postagerule",
            # Partners' systems (onestop.integration): clients, their call log, webhooks.
            "view_apiclient",
            "add_apiclient",
            "change_apiclient",
            "view_apicalllog",
            "view_webhooksubscription",
            "add_webhooksubscription",
            "change_webhooksubscription",
            "delete_webhooksubscription",
            "view_webhookdelivery",
            "change_webhookdelivery",
        ],
    )
    group.permissions.set(perms)
    return group


# The demo's processing staff: one account per role, holding it wherever the demo catalogue needs
# it — the receiving desk of every published procedure and the unit of every step of its process —
# so that every demo dossier can be walked from reception to return with these accounts alone.
DESK_ACCOUNTS = {Role.RECEPTIONIST: "tiepnhan@demo.vn", Role.POSTAL_CLERK: "buudien@demo.vn"}
STEP_ACCOUNTS = {
    Role.RECEPTIONIST: "tiepnhan@demo.vn",
    Role.SPECIALIST: "chuyenvien@demo.vn",
    Role.APPROVER: "lanhdao.phong@demo.vn",
}


def catalogue_roles() -> set[tuple[str, int, str]]:
    """(account e-mail, agency id, role) for every desk and step of the published demo catalogue.

    The approver account also heads every desk and unit (extend, stop, assign happen there), and a
    procedure without its own process is processed at its receiving agency (the default process of
    onestop.workflow.snapshot): the desk there also gets a specialist.
    """
    wanted: set[tuple[str, int, str]] = set()
    approver = STEP_ACCOUNTS[Role.APPROVER]
    published = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
    for agency_id, has_process in published.values_list("receiving_agency_id", "process"):
        for role, email in DESK_ACCOUNTS.items():
            wanted.add((email, agency_id, role))
        wanted.add((approver, agency_id, Role.APPROVER))
        if has_process is None:
            wanted.add((STEP_ACCOUNTS[Role.SPECIALIST], agency_id, Role.SPECIALIST))
    steps = ProcessStep.objects.filter(definition__procedure__in=published).values_list("agency_id", "role")
    for agency_id, role in steps.distinct():
        wanted.add((STEP_ACCOUNTS[role], agency_id, role))
        wanted.add((approver, agency_id, Role.APPROVER))
    return wanted


def seed_accounts(agencies: dict[str, Agency]) -> list[User]:
    admin_group = _agency_admin_group()
    users = []
    for email, name, cccd, dob, phone, address, roles, is_staff, is_superuser in ACCOUNTS:
        user, created = User.objects.get_or_create(email=email)
        user.full_name, user.cccd, user.date_of_birth, user.phone, user.address = name, cccd, dob, phone, address
        if cccd and user.cccd_verified_at is None:  # the demo citizens signed in with VNeID once
            user.cccd_verified_at, user.cccd_verified_by = timezone.now(), "vneid"
        user.is_staff, user.is_superuser, user.is_active = is_staff, is_superuser, True
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        for code, role in roles:
            StaffRole.objects.update_or_create(user=user, agency=agencies[code], role=role, defaults={"active": True})
        if any(role == Role.AGENCY_ADMIN for _, role in roles):
            user.groups.add(admin_group)
        users.append(user)
    by_email = {u.email: u for u in users}
    for email, agency_id, role in catalogue_roles():
        StaffRole.objects.update_or_create(
            user=by_email[email], agency_id=agency_id, role=role, defaults={"active": True}
        )
    return users
