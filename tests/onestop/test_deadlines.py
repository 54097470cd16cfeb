"""The deadline sweep: each crossing at its exact time, once, and never while the clock is paused.

Times are Vietnam wall-clock times (tests/onestop/test_deadlines_support.py): NOW is Monday
08/06/2026 09:00; one working day later is Tuesday 09:00, two are Wednesday 09:00.
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines.services import deadline_sweep
from onestop.models import AgencyWorkingHours, DeadlineCrossing, DossierStatus
from onestop.models import DeadlineKind as K
from tests.onestop import test_deadlines_support as support
from tests.onestop.test_deadlines_support import (
    NOW,
    ONE_DAY,
    TWO_DAYS,
    make_dossier,
    vn,
)

pytestmark = pytest.mark.django_db
fresh_calendar_cache = support.fresh_calendar_cache
org = support.org

S = DossierStatus
MINUTE = dt.timedelta(minutes=1)


def crossings() -> set[tuple[str, str]]:
    return set(DeadlineCrossing.objects.values_list("dossier__code", "kind"))


def test_each_kind_crosses_at_its_exact_time(org):
    due_in_one_day = make_dossier(org, due_at=ONE_DAY)  # exactly 480 working minutes left: due soon
    due_later = make_dossier(org, due_at=ONE_DAY + MINUTE)  # 481 left: only the apology reminder
    apology_edge = make_dossier(org, due_at=TWO_DAYS)  # 960 left: the apology reminder's edge
    far = make_dossier(org, due_at=TWO_DAYS + MINUTE)
    due_now = make_dossier(org, due_at=NOW)  # due at this very minute: overdue
    received = make_dossier(org, status=S.RECEIVED, due_at=ONE_DAY - MINUTE)
    # Waiting for payment: the clock runs, but form 04 is not possible in that status.
    paying = make_dossier(org, status=S.AWAITING_PAYMENT, due_at=ONE_DAY - MINUTE)
    extended = make_dossier(org, due_at=ONE_DAY - MINUTE, extensions=1)  # form 04 already issued once
    check_late = make_dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    check_now = make_dossier(org, status=S.SUBMITTED, check_due_at=NOW)
    check_in_time = make_dossier(org, status=S.SUBMITTED, check_due_at=NOW + MINUTE)
    step_soon = make_dossier(org, due_at=NOW + dt.timedelta(days=20), step_agency=org.unit, step_due_at=ONE_DAY)
    step_late = make_dossier(org, due_at=NOW + dt.timedelta(days=20), step_agency=org.unit, step_due_at=NOW - MINUTE)

    report = deadline_sweep(now=NOW)

    assert crossings() == {
        (due_in_one_day.code, K.DUE_SOON),
        (due_in_one_day.code, K.APOLOGY_REMINDER),
        (due_later.code, K.APOLOGY_REMINDER),
        (apology_edge.code, K.APOLOGY_REMINDER),
        (due_now.code, K.OVERDUE),
        (received.code, K.DUE_SOON),
        (received.code, K.APOLOGY_REMINDER),
        (paying.code, K.DUE_SOON),
        (extended.code, K.DUE_SOON),
        (check_late.code, K.CHECK_OVERDUE),
        (check_now.code, K.CHECK_OVERDUE),
        (step_soon.code, K.STEP_DUE_SOON),
        (step_late.code, K.STEP_OVERDUE),
    }
    assert far.code not in {code for code, _ in crossings()}
    assert check_in_time.code not in {code for code, _ in crossings()}
    assert report.crossings == {
        K.CHECK_OVERDUE: 2,
        K.DUE_SOON: 4,
        K.APOLOGY_REMINDER: 4,
        K.OVERDUE: 1,
        K.STEP_DUE_SOON: 1,
        K.STEP_OVERDUE: 1,
    }
    # The crossing keeps the deadline that was crossed, not the moment of the sweep.
    assert DeadlineCrossing.objects.get(dossier=step_late).deadline == NOW - MINUTE


def test_paused_and_closed_dossiers_never_cross(org):
    """Decree 118/2025/NĐ-CP: the citizen's supplement time does not count."""
    make_dossier(org, status=S.SUPPLEMENT_REQUESTED, paused_at=NOW - dt.timedelta(days=1), due_at=NOW - MINUTE)
    make_dossier(
        org,
        status=S.SUPPLEMENT_REQUESTED,
        paused_at=NOW - dt.timedelta(days=1),
        check_due_at=NOW - MINUTE,
        step_due_at=NOW - MINUTE,
    )
    make_dossier(org, paused_at=NOW - dt.timedelta(days=1), due_at=ONE_DAY)  # paused, whatever the status says
    for status in (S.RESOLVED, S.RETURNED, S.STOPPED, S.WITHDRAWN, S.REJECTED):
        make_dossier(org, status=status, due_at=NOW - MINUTE, step_due_at=NOW - MINUTE, check_due_at=NOW - MINUTE)
    make_dossier(org, status=S.RECEIVED, step_due_at=NOW - MINUTE)  # no step runs before processing

    assert deadline_sweep(now=NOW).total == 0
    assert not DeadlineCrossing.objects.exists()


