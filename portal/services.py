"""Writes on accounts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import User


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    full_name: str,
    cccd: str | None,
    date_of_birth: dt.date | None,
    phone: str,
    address: str,
) -> User:
    user.full_name = full_name.strip()
    if not user.cccd_proven:
        user.cccd = cccd or None
    user.date_of_birth = date_of_birth
    user.phone = phone
    user.address = address.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "cccd", "date_of_birth", "phone", "address"])
    return user
