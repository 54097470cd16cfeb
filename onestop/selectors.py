"""Reads for the back office: who holds which role where."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from procedures.models import Agency
from procedures.selectors import agency_subtree_ids

from .models import Role, StaffRole


def staff_roles_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[StaffRole]:
    """The active roles a user holds, with their agencies (one query)."""
    if not user.is_authenticated:
        return StaffRole.objects.none()
    return (
        StaffRole.objects.filter(user=user, active=True, agency__active=True)
        .select_related("agency")
        .order_by("agency__code", "role")
    )


def user_is_staff_member(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff = holds at least one active role in an active agency (or is a superuser).

    Remembered on the user object, which lives for one request: the access decorator, the MFA
    middleware and the navigation all ask, and only the first one queries.
    """
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_staff_member", None)
    if cached is None:
        cached = bool(user.is_superuser) or staff_roles_for_user(user=user).exists()
        user._is_staff_member = cached
    return cached


def agencies_where_user_has_role(*, user: AbstractBaseUser | AnonymousUser, role: Role | str) -> QuerySet[Agency]:
    """E.g. the agencies where this user is a receptionist."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(
        active=True, staff_roles__user=user, staff_roles__role=role, staff_roles__active=True
    ).distinct()


def users_with_role(*, agency: Agency, role: Role | str) -> QuerySet:
    """The staff holding a role in one agency, e.g. the approvers of a unit."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, staff_roles__agency=agency, staff_roles__role=role, staff_roles__active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def agencies_administered_by(*, user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """Agency ids an agency admin manages (their agencies and everything below).

    None means "all" (superusers).
    """
    if user.is_authenticated and user.is_superuser:
        return None
    roots = agencies_where_user_has_role(user=user, role=Role.AGENCY_ADMIN).values_list("pk", flat=True)
    return agency_subtree_ids(agency_ids=roots)
