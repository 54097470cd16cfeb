"""The management commands `due_date` and `calendar_override`: thin adapters over the calendar services.

Each case names the rule it protects; due moments are computed by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.models import AgencyWorkingHours, CalendarOverride
from onestop.workcalendar import django_calendar as dc
from onestop.workcalendar import selectors
from onestop.workcalendar.services import calendar_override_add
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

DECISION = "Quyết định 123/QĐ-UBND ngày 20/04/2026 (giả định)"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache_in_english():
    dc._registry.reset()
    cache.delete(dc.VERSION_CACHE_KEY)
    with translation.override("en"):  # messages are checked in the source language
        yield
    dc._registry.reset()


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


# ------------------------------------------------------------------------------------ due_date


def test_due_date_prints_the_iso_due_moment_first_then_why():
    """Received Wed 29/4/2026 10:00, 3 working days: 330 min Wednesday; 30/4 and 1/5 holidays and
    the weekend skipped; Mon 4/5 480, Tue 5/5 480, Wed 6/5 07:30 + 150 min → 10:00."""
    lines = run("due_date", "--received", "2026-04-29 10:00", "--days", "3")
    assert lines[0] == "2026-05-06T10:00:00+07:00"
    assert lines[1] == "Giờ làm việc mặc định: Thứ Hai–Thứ Sáu: 07:30–11:30, 13:00–17:00"
    assert lines[2] == "Thời điểm tiếp nhận: 10:00 Thứ Tư, 29/04/2026"
    assert "  - Thứ Tư, 29/04/2026: 10:00–11:30, 13:00–17:00 (330 phút)" in lines
    assert "  - Thứ Tư, 06/05/2026: 07:30–10:00 (150 phút)" in lines
    skipped = lines[lines.index("Ngày không tính:") + 1 : -1]
    assert skipped == [
        "  - Thứ Năm, 30/04/2026: Nghỉ lễ: Ngày Chiến thắng",
        "  - Thứ Sáu, 01/05/2026: Nghỉ lễ: Ngày Quốc tế Lao động",
        "  - 02/05/2026: Thứ Bảy (nghỉ hằng tuần)",
        "  - 03/05/2026: Chủ nhật (nghỉ hằng tuần)",
    ]
    assert lines[-1] == "Hạn trả kết quả: 10:00 Thứ Tư, 06/05/2026"


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        # After the 15:00 cut-off: from Mon 4/5 07:30; 4 hours → 11:30.
        pytest.param(
            ("--received", "2026-04-29 16:00", "--hours", "4"), "2026-05-04T11:30:00+07:00", id="after-cutoff-next-day"
        ),
        # At 15:00 exactly it still counts: 15:00–17:00 120, Mon 4/5 07:30–09:30 → 09:30.
        pytest.param(
            ("--received", "2026-04-29 15:00", "--hours", "4"), "2026-05-04T09:30:00+07:00", id="at-cutoff-same-day"
        ),
        # On a holiday (30/4): from Mon 4/5 07:30; 0.5 day = 240 min → 11:30.
        pytest.param(
            ("--received", "2026-04-30T09:00", "--days", "0.5"), "2026-05-04T11:30:00+07:00", id="holiday-half-day"
        ),
        # Tết 2026 (14/2–22/2): received Fri 13/2 14:00, 1 day: 180 min Friday, Mon 23/2 07:30–11:30 240, 13:00–14:00.
        pytest.param(
            ("--received", "2026-02-13 14:00", "--days", "1"), "2026-02-23T14:00:00+07:00", id="tet-2026-skipped"
        ),
    ],
)
def test_due_date_first_line(args, first_line):
    assert run("due_date", *args)[0] == first_line


def test_due_date_explains_an_override_with_its_basis():
    # Mon 4/5 off as well: Tue 5/5 480, Wed 6/5 480, Thu 7/5 150 → 10:00.
    calendar_override_add(date=dt.date(2026, 5, 4), kind="day_off", basis=DECISION)
    lines = run("due_date", "--received", "2026-04-29 10:00", "--days", "3")
    assert lines[0] == "2026-05-07T10:00:00+07:00"
    assert f"  - Thứ Hai, 04/05/2026: Ngày nghỉ theo quyết định: {DECISION}" in lines


def test_due_date_uses_the_agency_hours_inherited_from_its_parent():
    department = AgencyFactory(code="000.00.01.H12", name="Sở Tư pháp")
    unit = AgencyFactory(code="000.01.01.H12", name="Phòng Hành chính tư pháp", parent=department)
    AgencyWorkingHours.objects.create(agency=department, saturday="07:30-11:30")
    # Wed 330, Sat 2/5 morning 240, Mon 480, Tue 07:30–11:30 240 + 13:00–15:30 150 → 15:30.
    lines = run("due_date", "--received", "2026-04-29 10:00", "--days", "3", "--agency", unit.code)
    assert lines[0] == "2026-05-05T15:30:00+07:00"
    assert lines[1] == (
        "Giờ làm việc kế thừa từ Sở Tư pháp (000.00.01.H12): "
        "Thứ Hai–Thứ Sáu: 07:30–11:30, 13:00–17:00; Thứ Bảy: 07:30–11:30"
    )


# --procedure: the catalogue is built separately; the lookup is tested against a stand-in model.


class _FakeProcedure:
    class DoesNotExist(ObjectDoesNotExist):
        pass

    class MultipleObjectsReturned(Exception):
        pass

    rows: dict[str, SimpleNamespace] = {}

    class _default_manager:
        @staticmethod
        def get(*, code):
            try:
                return _FakeProcedure.rows[code]
            except KeyError:
                raise _FakeProcedure.DoesNotExist from None


@pytest.fixture
def catalogue(monkeypatch):
    """procedures.Procedure replaced by a stand-in: {code: attributes}."""
    real_get_model = apps.get_model

    def get_model(app_label, model_name=None, *args, **kwargs):
        if (app_label, model_name) == ("procedures", "Procedure"):
            return _FakeProcedure
        return real_get_model(app_label, model_name, *args, **kwargs)

    monkeypatch.setattr(selectors.apps, "get_model", get_model)
    monkeypatch.setattr(_FakeProcedure, "rows", {})
    return _FakeProcedure.rows


@pytest.mark.parametrize(
    ("procedure", "first_line"),
    [
        # 16:30 cut-off: 16:00 counts, 16:00–17:00 60, Mon 4/5 07:30–10:30 180 → 10:30.
        pytest.param(SimpleNamespace(cutoff_time=dt.time(16, 30)), "2026-05-04T10:30:00+07:00", id="procedure-cutoff"),
        # No cut-off value: the default 15:00 → from Mon 4/5 07:30 → 11:30.
        pytest.param(SimpleNamespace(cutoff_time=None), "2026-05-04T11:30:00+07:00", id="empty-cutoff-default-15:00"),
        pytest.param(SimpleNamespace(), "2026-05-04T11:30:00+07:00", id="no-cutoff-attribute-default-15:00"),
    ],
)
def test_due_date_uses_the_procedure_cutoff(catalogue, procedure, first_line):
    catalogue["1.001234"] = procedure
    lines = run("due_date", "--received", "2026-04-29 16:00", "--hours", "4", "--procedure", "1.001234")
    assert lines[0] == first_line
    assert lines[2].startswith("Giờ chốt tiếp nhận trong ngày của thủ tục 1.001234: ")


def test_due_date_procedure_code_unknown(catalogue):
    with pytest.raises(CommandError, match=r"^There is no procedure with code 9\.999999\.$"):
        run("due_date", "--received", "2026-04-29 16:00", "--hours", "4", "--procedure", "9.999999")


def test_due_date_procedure_without_catalogue_is_a_clear_error(monkeypatch):
    real_get_model = apps.get_model

    def get_model(app_label, model_name=None, *args, **kwargs):
        if (app_label, model_name) == ("procedures", "Procedure"):
            raise LookupError("App 'procedures' doesn't have a 'Procedure' model.")
        return real_get_model(app_label, model_name, *args, **kwargs)

    monkeypatch.setattr(selectors.apps, "get_model", get_model)
    with pytest.raises(CommandError, match="the procedure catalogue is not installed"):
        run("due_date", "--received", "2026-04-29 16:00", "--hours", "4", "--procedure", "1.001234")


def test_real_procedure_model_keeps_the_contract_the_command_relies_on():
    """procedures.Procedure: looked up by a unique `code`, cut-off in `cutoff_time`."""
    model = apps.get_model("procedures", "Procedure")
    assert model._meta.get_field("code").unique
    assert model._meta.get_field("cutoff_time").get_internal_type() == "TimeField"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--days", "3"), "the following arguments are required: --received", id="received-required"),
        pytest.param(
            ("--received", "2026-04-29 10:00"),
            "one of the arguments --days --hours is required",
            id="duration-required",
        ),
        pytest.param(
            ("--received", "2026-04-29 10:00", "--days", "1", "--hours", "2"),
            "not allowed with argument",
            id="days-or-hours-not-both",
        ),
        pytest.param(
            ("--received", "29/04/2026 10:00", "--days", "1"),
            'is not a date and time: use "YYYY-MM-DD HH:MM"',
            id="received-format",
        ),
        pytest.param(("--received", "2026-04-29", "--days", "1"), "is not a date and time", id="received-needs-time"),
        pytest.param(("--received", "2026-04-29 10:00", "--days", "-1"), "is not a non-negative number", id="negative"),
        pytest.param(("--received", "2026-04-29 10:00", "--days", "ba"), "is not a non-negative number", id="nan"),
        pytest.param(
            ("--received", "2026-04-29 10:00", "--hours", "0.01"), "whole number of minutes", id="whole-minutes"
        ),
        pytest.param(
            ("--received", "2026-04-29 10:00", "--days", "1", "--agency", "000.99.99.H12"),
            "There is no agency with code 000.99.99.H12.",
            id="unknown-agency",
        ),
    ],
)
def test_due_date_errors(args, message):
    with pytest.raises(CommandError) as exc:
        run("due_date", *args)
    assert message in str(exc.value)


# ---------------------------------------------------------------------------- calendar_override


def test_add_then_list_then_remove():
    lines = run("calendar_override", "add", "2026-05-04", "day_off", "--basis", DECISION)
    assert lines == [
        f"Added: 2026-05-04 (Thứ Hai) day_off — {DECISION}",
        f"Now: day off (Ngày nghỉ theo quyết định: {DECISION})",
    ]
    run("calendar_override", "add", "2026-05-09", "working_day", "--basis", "Thông báo 45/TB-UBND")
    listed = run("calendar_override", "list")
    assert [line[:36] for line in listed] == [
        "2026-05-04  Thứ Hai   day_off      Q",
        "2026-05-09  Thứ Bảy   working_day  T",
    ]
    assert DECISION in listed[0]
    assert run("calendar_override", "list", "--year", "2027") == ["No calendar overrides in 2027."]
    assert run("calendar_override", "remove", "2026-05-04") == [
        f"Removed: 2026-05-04 (Thứ Hai) day_off — {DECISION}",
        "Now: working day (Ngày làm việc)",
    ]
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [dt.date(2026, 5, 9)]


def test_list_when_empty():
    assert run("calendar_override", "list") == ["No calendar overrides."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("add", "2026-13-04", "day_off", "--basis", DECISION),
            "argument date: '2026-13-04' is not a date: use YYYY-MM-DD",
            id="add-bad-date",
        ),
        pytest.param(
            ("add", "04/05/2026", "day_off", "--basis", DECISION),
            "argument date: '04/05/2026' is not a date: use YYYY-MM-DD",
            id="add-date-format",
        ),
        pytest.param(
            ("add", "2026-05-04", "holiday", "--basis", DECISION),
            "argument kind: invalid choice: 'holiday' (choose from",
            id="add-bad-kind",
        ),
        pytest.param(
            ("add", "2026-05-04", "day_off"), "the following arguments are required: --basis", id="add-basis-required"
        ),
        pytest.param(
            ("add", "2026-05-04", "day_off", "--basis", "  "),
            "Give the legal basis (the decision that sets this day).",
            id="add-blank-basis",
        ),
        pytest.param(("remove", "2026-05-04"), "There is no override on 2026-05-04.", id="remove-nonexistent"),
        pytest.param(("remove", "2026-02-30"), "argument date: '2026-02-30' is not a date", id="remove-bad-date"),
        pytest.param(("list", "--year", "hai"), "argument --year: invalid int value", id="list-bad-year"),
        pytest.param(("purge",), "invalid choice: 'purge'", id="unknown-action"),
    ],
)
def test_calendar_override_errors(args, message):
    with pytest.raises(CommandError) as exc:
        run("calendar_override", *args)
    assert message in str(exc.value)
    assert not CalendarOverride.objects.exists()


def test_add_twice_names_the_existing_override():
    run("calendar_override", "add", "2026-05-04", "day_off", "--basis", DECISION)
    with pytest.raises(CommandError) as exc:
        run("calendar_override", "add", "2026-05-04", "working_day", "--basis", "x")
    assert str(exc.value) == f"2026-05-04 already has an override (Day off: {DECISION}); remove it first."
