"""Calendar data in the database: CalendarOverride and AgencyWorkingHours validation (DESIGN §4.3).

Each case names the rule it protects. Messages are checked in English (the source language): the
Vietnamese catalogue is filled in separately.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from onestop.models import (
    WEEKDAY_FIELDS,
    AgencyWorkingHours,
    CalendarOverride,
    CalendarOverrideKind,
)
from onestop.workcalendar import (
    DEFAULT_PERIODS,
    OverrideKind,
    Period,
    WorkingHours,
    format_periods,
    parse_periods,
)
from onestop.workcalendar.explanation import format_week
from tests.factories import AgencyFactory

BASIS = "Thông báo 6150/TB-BLĐTBXH ngày 19/11/2024"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# ------------------------------------------------------------------------ CalendarOverride


def test_override_kinds_are_the_engine_kinds():
    """The database values are the engine's OverrideKind values, so a row converts without mapping."""
    assert set(CalendarOverrideKind.values) == {k.value for k in OverrideKind}


@pytest.mark.django_db
def test_valid_override_converts_to_the_engine_value():
    row = CalendarOverride(date=date(2027, 2, 11), kind="day_off", basis=f"  {BASIS} ")
    row.full_clean()
    assert row.basis == BASIS  # stripped
    override = row.to_override()
    assert (override.date, override.kind, override.basis) == (date(2027, 2, 11), OverrideKind.DAY_OFF, BASIS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param({"basis": ""}, "basis", "This field cannot be blank.", id="legal-basis-is-required"),
        pytest.param(
            {"basis": "   "},
            "basis",
            "Give the legal basis (the decision that sets this day).",
            id="blank-basis-is-no-basis",
        ),
        pytest.param({"kind": "half_day"}, "kind", "Value 'half_day' is not a valid choice.", id="kind-is-a-choice"),
        pytest.param({"kind": ""}, "kind", "This field cannot be blank.", id="kind-is-required"),
        pytest.param({"date": None}, "date", "This field cannot be null.", id="date-is-required"),
    ],
)
def test_invalid_override_is_rejected(fields, field, message):
    row = CalendarOverride(**{"date": date(2027, 2, 11), "kind": "day_off", "basis": BASIS, **fields})
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert message in exc.value.message_dict[field]


@pytest.mark.django_db
def test_one_override_per_date():
    CalendarOverride.objects.create(date=date(2027, 2, 11), kind="day_off", basis=BASIS)
    with pytest.raises(ValidationError) as exc:
        CalendarOverride(date=date(2027, 2, 11), kind="working_day", basis=BASIS).full_clean()
    assert "date" in exc.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"kind": "half_day"}, id="db-check-kind"),
        pytest.param({"basis": ""}, id="db-check-basis-not-empty"),
    ],
)
def test_database_constraints_hold_without_full_clean(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(**{"date": date(2027, 2, 11), "kind": "day_off", "basis": BASIS, **fields})


# ------------------------------------------------------------------------ AgencyWorkingHours


@pytest.mark.django_db
def test_new_working_hours_default_to_the_state_schedule():
    """Default: Monday–Friday 07:30–11:30 and 13:00–17:00, 8 hours a day (DESIGN §4.3)."""
    row = AgencyWorkingHours(agency=AgencyFactory())
    row.full_clean()
    assert row.to_working_hours() == WorkingHours()


@pytest.mark.django_db
def test_working_hours_are_stored_in_one_canonical_form():
    row = AgencyWorkingHours(agency=AgencyFactory(), monday="7:30 – 11:30;13:00-17:00", saturday=" 07:30-11:30 ")
    row.full_clean()
    assert (row.monday, row.saturday) == ("07:30-11:30, 13:00-17:00", "07:30-11:30")
    hours = row.to_working_hours()
    assert hours.for_weekday(5) == (Period(time(7, 30), time(11, 30)),)
    assert hours.for_weekday(6) == ()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        pytest.param({"monday": "7h30-11h30"}, "monday", "07:30-11:30", id="periods-written-HH:MM-HH:MM"),
        pytest.param({"tuesday": "13:00-11:00"}, "tuesday", "must end after it starts", id="period-ends-after-start"),
        pytest.param(
            {"wednesday": "07:30-12:00, 11:00-17:00"}, "wednesday", "must not overlap", id="periods-do-not-overlap"
        ),
        pytest.param({"friday": "07:30-25:00"}, "friday", "hours are 00–23", id="hours-are-clock-hours"),
        pytest.param({"makeup_periods": "morning"}, "makeup_periods", "07:30-11:30", id="makeup-periods-validated"),
        pytest.param(
            dict.fromkeys(WEEKDAY_FIELDS, ""),
            "__all__",
            "At least one weekday needs working periods.",
            id="a-week-needs-a-working-day",
        ),
        pytest.param({"hours_per_day": Decimal(0)}, "hours_per_day", "greater than or equal to 1", id="day-min-1h"),
        pytest.param(
            {"hours_per_day": Decimal(11)},
            "hours_per_day",
            "less than or equal to 10",
            id="day-max-10h-labour-code-art-105",
        ),
        pytest.param(
            {"hours_per_day": Decimal("7.33")}, "hours_per_day", "whole number of minutes", id="day-in-whole-minutes"
        ),
    ],
)
def test_invalid_working_hours_are_rejected(fields, field, fragment):
    row = AgencyWorkingHours(agency=AgencyFactory(), **fields)
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    messages = exc.value.message_dict[field]
    assert any(fragment in m for m in messages), messages
    assert len(messages) == 1  # reported once, not again by clean()


