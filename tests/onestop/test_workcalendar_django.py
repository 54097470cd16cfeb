"""calendar_for_agency: overrides and agency working hours from the database, cached per process.

Each case names the rule it protects. Expected due moments are computed by hand in the comments
(Vietnam time; 1 working day = 480 working minutes unless said otherwise).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from onestop.models import AgencyWorkingHours, CalendarOverride
from onestop.workcalendar import VN_TZ, DayKind, WorkingHours
from onestop.workcalendar import django_calendar as dc
from onestop.workcalendar.django_calendar import (
    VERSION_CACHE_KEY,
    CalendarRegistry,
    calendar_for_agency,
    working_hours_source,
)
from onestop.workcalendar.services import calendar_override_add, calendar_override_remove
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

DECISION = "Quyết định 123/QĐ-UBND ngày 20/04/2026 (giả định)"
SWAP = "Thông báo 45/TB-BNV (giả định): làm việc thứ Bảy 02/05/2026"


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


# Received Wednesday 29/4/2026 10:00, 3 working days (1440 min): 330 min on Wednesday; 30/4 and 1/5
# are holidays, 2–3/5 the weekend; Mon 4/5 480, Tue 5/5 480, Wed 6/5 07:30 + 150 → 10:00.
RECEIVED = vn(2026, 4, 29, 10, 0)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test starts like a new process: no snapshot, no version token."""
    dc._registry.reset()
    cache.delete(VERSION_CACHE_KEY)
    yield
    dc._registry.reset()


def _commit(captured):
    """Run the on-commit callbacks as a real commit would (pytest-django never commits)."""
    return captured(execute=True)


# ------------------------------------------------------------------- overrides move due dates


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param([], vn(2026, 5, 6, 10, 0), id="package-holidays-and-weekend-skipped"),
        # Mon 4/5 off too: Tue 5/5 480, Wed 6/5 480, Thu 7/5 150 → 10:00.
        pytest.param([("2026-05-04", "day_off", DECISION)], vn(2026, 5, 7, 10, 0), id="day-off-override-delays"),
        # Sat 2/5 worked: Sat 480, Mon 4/5 480, Tue 5/5 150 → 10:00.
        pytest.param([("2026-05-02", "working_day", SWAP)], vn(2026, 5, 5, 10, 0), id="working-day-override-advances"),
        # Both: Sat 480, Mon off, Tue 480, Wed 150 → 10:00 Wed.
        pytest.param(
            [("2026-05-02", "working_day", SWAP), ("2026-05-04", "day_off", DECISION)],
            vn(2026, 5, 6, 10, 0),
            id="pm-swap-both-ways",
        ),
        # 30/4 worked although the package says holiday: Thu 480, Mon 480, Tue 150.
        pytest.param(
            [("2026-04-30", "working_day", DECISION)], vn(2026, 5, 5, 10, 0), id="override-wins-over-package-holiday"
        ),
    ],
)
def test_overrides_in_the_database_move_the_due_date(overrides, expected):
    for day, kind, basis in overrides:
        calendar_override_add(date=date.fromisoformat(day), kind=kind, basis=basis)
    assert calendar_for_agency().due_at(RECEIVED, days=3).due_at == expected


def test_override_basis_is_in_the_explanation():
    calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)
    lines = calendar_for_agency().due_at(RECEIVED, days=3).lines()
    assert f"  - Thứ Hai, 04/05/2026: Ngày nghỉ theo quyết định: {DECISION}" in lines


# ---------------------------------------------------------------------------- services