def test_deadlines_passed_before_the_lookback_are_left_to_the_digest(org, settings):
    settings.DEADLINE_LOOKBACK_DAYS = 7
    make_dossier(org, due_at=NOW - dt.timedelta(days=7))
    recent = make_dossier(org, due_at=NOW - dt.timedelta(days=7) + MINUTE)
    deadline_sweep(now=NOW)
    assert crossings() == {(recent.code, K.OVERDUE)}


def test_no_working_time_passes_over_the_weekend(org):
    friday = vn(12, 16)  # Friday 16:00: 60 min on Friday + 420 on Monday → Monday 16:00
    soon = make_dossier(org, due_at=vn(15, 16), extensions=1)
    not_yet = make_dossier(org, due_at=vn(15, 16, 1), extensions=1)
    deadline_sweep(now=friday)
    assert crossings() == {(soon.code, K.DUE_SOON)}
    # Saturday morning: counting starts on Monday 07:30, so Monday 17:00 is one working day away.
    later = make_dossier(org, due_at=vn(15, 17), extensions=1)
    deadline_sweep(now=vn(13, 10))
    assert crossings() == {(soon.code, K.DUE_SOON), (not_yet.code, K.DUE_SOON), (later.code, K.DUE_SOON)}


def test_running_twice_records_nothing_more(org):
    make_dossier(org, due_at=ONE_DAY, step_agency=org.unit, step_due_at=NOW - MINUTE)
    make_dossier(org, status=S.SUBMITTED, check_due_at=NOW - MINUTE)
    first = deadline_sweep(now=NOW)
    rows = list(DeadlineCrossing.objects.order_by("pk").values_list("pk", "dossier_id", "kind", "deadline"))
    second = deadline_sweep(now=NOW)
    later = deadline_sweep(now=NOW + dt.timedelta(minutes=5))
    assert first.total == 4
    assert second.total == later.total == 0
    assert second.batches == later.batches == 0
    assert list(DeadlineCrossing.objects.order_by("pk").values_list("pk", "dossier_id", "kind", "deadline")) == rows


def test_a_new_deadline_after_an_extension_crosses_again(org):
    dossier = make_dossier(org, due_at=ONE_DAY)
    deadline_sweep(now=NOW)
    assert crossings() == {(dossier.code, K.DUE_SOON), (dossier.code, K.APOLOGY_REMINDER)}

    # Form 04: one new date (Friday 09:00), recorded once.
    dossier.due_at, dossier.extensions = vn(12, 9), 1
    dossier.save()
    assert deadline_sweep(now=NOW + dt.timedelta(minutes=5)).total == 0
    deadline_sweep(now=vn(11, 9))  # Thursday 09:00: one working day left again
    due_soon = DeadlineCrossing.objects.filter(dossier=dossier, kind=K.DUE_SOON)
    assert sorted(due_soon.values_list("deadline", flat=True)) == [ONE_DAY, vn(12, 9)]
    # No second apology reminder: the date may be reset only once.
    assert DeadlineCrossing.objects.filter(dossier=dossier, kind=K.APOLOGY_REMINDER).count() == 1
    deadline_sweep(now=vn(12, 9))
    assert DeadlineCrossing.objects.filter(dossier=dossier, kind=K.OVERDUE).get().deadline == vn(12, 9)


