"""Writes of the working calendar's data: calendar overrides (the Prime Minister's swaps, decided days off).

Cached calendars follow through the model signals (``django_calendar``): nothing to do here.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onestop.models import CalendarOverride, CalendarOverrideKind

__all__ = ["calendar_override_add", "calendar_override_remove"]

logger = logging.getLogger(__name__)


@transaction.atomic
def calendar_override_add(
    *,
    date: dt.date,
    kind: CalendarOverrideKind | str,
    basis: str,
    actor: AbstractBaseUser | None = None,
) -> CalendarOverride:
    """Make ``date`` a day off or a working day, whatever the holidays package says, citing ``basis``.

    One override per date: to change one, remove it first (so that its basis is never silently lost).
    """
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ValidationError({"date": _("Give a date (YYYY-MM-DD).")})
    existing = CalendarOverride.objects.filter(date=date).first()
    if existing is not None:
        raise ValidationError(
            {
                "date": _("%(date)s already has an override (%(kind)s: %(basis)s); remove it first.")
                % {"date": date.isoformat(), "kind": existing.get_kind_display(), "basis": existing.basis}
            }
        )
    override = CalendarOverride(date=date, kind=kind, basis=basis, created_by=actor)
    override.full_clean()
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError:  # added concurrently since the check above
        raise ValidationError({"date": _("%(date)s already has an override.") % {"date": date.isoformat()}}) from None
    logger.info("calendar override added: %s %s (%s) by %s", override.date, override.kind, override.basis, actor or "-")
    return override


@transaction.atomic
def calendar_override_remove(*, date: dt.date, actor: AbstractBaseUser | None = None) -> CalendarOverride:
    """Remove the override of ``date`` (the package's calendar applies again); returns what was removed."""
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        raise ValidationError({"date": _("There is no override on %(date)s.") % {"date": date.isoformat()}})
    override.delete()
    # The row is gone: the log keeps who removed which decision.
    logger.info(
        "calendar override removed: %s %s (%s) by %s", override.date, override.kind, override.basis, actor or "-"
    )
    return override