def test_add_records_who_and_why():
    user = UserFactory()
    override = calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=f" {DECISION} ", actor=user)
    override.refresh_from_db()
    assert (override.kind, override.basis, override.created_by) == ("day_off", DECISION, user)
    assert override.created_at is not None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"date": date(2026, 5, 4), "kind": "day_off", "basis": "  "},
            "Give the legal basis (the decision that sets this day).",
            id="basis-required",
        ),
        pytest.param(
            {"date": date(2026, 5, 4), "kind": "holiday", "basis": DECISION},
            "Value 'holiday' is not a valid choice.",
            id="kind-must-be-day_off-or-working_day",
        ),
        pytest.param(
            {"date": datetime(2026, 5, 4, 8, 0), "kind": "day_off", "basis": DECISION},
            "Give a date (YYYY-MM-DD).",
            id="a-date-not-a-datetime",
        ),
    ],
)
def test_add_rejects_bad_input(kwargs, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            calendar_override_add(**kwargs)
        assert message in exc.value.messages  # lazy messages: read while English is active
    assert not CalendarOverride.objects.exists()


def test_add_refuses_a_second_override_for_a_date_and_names_the_first():
    calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        calendar_override_add(date=date(2026, 5, 4), kind="working_day", basis="other")
    assert exc.value.messages == [f"2026-05-04 already has an override (Day off: {DECISION}); remove it first."]


def test_remove_returns_what_it_removed_and_the_package_applies_again():
    calendar_override_add(date=date(2026, 4, 30), kind="working_day", basis=DECISION)
    assert calendar_for_agency().is_working_day(date(2026, 4, 30))
    removed = calendar_override_remove(date=date(2026, 4, 30))
    assert (removed.date, removed.basis) == (date(2026, 4, 30), DECISION)
    assert calendar_for_agency().day_info(date(2026, 4, 30)).kind is DayKind.HOLIDAY


def test_remove_of_a_date_without_override_is_a_clear_error():
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        calendar_override_remove(date=date(2026, 5, 4))
    assert exc.value.messages == ["There is no override on 2026-05-04."]


# ------------------------------------------------------------------------- the cache


def test_calendar_is_cached_per_process(django_assert_num_queries):
    first = calendar_for_agency()
    with django_assert_num_queries(0):
        assert calendar_for_agency() is first


def test_adding_and_removing_an_override_invalidates_the_cache(django_capture_on_commit_callbacks):
    cached = calendar_for_agency()
    assert cached.due_at(RECEIVED, days=3).due_at == vn(2026, 5, 6, 10, 0)
    token = cache.get(VERSION_CACHE_KEY)
    with _commit(django_capture_on_commit_callbacks):
        calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)
    assert cache.get(VERSION_CACHE_KEY) != token  # a new version for every process
    added = calendar_for_agency()
    assert added is not cached
    assert added.due_at(RECEIVED, days=3).due_at == vn(2026, 5, 7, 10, 0)
    with _commit(django_capture_on_commit_callbacks):
        calendar_override_remove(date=date(2026, 5, 4))
    assert calendar_for_agency().due_at(RECEIVED, days=3).due_at == vn(2026, 5, 6, 10, 0)


def test_another_process_sees_the_change_through_the_shared_version(django_capture_on_commit_callbacks):
    """Process B keeps its own snapshot; process A's commit publishes a new version that B checks."""
    other_process = CalendarRegistry()
    assert other_process.calendar_for_agency().is_working_day(date(2026, 5, 4))
    with _commit(django_capture_on_commit_callbacks):
        calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)  # in "process A"
    assert not other_process.calendar_for_agency().is_working_day(date(2026, 5, 4))


