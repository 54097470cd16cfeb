"""/admin/ for the calendar data: overrides (filter by kind and year, search the basis) and agency hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import Promise

from onestop.models import AgencyWorkingHours, CalendarOverride
from onestop.workcalendar import django_calendar as dc
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    dc._registry.reset()
    cache.delete(dc.VERSION_CACHE_KEY)
    yield
    dc._registry.reset()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def overrides():
    rows = [
        (dt.date(2026, 5, 4), "day_off", "Quyết định 111/QĐ-UBND"),
        (dt.date(2026, 5, 9), "working_day", "Thông báo 222/TB-UBND"),
        (dt.date(2027, 2, 11), "day_off", "Thông báo 333/TB-BNV"),
    ]
    return [CalendarOverride.objects.create(date=d, kind=k, basis=b) for d, k, b in rows]


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        pytest.param({}, ["111/QĐ", "222/TB", "333/TB"], [], id="all"),
        pytest.param({"kind": "day_off"}, ["111/QĐ", "333/TB"], ["222/TB"], id="filter-by-kind"),
        pytest.param({"year": "2027"}, ["333/TB"], ["111/QĐ", "222/TB"], id="filter-by-year"),
        pytest.param({"q": "222"}, ["222/TB"], ["111/QĐ", "333/TB"], id="search-the-basis"),
    ],
)
def test_override_changelist(admin_client, overrides, query, shown, hidden):
    html = admin_client.get(reverse("admin:onestop_calendaroverride_changelist"), query).content.decode()
    assert all(s in html for s in shown)
    assert not any(h in html for h in hidden)


def test_override_added_in_admin_records_its_author_and_moves_the_calendar(admin_client):
    response = admin_client.post(
        reverse("admin:onestop_calendaroverride_add"),
        {"date": "2026-05-04", "kind": "day_off", "basis": "Quyết định 111/QĐ-UBND"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.created_by.is_superuser
    assert not dc.calendar_for_agency().is_working_day(dt.date(2026, 5, 4))


def test_override_without_basis_is_refused_in_admin(admin_client):
    response = admin_client.post(
        reverse("admin:onestop_calendaroverride_add"), {"date": "2026-05-04", "kind": "day_off", "basis": "   "}
    )
    assert response.status_code == 200  # the form again, with the error
    assert not CalendarOverride.objects.exists()


def test_working_hours_admin_validates_and_normalises(admin_client):
    agency = AgencyFactory(name="Sở Tư pháp")
    url = reverse("admin:onestop_agencyworkinghours_add")
    week = {
        "agency": agency.pk,
        "monday": "7:30–11:30; 13:00-17:00",
        "tuesday": "07:30-11:30, 13:00-17:00",
        "wednesday": "07:30-11:30, 13:00-17:00",
        "thursday": "07:30-11:30, 13:00-17:00",
        "friday": "07:30-11:30, 13:00-17:00",
        "saturday": "07:30-11:30",
        "sunday": "",
        "hours_per_day": "8",
        "makeup_periods": "",
        "basis": "",
    }
    assert admin_client.post(url, {**week, "saturday": "sáng"}).status_code == 200
    assert not AgencyWorkingHours.objects.exists()
    assert admin_client.post(url, week).status_code == 302
    assert AgencyWorkingHours.objects.get().monday == "07:30-11:30, 13:00-17:00"
    html = admin_client.get(reverse("admin:onestop_agencyworkinghours_changelist")).content.decode()
    assert "Thứ Hai–Thứ Sáu: 07:30–11:30, 13:00–17:00; Thứ Bảy: 07:30–11:30" in html


@pytest.mark.parametrize("model", [CalendarOverride, AgencyWorkingHours])
def test_labels_go_through_gettext_for_the_vietnamese_catalogue(model):
    """Labels are English source strings marked for translation (locale/ is filled in separately)."""
    assert isinstance(model._meta.verbose_name, Promise)
    assert isinstance(model._meta.verbose_name_plural, Promise)
    for field in model._meta.get_fields():
        if field.concrete and not field.primary_key:
            assert isinstance(field.verbose_name, Promise), field.name
