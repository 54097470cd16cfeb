"""Reads around the working calendar: overrides, due dates explained, a procedure's receipt cut-off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldError, ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from onestop.models import CalendarOverride
from procedures.models import Agency

from .django_calendar import calendar_for_agency, working_hours_source
from .engine import DEFAULT_CUTOFF
from .explanation import Explanation, format_week

__all__ = ["DueDate", "agency_by_code", "calendar_override_list", "due_date_explain", "procedure_cutoff"]


def calendar_override_list(*, year: int | None = None) -> QuerySet[CalendarOverride]:
    """Overrides by date, optionally of one year (one query, with who created them)."""
    qs = CalendarOverride.objects.select_related("created_by").order_by("date")
    return qs if year is None else qs.filter(date__year=year)


def agency_by_code(*, code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise ValidationError(_("There is no agency with code %(code)s.") % {"code": code}) from None


def procedure_cutoff(*, code: str) -> dt.time:
    """The same-day receipt cut-off of procedure ``code`` (DESIGN §4.3: default 15:00, per procedure).

    The procedure catalogue (``procedures.Procedure``) is built separately; until it exists, or
    while it has no ``cutoff_time``, this stays defensive: a catalogue without the model is an
    error for a given code; a procedure without a cut-off uses the default.
    """
    try:
        procedure_model = apps.get_model("procedures", "Procedure")
    except LookupError:
        raise ValidationError(
            _("Procedure %(code)s cannot be looked up: the procedure catalogue is not installed.") % {"code": code}
        ) from None
    try:
        procedure = procedure_model._default_manager.get(code=code)
    except ObjectDoesNotExist:
        raise ValidationError(_("There is no procedure with code %(code)s.") % {"code": code}) from None
    except procedure_model.MultipleObjectsReturned:
        raise ValidationError(_("Several procedures have code %(code)s.") % {"code": code}) from None
    except FieldError:
        raise ValidationError(_("Procedures cannot be looked up by code.")) from None
    return cutoff_of(procedure, code=code)


def cutoff_of(procedure, *, code: str) -> dt.time:
    """procedure_cutoff for a procedure already at hand (e.g. the dossier page's select_related one)."""
    cutoff = getattr(procedure, "cutoff_time", None)
    if cutoff is None:
        return DEFAULT_CUTOFF
    if not isinstance(cutoff, dt.time):
        raise ValidationError(
            _("Procedure %(code)s has an unreadable cut-off time: %(value)r.") % {"code": code, "value": cutoff}
        )
    # The engine counts in whole minutes, as form 01 does.
    return cutoff.replace(second=0, microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class DueDate:
    """A computed due moment, its explanation, and which working hours and cut-off were used."""

    explanation: Explanation
    hours_note: str
    cutoff_note: str | None = None

    @property
    def due_at(self) -> dt.datetime:
        return self.explanation.due_at

    def lines(self) -> list[str]:
        """Vietnamese lines: the working hours (and cut-off) used, then the engine's explanation."""
        head = [self.hours_note] + ([self.cutoff_note] if self.cutoff_note else [])
        return head + self.explanation.lines()


def due_date_explain(
    *,
    received_at: dt.datetime,
    days: Decimal | None = None,
    hours: Decimal | None = None,
    agency: Agency | None = None,
    procedure_code: str | None = None,
    procedure=None,
) -> DueDate:
    """The due moment of a dossier received at ``received_at`` (aware) with a processing time in working days or hours.

    The agency's calendar (its working hours, inherited or default, and the overrides) and the
    procedure's receipt cut-off (default 15:00). Raises ValidationError on a bad code or duration.
    `procedure`: the procedure of ``procedure_code`` when the caller has it (no query for its cut-off).
    """
    if procedure is not None and procedure_code:
        cutoff = cutoff_of(procedure, code=procedure_code)
    else:
        cutoff = procedure_cutoff(code=procedure_code) if procedure_code else DEFAULT_CUTOFF
    calendar = calendar_for_agency(agency)
    try:
        explanation = calendar.due_at(received_at, days=days, hours=hours, cutoff=cutoff)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    source = working_hours_source(agency)
    if source is None:
        whose = "mặc định"
    elif agency is not None and source.pk == agency.pk:
        whose = f"của {source.name} ({source.code})"
    else:
        whose = f"kế thừa từ {source.name} ({source.code})"
    hours_note = f"Giờ làm việc {whose}: {format_week(calendar.working_hours.periods)}"
    cutoff_note = None
    if procedure_code:
        cutoff_note = f"Giờ chốt tiếp nhận trong ngày của thủ tục {procedure_code}: {cutoff:%H:%M}"
    return DueDate(explanation, hours_note, cutoff_note)
