import pytest

from onestop.models import Role
from onestop.selectors import (
    agencies_administered_by,
    agencies_where_user_has_role,
    staff_roles_for_user,
    user_is_staff_member,
    users_with_role,
)
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_agencies_where_user_is_receptionist():
    user = UserFactory()
    a, b, c = AgencyFactory(), AgencyFactory(), AgencyFactory()
    StaffRoleFactory(user=user, agency=a, role=Role.RECEPTIONIST)
    StaffRoleFactory(user=user, agency=b, role=Role.SPECIALIST)
    StaffRoleFactory(user=user, agency=c, role=Role.RECEPTIONIST, active=False)
    StaffRoleFactory(agency=b, role=Role.RECEPTIONIST)  # someone else
    assert list(agencies_where_user_has_role(user=user, role=Role.RECEPTIONIST)) == [a]
    assert list(agencies_where_user_has_role(user=user, role=Role.SPECIALIST)) == [b]
    assert list(agencies_where_user_has_role(user=user, role=Role.APPROVER)) == []


def test_roles_in_inactive_agencies_do_not_count():
    role = StaffRoleFactory(agency=AgencyFactory(active=False))
    assert not user_is_staff_member(user=role.user)
    assert list(staff_roles_for_user(user=role.user)) == []
    assert list(agencies_where_user_has_role(user=role.user, role=role.role)) == []


def test_citizen_and_anonymous_are_not_staff(citizen):
    from django.contrib.auth.models import AnonymousUser

    assert not user_is_staff_member(user=citizen)
    assert not user_is_staff_member(user=AnonymousUser())
    assert list(agencies_where_user_has_role(user=AnonymousUser(), role=Role.RECEPTIONIST)) == []


def test_users_with_role_in_one_agency():
    unit = AgencyFactory()
    approver = StaffRoleFactory(agency=unit, role=Role.APPROVER).user
    StaffRoleFactory(agency=unit, role=Role.SPECIALIST)
    StaffRoleFactory(role=Role.APPROVER)  # another agency
    assert list(users_with_role(agency=unit, role=Role.APPROVER)) == [approver]


def test_agency_admin_scope_covers_the_subtree_at_any_depth():
    root = AgencyFactory()
    child = AgencyFactory(parent=root)
    grandchild = AgencyFactory(parent=child)
    sibling = AgencyFactory()
    admin = StaffRoleFactory(agency=root, role=Role.AGENCY_ADMIN).user
    assert agencies_administered_by(user=admin) == {root.pk, child.pk, grandchild.pk}
    assert sibling.pk not in agencies_administered_by(user=admin)
    assert agencies_administered_by(user=UserFactory(is_superuser=True)) is None