def test_the_next_step_crosses_on_its_own_deadline(org):
    dossier = make_dossier(org, due_at=NOW + dt.timedelta(days=20), step_agency=org.unit, step_due_at=NOW - MINUTE)
    deadline_sweep(now=NOW)
    dossier.current_step, dossier.step_agency, dossier.step_due_at = 2, org.department, ONE_DAY
    dossier.save()
    deadline_sweep(now=NOW + dt.timedelta(minutes=5))
    assert set(DeadlineCrossing.objects.values_list("kind", "deadline")) == {
        (K.STEP_OVERDUE, NOW - MINUTE),
        (K.STEP_DUE_SOON, ONE_DAY),
    }


def test_a_paused_dossier_crosses_once_it_resumes(org):
    dossier = make_dossier(
        org, status=S.SUPPLEMENT_REQUESTED, paused_at=NOW - dt.timedelta(days=2), due_at=NOW - dt.timedelta(days=1)
    )
    assert deadline_sweep(now=NOW).total == 0
    # The citizen supplements: the clock resumes with the 300 working minutes that were left.
    dossier.status, dossier.paused_at, dossier.due_at = S.PROCESSING, None, vn(8, 15)
    dossier.save()
    deadline_sweep(now=NOW + dt.timedelta(minutes=5))
    assert crossings() == {(dossier.code, K.DUE_SOON), (dossier.code, K.APOLOGY_REMINDER)}


def test_an_agency_with_its_own_hours_uses_its_calendar(org):
    """DESIGN §4.3: working hours per agency; the unit inherits its department's."""
    AgencyWorkingHours.objects.create(agency=org.department, saturday="07:30-11:30")
    friday = vn(12, 16)
    # Default calendar: 60 min Friday + 420 Monday → Monday 16:00.
    # The department works on Saturday morning: 60 Friday + 240 Saturday + 180 Monday → Monday 10:30.
    at_province = make_dossier(org, agency=org.province, due_at=vn(15, 12), extensions=1)
    at_unit_late = make_dossier(org, agency=org.unit, due_at=vn(15, 12), extensions=1)
    at_unit_edge = make_dossier(org, agency=org.unit, due_at=vn(15, 10, 30), extensions=1)
    at_department = make_dossier(org, agency=org.department, due_at=vn(15, 10, 31), extensions=1)
    deadline_sweep(now=friday)
    assert crossings() == {(at_province.code, K.DUE_SOON), (at_unit_edge.code, K.DUE_SOON)}
    assert not DeadlineCrossing.objects.filter(dossier__in=[at_unit_late, at_department]).exists()


def test_the_due_soon_window_is_configurable(org, settings):
    # Half a day from Monday 09:00: 150 min until 11:30, then 13:00 + 90 → 14:30; two hours → 11:00.
    settings.DEADLINE_DUE_SOON_WORKING_HOURS = 4
    settings.DEADLINE_APOLOGY_REMINDER_WORKING_HOURS = 4
    settings.DEADLINE_STEP_DUE_SOON_WORKING_HOURS = 2
    soon = make_dossier(org, due_at=vn(8, 14, 30), step_agency=org.unit, step_due_at=vn(8, 11))
    not_soon = make_dossier(org, due_at=vn(8, 14, 31), step_agency=org.unit, step_due_at=vn(8, 11, 1))
    deadline_sweep(now=NOW)
    assert crossings() == {(soon.code, K.DUE_SOON), (soon.code, K.APOLOGY_REMINDER), (soon.code, K.STEP_DUE_SOON)}
    assert not DeadlineCrossing.objects.filter(dossier=not_soon).exists()
