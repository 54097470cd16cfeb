"""The working calendar's data (DESIGN §4.3)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..workcalendar import Override, OverrideKind, WorkingHours, format_periods, parse_periods


class CalendarOverrideKind(models.TextChoices):
    # The values are the engine's OverrideKind values (onestop/workcalendar/days.py).
    DAY_OFF = OverrideKind.DAY_OFF.value, _("Day off")
    WORKING_DAY = OverrideKind.WORKING_DAY.value, _("Working day")


class CalendarOverride(models.Model):
    """A day decided off or worked, which wins over the ``holidays`` package's Vietnam calendar.

    Labour Code 2019 art. 112 lists the public holidays and lets the Prime Minister fix the Tết and
    National Day days; art. 111 sets the weekly rest. Every year the Prime Minister (through the
    Ministry of Home Affairs, formerly of Labour) swaps working days around the holidays: a weekday
    off in exchange for a Saturday worked. Swaps the package does not know yet, and any day off a
    competent authority decides, are entered here with the decision they come from (``basis``).
    One row per date; the whole province uses the same overrides.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarOverrideKind.choices)
    # The decision that makes the day off or worked, e.g. "Thông báo 6150/TB-BLĐTBXH ngày 19/11/2024".
    basis = models.TextField(
        _("legal basis"),
        help_text=_("The decision or announcement that sets this day, with its number and date."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarOverrideKind.values), name="calendaroverride_kind_valid"
            ),
            # A day off or a worked Saturday without its decision cannot be explained to a citizen.
            models.CheckConstraint(condition=~models.Q(basis=""), name="calendaroverride_basis_required"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"

    def clean(self) -> None:
        self.basis = (self.basis or "").strip()
        if not self.basis:
            raise ValidationError({"basis": _("Give the legal basis (the decision that sets this day).")})

    def to_override(self) -> Override:
        """The engine's plain value."""
        return Override(self.date, OverrideKind(self.kind), self.basis)


# Default schedule of a state agency (DESIGN §4.3): 40-hour week, Monday–Friday (Decision
# 188/1999/QĐ-TTg); Saturday and Sunday are the weekly rest (Labour Code 2019 art. 111).
DEFAULT_DAY_PERIODS = "07:30-11:30, 13:00-17:00"
WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PERIOD_FIELDS = (*WEEKDAY_FIELDS, "makeup_periods")


def validate_periods_text(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError as exc:
        raise ValidationError(
            _("Write the periods like “07:30-11:30, 13:00-17:00”, or leave empty for a day off (%(error)s)."),
            code="invalid_periods",
            params={"error": exc},
        ) from exc


def _weekday_field(verbose_name: str, default: str) -> models.CharField:
    return models.CharField(
        verbose_name,
        max_length=100,
        blank=True,
        default=default,
        validators=[validate_periods_text],
        help_text=_("Working periods, e.g. “07:30-11:30, 13:00-17:00”; empty = day off."),
    )


class AgencyWorkingHours(models.Model):
    """An agency's weekly working periods; agencies without their own inherit the nearest ancestor's.

    One readable text field per weekday ("07:30-11:30, 13:00-17:00", empty = weekly rest), parsed
    by ``onestop.workcalendar.parse_periods``. Without any record up the agency tree, the default
    schedule applies (Monday–Friday 07:30–11:30 and 13:00–17:00, 8 working hours a day).
    """

    agency = models.OneToOneField(
        "procedures.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="working_hours"
    )
    monday = _weekday_field(_("Monday"), DEFAULT_DAY_PERIODS)
    tuesday = _weekday_field(_("Tuesday"), DEFAULT_DAY_PERIODS)
    wednesday = _weekday_field(_("Wednesday"), DEFAULT_DAY_PERIODS)
    thursday = _weekday_field(_("Thursday"), DEFAULT_DAY_PERIODS)
    friday = _weekday_field(_("Friday"), DEFAULT_DAY_PERIODS)
    saturday = _weekday_field(_("Saturday"), "")
    sunday = _weekday_field(_("Sunday"), "")
    # "N working days" of a processing time = N × this many working hours. Labour Code 2019
    # art. 105: normal working time is at most 8 hours a day, or 10 when set per week.
    hours_per_day = models.DecimalField(
        _("working hours per day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(8),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(10))],
        help_text=_("One working day of a processing time counts this many working hours."),
    )
    makeup_periods = models.CharField(
        _("periods on a swapped working day"),
        max_length=100,
        blank=True,
        validators=[validate_periods_text],
        help_text=_(
            "Periods on a rest day made a working day (a Saturday worked under a swap); "
            "empty = the schedule of the first working weekday."
        ),
    )
    basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("The decision that sets these working hours, if any.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agency working hours")
        verbose_name_plural = _("agency working hours")

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        try:
            parsed = {name: parse_periods(getattr(self, name) or "") for name in PERIOD_FIELDS}
        except ValueError:
            return  # the fields' validators report the text that does not parse
        if self.hours_per_day is not None and (self.hours_per_day * 60) % 1:
            raise ValidationError({"hours_per_day": _("Use a whole number of minutes, e.g. 7.5 hours.")})
        if not any(parsed[name] for name in WEEKDAY_FIELDS):
            raise ValidationError(_("At least one weekday needs working periods."))
        for name, periods in parsed.items():  # stored in one canonical form: "07:30-11:30, 13:00-17:00"
            setattr(self, name, format_periods(periods))

    def to_working_hours(self) -> WorkingHours:
        """The engine's plain value (ValueError if a field does not parse)."""
        makeup = parse_periods(self.makeup_periods or "")
        return WorkingHours(
            periods=tuple(parse_periods(getattr(self, name) or "") for name in WEEKDAY_FIELDS),
            hours_per_day=float(self.hours_per_day),
            makeup_periods=makeup or None,
        )