def test_a_request_reads_the_shared_version_once_and_the_next_request_sees_a_change(
    monkeypatch, django_capture_on_commit_callbacks
):
    """In a request the version is read at the first call only (an oversight page looks up many
    agencies' calendars: one cache read, not one per row); the request keeps that version, and the
    next request reads the version another process published meanwhile."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's test client does around its requests: the test's transaction stays open.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        _one_version_per_request(monkeypatch, request_started, request_finished)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _one_version_per_request(monkeypatch, request_started, request_finished):
    calendar_for_agency()  # the shared version exists
    reads = []
    real_get = dc.cache.get
    monkeypatch.setattr(dc.cache, "get", lambda *a, **k: reads.append(a[0]) or real_get(*a, **k))
    request_started.send(sender=None)
    try:
        for _ in range(5):
            assert calendar_for_agency().is_working_day(date(2026, 5, 4))
        assert reads == [VERSION_CACHE_KEY]
        # Another process's change: its data, then the new version it publishes on commit.
        CalendarOverride.objects.bulk_create([CalendarOverride(date=date(2026, 5, 4), kind="day_off", basis=DECISION)])
        CalendarRegistry()._committed()
        assert calendar_for_agency().is_working_day(date(2026, 5, 4))  # this request's version
    finally:
        request_finished.send(sender=None)
    request_started.send(sender=None)
    try:
        assert not calendar_for_agency().is_working_day(date(2026, 5, 4))
        assert reads == [VERSION_CACHE_KEY, VERSION_CACHE_KEY]
    finally:
        request_finished.send(sender=None)
    # Outside a request, each call reads the version.
    calendar_for_agency()
    calendar_for_agency()
    assert len(reads) == 4


def test_the_writing_transaction_reads_its_own_override_before_commit():
    """Until its transaction commits, the writer builds a private calendar; nothing stale is kept."""
    calendar_for_agency()  # cached, version v1
    calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)  # not committed yet
    assert not calendar_for_agency().is_working_day(date(2026, 5, 4))
    assert dc._registry._snapshot is None or not dc._registry._snapshot.overrides


def test_a_rolled_back_override_never_reaches_the_calendar():
    calendar_for_agency()
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)
        raise RuntimeError("rollback")
    assert calendar_for_agency().is_working_day(date(2026, 5, 4))


@pytest.mark.django_db(transaction=True)
def test_real_commits_and_rollbacks_outside_a_test_transaction(django_assert_num_queries):
    """With real transactions: a commit publishes a version; an outer rollback leaves nothing behind."""
    calendar_for_agency()
    calendar_override_add(date=date(2026, 5, 4), kind="day_off", basis=DECISION)  # autocommit: committed
    assert not CalendarRegistry().calendar_for_agency().is_working_day(date(2026, 5, 4))
    assert not calendar_for_agency().is_working_day(date(2026, 5, 4))
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_override_remove(date=date(2026, 5, 4))
        assert calendar_for_agency().is_working_day(date(2026, 5, 4))  # own uncommitted removal
        raise RuntimeError("rollback")
    assert not calendar_for_agency().is_working_day(date(2026, 5, 4))  # the override is still there
    # The process uses its cache again once the rolled-back transaction is over, in later ones too.
    with django_assert_num_queries(0):
        calendar_for_agency()
    with transaction.atomic(), django_assert_num_queries(0):
        calendar_for_agency()


def test_a_change_bypassing_the_signals_is_seen_after_max_age():
    """Safety net: QuerySet.update sends no signal; a snapshot is never older than max_age."""
    now = [1000.0]
    registry = CalendarRegistry(max_age=300, clock=lambda: now[0])
    registry.reset()
    CalendarOverride.objects.bulk_create([CalendarOverride(date=date(2026, 5, 4), kind="day_off", basis=DECISION)])
    assert not registry.calendar_for_agency().is_working_day(date(2026, 5, 4))
    CalendarOverride.objects.filter(date=date(2026, 5, 4)).update(kind="working_day")
    now[0] += 299
    assert not registry.calendar_for_agency().is_working_day(date(2026, 5, 4))  # still the cached one
    now[0] += 2
    assert registry.calendar_for_agency().is_working_day(date(2026, 5, 4))


def test_cache_outage_falls_back_to_a_fresh_calendar_per_call(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(dc.cache, "get", broken)
    monkeypatch.setattr(dc.cache, "add", broken)
    CalendarOverride.objects.bulk_create([CalendarOverride(date=date(2026, 5, 4), kind="day_off", basis=DECISION)])
    assert not calendar_for_agency().is_working_day(date(2026, 5, 4))
    CalendarOverride.objects.all().delete()
    assert calendar_for_agency().is_working_day(date(2026, 5, 4))


# ------------------------------------------------------------- agency working hours inheritance

SATURDAY_MORNING = {"saturday": "07:30-11:30"}
SEVEN_HOUR_DAY = {"hours_per_day": Decimal(7)}


@pytest.fixture
def tree(django_capture_on_commit_callbacks):
    """Province → department (own hours: Saturday morning) → unit (none) → team (own: 7-hour day); a sibling."""
    with _commit(django_capture_on_commit_callbacks):
        province = AgencyFactory(name="UBND Thành phố")
        department = AgencyFactory(name="Sở Tư pháp", parent=province)
        unit = AgencyFactory(name="Phòng Hành chính tư pháp", parent=department)
        team = AgencyFactory(name="Tổ một cửa", parent=unit)
        other = AgencyFactory(name="Sở Xây dựng", parent=province)
        AgencyWorkingHours.objects.create(agency=department, **SATURDAY_MORNING)
        AgencyWorkingHours.objects.create(agency=team, **SEVEN_HOUR_DAY)
    return {"province": province, "department": department, "unit": unit, "team": team, "other": other}


@pytest.mark.parametrize(
    ("name", "owner", "due"),
    [
        pytest.param(None, None, vn(2026, 5, 6, 10, 0), id="no-agency-default-hours"),
        pytest.param("province", None, vn(2026, 5, 6, 10, 0), id="root-without-hours-default"),
        pytest.param("other", None, vn(2026, 5, 6, 10, 0), id="sibling-does-not-inherit-sideways"),
        # Wed 330, Sat 2/5 07:30–11:30 240, Mon 480, Tue 07:30–11:30 240 + 13:00–15:30 150 → 15:30.
        pytest.param("department", "department", vn(2026, 5, 5, 15, 30), id="own-hours-saturday-morning"),
        pytest.param("unit", "department", vn(2026, 5, 5, 15, 30), id="unit-inherits-parent-hours"),
        # 3 × 7 h = 1260 min: Wed 330, Mon 480, Tue 240 + 13:00–16:30 210 → 16:30 (no Saturday: not inherited).
        pytest.param("team", "team", vn(2026, 5, 5, 16, 30), id="nearest-ancestor-wins-own-record"),
    ],
)
def test_working_hours_come_from_the_nearest_agency_that_has_some(tree, name, owner, due):
    agency = tree[name] if name else None
    assert working_hours_source(agency) == (tree[owner] if owner else None)
    assert calendar_for_agency(agency).due_at(RECEIVED, days=3).due_at == due


def test_agencies_with_the_same_owner_share_one_calendar(tree, django_assert_num_queries):
    calendar = calendar_for_agency(tree["department"])
    with django_assert_num_queries(0):
        assert calendar_for_agency(tree["unit"]) is calendar
        assert calendar_for_agency(tree["province"]) is calendar_for_agency(None)


def test_deleting_hours_falls_back_to_the_next_ancestor(tree, django_capture_on_commit_callbacks):
    assert working_hours_source(tree["team"]) == tree["team"]
    with _commit(django_capture_on_commit_callbacks):
        AgencyWorkingHours.objects.filter(agency=tree["team"]).delete()
    assert working_hours_source(tree["team"]) == tree["department"]
    with _commit(django_capture_on_commit_callbacks):
        tree["department"].working_hours.delete()
    assert calendar_for_agency(tree["team"]).working_hours == WorkingHours()


def test_changing_hours_invalidates_the_cache(tree, django_capture_on_commit_callbacks):
    assert calendar_for_agency(tree["unit"]).is_working_day(date(2026, 5, 9))  # Saturday morning
    hours = tree["department"].working_hours
    hours.saturday = ""
    with _commit(django_capture_on_commit_callbacks):
        hours.save()
    assert not calendar_for_agency(tree["unit"]).is_working_day(date(2026, 5, 9))


def test_moving_an_agency_in_the_tree_changes_what_it_inherits(tree, django_capture_on_commit_callbacks):
    unit = tree["unit"]
    assert working_hours_source(unit) == tree["department"]
    unit.parent = tree["other"]
    with _commit(django_capture_on_commit_callbacks):
        unit.save()
    assert working_hours_source(unit) is None
    assert calendar_for_agency(unit).working_hours == WorkingHours()


def test_an_agency_loop_in_the_data_does_not_hang(tree):
    from procedures.models import Agency

    # Agency.clean forbids loops; raw data might still hold one.
    Agency.objects.filter(pk=tree["province"].pk).update(parent=tree["unit"])
    dc._registry.reset()
    assert working_hours_source(tree["province"]) == tree["department"]