@pytest.mark.django_db
def test_an_agency_has_at_most_one_working_hours_record():
    agency = AgencyFactory()
    AgencyWorkingHours.objects.create(agency=agency)
    with pytest.raises(ValidationError):
        AgencyWorkingHours(agency=agency).full_clean()


@pytest.mark.django_db
def test_seven_and_a_half_hour_day_and_makeup_periods_reach_the_engine():
    row = AgencyWorkingHours(agency=AgencyFactory(), hours_per_day=Decimal("7.5"), makeup_periods="08:00-12:00")
    row.full_clean()
    hours = row.to_working_hours()
    assert (hours.minutes_per_day, hours.working_day_periods) == (450, (Period(time(8), time(12)),))


# ------------------------------------------------------------------ text form of the periods


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", (), id="empty-is-a-rest-day"),
        pytest.param("  ", (), id="blank-is-a-rest-day"),
        pytest.param("07:30-11:30, 13:00-17:00", DEFAULT_PERIODS, id="default-day"),
        pytest.param("07:30–11:30; 13:00 — 17:00", DEFAULT_PERIODS, id="dashes-and-semicolons-accepted"),
        pytest.param("7:30-11:30", (Period(time(7, 30), time(11, 30)),), id="one-digit-hour"),
    ],
)
def test_parse_periods(text, expected):
    assert parse_periods(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("07:30", id="no-end"),
        pytest.param("07:30-11:30,", id="trailing-comma"),
        pytest.param("07:30-11:30 13:00-17:00", id="missing-separator"),
        pytest.param("07:61-11:30", id="minute-61"),
    ],
)
def test_parse_periods_rejects(text):
    with pytest.raises(ValueError):
        parse_periods(text)


def test_format_periods_is_the_inverse_of_parse():
    assert format_periods(parse_periods("7:30–11:30;13:00-17:00")) == "07:30-11:30, 13:00-17:00"


@pytest.mark.parametrize(
    ("week", "expected"),
    [
        pytest.param(WorkingHours().periods, "Thứ Hai–Thứ Sáu: 07:30–11:30, 13:00–17:00", id="default-week-grouped"),
        pytest.param(
            (DEFAULT_PERIODS,) * 5 + ((Period(time(7, 30), time(11, 30)),), ()),
            "Thứ Hai–Thứ Sáu: 07:30–11:30, 13:00–17:00; Thứ Bảy: 07:30–11:30",
            id="saturday-morning",
        ),
        pytest.param(
            (DEFAULT_PERIODS, (), DEFAULT_PERIODS, (), (), (), ()),
            "Thứ Hai: 07:30–11:30, 13:00–17:00; Thứ Tư: 07:30–11:30, 13:00–17:00",
            id="non-consecutive-days-not-grouped",
        ),
        pytest.param(((),) * 7, "không có ngày làm việc", id="empty-week"),
    ],
)
def test_format_week_in_vietnamese(week, expected):
    assert format_week(week) == expected
