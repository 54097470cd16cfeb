"""Statistics (issue 12): the counting on a hand-built set of dossiers with known outcomes, the
roll-up against the live counting, who may see which agency, exports, the report, constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
from collections import Counter

import pytest
from django.urls import reverse

from onestop.models import Dossier, StatisticsDay, StatisticsOpenDay
from onestop.statistics import periods, selectors
from onestop.statistics.figures import figures_of
from onestop.statistics.rollup import statistics_rollup
from procedures.models import Agency, Procedure, ProcedureStatus, Sector
from tests.tools import require_tools

from .statistics_data import EXPECTED_A, EXPECTED_B, EXPECTED_P, VN, at, build_world

NOVEMBER = periods.month(2026, 11)
NOV_QUERY = {"ky": "thang", "nam": "2026", "thang": "11"}


@pytest.fixture(autouse=True)
def _no_cached_figures():
    """The pages cache what they read (the roll-up's sums, a minute of live counts): each test starts
    without (the ids of one test's agencies come back in the next one on SQLite)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def rolled(world):
    statistics_rollup(first=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1))
    return world


def _live_figures(agency_ids):
    start, end = periods.instant(NOVEMBER.start), periods.instant(NOVEMBER.end)
    flows = selectors.flows(agency_ids=agency_ids, start=start, end=end)
    flow = sum(flows.values(), Counter())
    for (_a, _p, channel), counters in flows.items():
        flow[{1: "received_counter", 2: "received_online", 3: "received_post"}[channel]] += counters["received"]
    begin = sum(selectors.stock(agency_ids=agency_ids, at=start).values(), Counter())
    finish = sum(selectors.stock(agency_ids=agency_ids, at=end).values(), Counter())
    return figures_of(flow, begin, finish)


def _subset(actual: dict, expected: dict) -> dict:
    return {k: actual.get(k) for k in expected}


def test_live_counting_gives_the_known_outcomes_of_each_dossier(world):
    assert _subset(_live_figures([world.ward_a.pk]), EXPECTED_A) == EXPECTED_A
    assert _subset(_live_figures([world.ward_b.pk]), EXPECTED_B) == EXPECTED_B
    subtree = [world.province.pk, world.ward_a.pk, world.unit.pk, world.ward_b.pk]
    assert _subset(_live_figures(subtree), EXPECTED_P) == EXPECTED_P


def test_the_roll_up_equals_the_live_counting_day_by_day_and_for_the_stock(world):
    statistics_rollup(first=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1))
    ids = [world.province.pk, world.ward_a.pk, world.unit.pk, world.ward_b.pk, world.other.pk]
    start, end = periods.instant(NOVEMBER.start), periods.instant(NOVEMBER.end)
    live = selectors.flows(agency_ids=ids, start=start, end=end)
    stored = selectors.rollup_flows(agency_ids=ids, first=NOVEMBER.start, end=NOVEMBER.end)
    assert stored == {k: +v for k, v in live.items() if +v}
    # A range cut inside months: whole months from the month table, the edges from the days.
    for first, end in ((dt.date(2026, 10, 25), dt.date(2026, 11, 16)), (dt.date(2026, 10, 1), dt.date(2026, 12, 1)),
                       (dt.date(2026, 11, 3), dt.date(2026, 11, 12))):  # fmt: skip
        live = selectors.flows(agency_ids=ids, start=periods.instant(first), end=periods.instant(end))
        assert selectors.rollup_flows(agency_ids=ids, first=first, end=end) == {k: +v for k, v in live.items() if +v}
    for day in (dt.date(2026, 10, 31), dt.date(2026, 11, 19), dt.date(2026, 11, 30)):
        assert selectors.rollup_stock(agency_ids=ids, day=day) == selectors.stock(
            agency_ids=ids, at=periods.instant(day + dt.timedelta(days=1))
        )
    # Idempotent: a second run stores the same rows.
    before = sorted(StatisticsDay.objects.values_list("day", "agency_id", "procedure_id", "channel", "received"))
    stock_before = StatisticsOpenDay.objects.count()
    statistics_rollup(first=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1))
    after = sorted(StatisticsDay.objects.values_list("day", "agency_id", "procedure_id", "channel", "received"))
    assert before == after and StatisticsOpenDay.objects.count() == stock_before


def test_days_are_vietnam_dates(world):
    """A dossier received at 23:30 on 30/11 in Vietnam (16:30 UTC) belongs to November."""
    late = world.dossiers["16"]
    late.status = "received"
    late.received_at = dt.datetime(2026, 11, 30, 23, 30, tzinfo=VN)
    late.save()
    statistics_rollup(first=dt.date(2026, 11, 30), end=dt.date(2026, 12, 2))
    days = set(StatisticsDay.objects.filter(agency=world.ward_a).values_list("day", flat=True))
    assert dt.date(2026, 11, 30) in days and dt.date(2026, 12, 1) not in days


def _summary(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)"><dt>[^<]*</dt><dd class="stats-value">([^<]*)</dd>', html))


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") + " %"
    return str(value)


def test_the_page_shows_each_expected_number(client, rolled):
    client.force_login(rolled.leader)
    response = client.get(reverse("onestop:statistics"), {**NOV_QUERY, "co-quan": rolled.ward_a.code})
    assert response.status_code == 200
    summary = _summary(response.content.decode())
    assert {k: summary[k] for k in EXPECTED_A} == {k: _shown(v) for k, v in EXPECTED_A.items()}
    assert summary["satisfaction"] == "—"  # nobody evaluated in November
    html = response.content.decode()
    assert "<svg" in html and "Phòng Văn hóa - Xã hội phường An" in html  # overdue per unit
    # The province: its subtree (A, B), never the other province.
    response = client.get(reverse("onestop:statistics"), NOV_QUERY)
    summary = _summary(response.content.decode())
    assert {k: summary[k] for k in EXPECTED_P} == {k: _shown(v) for k, v in EXPECTED_P.items()}
    assert "UBND tỉnh Khác" not in response.content.decode()


def test_processing_time_per_unit_excludes_supplement_time(rolled):
    times = selectors.processing_times(
        agency_ids=[rolled.ward_a.pk], start=periods.instant(NOVEMBER.start), end=periods.instant(NOVEMBER.end)
    )
    units = {r["unit_id"]: r for r in times["units"]}
    assert units[rolled.ward_a.pk]["count"] == 2
    assert units[rolled.ward_a.pk]["average_hours"] == pytest.approx(14)  # 24 h and 4 h at the desk
    assert units[rolled.ward_a.pk]["p90_hours"] == pytest.approx(24)
    assert units[rolled.unit.pk]["average_hours"] == pytest.approx(204)  # 192 h, and 312 h − 96 h paused
    assert units[rolled.unit.pk]["p90_hours"] == pytest.approx(216)


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("head_a", None, 200),  # a head of unit: their agency
        ("head_a", "000.00.00.T01", 404),  # not the province above
        ("head_a", "000.02.00.T01", 404),  # nor a sibling ward
        ("other_leader", "000.01.00.T01", 404),  # another province's leader
        ("receptionist_a", None, 404),  # processing staff read no statistics
        ("citizen", None, 403),
    ],
)
def test_who_may_read_which_agency(client, rolled, who, code, status):
    client.force_login(getattr(rolled, who))
    query = {**NOV_QUERY, **({"co-quan": code} if code else {})}
    for name in ("onestop:statistics", "onestop:statistics_times", "onestop:statistics_report"):
        assert client.get(reverse(name), query).status_code == status
    url = reverse("onestop:statistics_export", args=["co-quan", "csv"])
    assert client.get(url, query).status_code == status


def test_a_head_sees_only_their_agency(client, rolled):
    client.force_login(rolled.head_a)
    response = client.get(reverse("onestop:statistics"), NOV_QUERY)
    html = response.content.decode()
    assert _summary(html)["received"] == "9"
    assert "UBND phường Bình" not in html


def test_anonymous_goes_to_login(client, rolled):
    response = client.get(reverse("onestop:statistics"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_exports_carry_the_same_numbers_and_no_formula(client, rolled):
    rolled.land.name = '=HYPERLINK("http://x.example/","Xem")'
    rolled.land.save()
    client.force_login(rolled.leader)
    query = {**NOV_QUERY, "co-quan": rolled.ward_a.code}
    response = client.get(reverse("onestop:statistics_export", args=["thu-tuc", "csv"]), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, total = rows[0], rows[-1]
    assert total[header.index("Tiếp nhận")] == "9"
    assert any(row[1].startswith("'=HYPERLINK") for row in rows)
    response = client.get(reverse("onestop:statistics_export", args=["co-quan", "xlsx"]), query)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[2]
    total = next(row for row in values if row[1] == "Tổng cộng")
    assert total[header.index("Tiếp nhận")] == 9
    assert total[header.index("Trước hạn")] == 2


def test_the_monthly_report_prints_in_the_decree_30_layout(client, rolled, tmp_path):
    client.force_login(rolled.leader)
    response = client.get(reverse("onestop:statistics_report"), {**NOV_QUERY, "co-quan": rolled.ward_a.code})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    pdftotext = require_tools("pdftotext")["pdftotext"]  # poppler-utils (scripts/system-packages)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND PHƯỜNG AN" in text and "tháng 11/2026" in text
    assert re.search(r"Tiếp nhận\s+9\b", text)
    assert "Nguyễn Văn Riêng Tư" not in text


def test_the_page_runs_a_constant_number_of_queries(client, rolled, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(rolled.leader)
    url = reverse("onestop:statistics")
    client.get(url, NOV_QUERY)
    cache.clear()  # what the page read from the roll-up is cached: count the queries of a first reading
    with CaptureQueriesContext(connection) as first:
        client.get(url, NOV_QUERY)
    # More dossiers, at a new ward with a new procedure and sector: the same number of queries.
    ward = Agency.objects.create(code="000.03.00.T01", name="UBND xã Cát", parent=rolled.province)
    sector = Sector.objects.create(code="T-XD", name="Xây dựng")
    procedure = Procedure.objects.create(code="9.000003", name="Cấp phép xây dựng (thử)", sector=sector,
                                         receiving_agency=ward, status=ProcedureStatus.PUBLISHED)  # fmt: skip
    for n in range(30):
        Dossier.objects.create(
            code=f"T-more-{n}", procedure=procedure, agency=ward, applicant=rolled.citizen, status="processing",
            channel=1 + n % 3, received_at=at(11, 1 + n % 28), due_at=at(11, 2 + n % 28, 17),
        )  # fmt: skip
    statistics_rollup(first=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1))  # a new stamp: not cached
    with django_assert_max_num_queries(len(first)):
        response = client.get(url, NOV_QUERY)
    assert _summary(response.content.decode())["received"] == "40"
    assert len(first) <= 21
    # Read again: the roll-up's part comes from the cache (the stamp's query instead of five).
    with CaptureQueriesContext(connection) as cached:
        client.get(url, NOV_QUERY)
    assert len(cached) <= len(first) - 4


def test_a_roll_up_run_is_seen_at_once_by_the_cached_pages(client, rolled):
    """The page caches what it reads from the roll-up, keyed by the roll-up's stamp: a rebuild after
    a correction shows the corrected figure on the next reading, never the cached one."""
    client.force_login(rolled.leader)
    url = reverse("onestop:statistics")
    before = _summary(client.get(url, NOV_QUERY).content.decode())["received"]
    assert _summary(client.get(url, NOV_QUERY).content.decode())["received"] == before  # cached
    d = rolled.dossiers["16"]
    d.status, d.received_at = "received", at(11, 20)
    d.due_at = at(11, 27, 17)
    d.save()
    assert _summary(client.get(url, NOV_QUERY).content.decode())["received"] == before  # not rolled up yet
    statistics_rollup(first=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1))
    assert _summary(client.get(url, NOV_QUERY).content.decode())["received"] == str(int(before) + 1)


def test_the_current_period_counts_today_live(client, rolled):
    """Today is not rolled up: the page counts it from the dossiers."""
    today = periods.local_today()
    d = rolled.dossiers["16"]
    d.status, d.received_at = "received", dt.datetime.now(tz=VN)
    d.due_at = d.received_at + dt.timedelta(days=5)
    d.save()
    client.force_login(rolled.head_a)
    response = client.get(reverse("onestop:statistics"), {"ky": "thang", "nam": today.year, "thang": today.month})
    summary = _summary(response.content.decode())
    assert summary["received"] == "1"
    assert int(summary["open_on_time"]) >= 1


# ------------------------------------------------------------------------- public figures, open data

PERSONAL = ("Nguyễn Văn Riêng Tư", "0912000111", "074090009999", "T-1", "Tiếp nhận An", "Lãnh đạo Tỉnh")


def test_the_public_page_shows_each_agency_without_personal_data(client, rolled, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = client.get(reverse("public_statistics"), {"thang": "2026-11"})
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r"<th scope=\"row\">UBND phường An</th>(.*?)</tr>", html).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # received, online, resolved, on time, late, on-time %, in progress overdue, online %, satisfied %
    assert cells == ["9", "5", "6", "4", "2", "66,7 %", "1", "55,6 %", "—"]
    assert not any(text in html for text in PERSONAL)


def test_open_data_json_and_csv(client, rolled):
    url = reverse("open-data-service-statistics")
    response = client.get(url, {"month": "2026-11"})
    assert response.status_code == 200
    data = response.json()
    assert data["licence"]["name"] == "CC BY 4.0" and data["personal_data"] is False
    assert 'rel="license"' in response["Link"]
    rows = {r["agency_code"]: r for r in data["results"]}
    assert set(rows) == {"000.01.00.T01", "000.02.00.T01", "000.00.00.T02"}
    a = rows["000.01.00.T01"]
    assert (a["received"], a["resolved_on_time"], a["resolved_late"], a["in_progress_overdue"]) == (9, 4, 2, 1)
    assert a["online_share"] == 55.6 and a["satisfied_pct"] is None and a["month"] == "2026-11"
    body = response.content.decode()
    assert not any(text in body for text in PERSONAL)
    for response in (client.get(url, {"month": "2026-11", "format": "csv"}),
                     client.get(url, {"month": "2026-11"}, HTTP_ACCEPT="text/csv")):  # fmt: skip
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        a = next(r for r in rows if r["agency_code"] == "000.01.00.T01")
        assert a["received"] == "9" and a["resolved_late"] == "2"
        assert not any(text in response.content.decode() for text in PERSONAL)


def test_open_data_refuses_a_month_it_cannot_read(client, db):
    """A program asking for a malformed or future month gets 400 naming the parameter, in
    Vietnamese — not silently this month's figures under another label."""
    url = reverse("open-data-service-statistics")
    for bad in ("bad", "2026-13", "2999-01"):
        response = client.get(url, {"month": bad})
        assert response.status_code == 400 and "YYYY-MM" in response.json()["month"][0], bad
        assert "Cần một tháng" in response.json()["month"][0]
    as_csv = client.get(url, {"month": "bad", "format": "csv"})  # the error in JSON all the same
    assert as_csv.status_code == 400 and as_csv["Content-Type"].startswith("application/json")
    assert "YYYY-MM" in as_csv.json()["month"][0]
    assert client.get(url, {"month": "2026-01"}).json()["month"] == "2026-01"
    assert client.get(url).status_code == 200


def test_open_data_publisher_is_the_province_named_once(client, db, settings):
    # PROVINCE_NAME already says "Thành phố"/"tỉnh": the publisher must not read "Ủy ban nhân dân tỉnh Thành phố …"
    settings.PROVINCE_NAME = "Thành phố Hồ Chí Minh"
    data = client.get(reverse("open-data-service-statistics")).json()
    assert data["publisher"] == "Ủy ban nhân dân Thành phố Hồ Chí Minh"


def test_open_data_is_rate_limited(client, db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.OPEN_DATA_RATE = "2/min"
    url = reverse("open-data-service-statistics")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_open_data_is_in_the_openapi_schema(client, db):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    operation = schema["paths"]["/api/v1/open-data/service-statistics/"]["get"]
    assert operation["operationId"] == "open_data_service_statistics"
    assert "text/csv" in operation["responses"]["200"]["content"]


def test_staff_home_links_to_the_statistics_for_those_who_may_read_them(client, rolled):
    client.force_login(rolled.leader)
    assert reverse("onestop:statistics") in client.get(reverse("onestop:home")).content.decode()
    client.force_login(rolled.receptionist_a)
    assert reverse("onestop:statistics") not in client.get(reverse("onestop:home")).content.decode()


def test_the_beat_task_recomputes_recent_flows_and_yesterdays_stock_only(db, settings):
    """Idempotent, and the stock of older days keeps the due dates known when it was counted."""
    from onestop.statistics.tasks import statistics_rollup_task

    world = build_world()
    today = periods.local_today()
    d = world.dossiers["16"]
    d.status, d.received_at = "processing", periods.instant(today - dt.timedelta(days=3))
    d.due_at = periods.instant(today - dt.timedelta(days=2))
    d.save()
    settings.STATISTICS_ROLLUP_DAYS = 5
    first = statistics_rollup_task.apply().get()
    assert first == statistics_rollup_task.apply().get()
    two_days_ago = today - dt.timedelta(days=2)
    assert not StatisticsOpenDay.objects.filter(day=two_days_ago).exists()  # only yesterday's stock
    yesterday = StatisticsOpenDay.objects.get(day=today - dt.timedelta(days=1), agency=world.ward_a, unit=world.ward_a)
    assert (yesterday.open, yesterday.overdue) == (1, 1)  # the dossier at the desk (the others are at unit U)
    assert StatisticsDay.objects.get(day=today - dt.timedelta(days=3), agency=world.ward_a).received == 1


def test_the_processing_time_tables_export_too(client, rolled):
    client.force_login(rolled.leader)
    query = {**NOV_QUERY, "co-quan": rolled.ward_a.code}
    response = client.get(reverse("onestop:statistics_export", args=["thoi-gian-don-vi", "csv"]), query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit["Phòng Văn hóa - Xã hội phường An"][1:] == ["2", "204.0", "216.0"]
    response = client.get(reverse("onestop:statistics_export", args=["thoi-gian-buoc", "xlsx"]), query)
    assert response.status_code == 200
    page = client.get(reverse("onestop:statistics_times"), query).content.decode()
    assert "204,0" in page and "216,0" in page


def test_the_processing_time_page_explains_itself_in_vietnamese(client, rolled):
    # Its note on how the times are counted showed in English on the Vietnamese page
    client.force_login(rolled.leader)
    query = {**NOV_QUERY, "co-quan": rolled.ward_a.code}
    page = client.get(reverse("onestop:statistics_times"), query).content.decode()
    assert "Dossiers resolved in the period" not in page and "phân vị thứ 90" in page


def test_open_data_runs_a_constant_number_of_queries(client, rolled, django_assert_max_num_queries):
    url = reverse("open-data-service-statistics")
    with django_assert_max_num_queries(12):
        client.get(url, {"month": "2026-11"})
    for n in range(20):
        Dossier.objects.create(code=f"T-od-{n}", procedure=rolled.land, agency=rolled.ward_b, applicant=rolled.citizen,
                               status="processing", received_at=at(11, 3), due_at=at(11, 4, 17))  # fmt: skip
    statistics_rollup(first=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1))
    with django_assert_max_num_queries(12):
        response = client.get(url, {"month": "2026-11"})
    rows = {r["agency_code"]: r for r in response.json()["results"]}
    assert rows["000.02.00.T01"]["received"] == 21


def test_the_processing_time_page_runs_a_constant_number_of_queries(client, rolled, django_assert_max_num_queries):
    client.force_login(rolled.leader)
    query = {**NOV_QUERY, "co-quan": rolled.ward_a.code}
    with django_assert_max_num_queries(12):
        response = client.get(reverse("onestop:statistics_times"), query)
    assert response.status_code == 200


def test_satisfaction_comes_from_the_evaluations_of_the_period(client, rolled):
    """Three evaluations of ward A's dossiers in November, two satisfied (Decision 766: "very
    satisfied" or "satisfied"), one in December that does not count: 66,7 %."""
    from onestop.models import EvaluationSource, SatisfactionEvaluation

    answers = ["very_satisfied", "satisfied", "dissatisfied", "very_satisfied"]
    moments = [at(11, 20), at(11, 21), at(11, 25), at(12, 2)]
    for key, overall, moment in zip(["1", "2", "3", "6"], answers, moments, strict=True):
        SatisfactionEvaluation.objects.create(
            dossier=rolled.dossiers[key], agency=rolled.ward_a, source=EvaluationSource.ONLINE,
            overall=overall, created_at=moment, updated_at=moment,
        )  # fmt: skip
    client.force_login(rolled.leader)
    response = client.get(reverse("onestop:statistics"), {**NOV_QUERY, "co-quan": rolled.ward_a.code})
    assert _summary(response.content.decode())["satisfaction"] == _shown(66.7)


def _home_figures(html: str) -> dict[str, tuple[str, str]]:
    return {
        key: (value, label)
        for key, value, label in re.findall(
            r'data-figure="(\w+)"><a href="[^"]*"><span class="figure-value">(\d+)</span> '
            r'<span class="figure-label">([^<]*)</span>',
            html,
        )
    }


def test_the_leaders_home_and_the_statistics_count_past_the_appointment_alike(client, rolled):
    """Issue #12: the home's "past the appointment" is the statistics' figure of that name, now; the
    overdue queue's figure (any deadline: appointment, step, check) is labelled apart."""
    # A step past its internal deadline while the appointment is still ahead: late for the queue only.
    today = periods.local_today()
    d = rolled.dossiers["16"]
    d.status, d.received_at = "processing", periods.instant(today - dt.timedelta(days=2))
    d.due_at = periods.instant(today + dt.timedelta(days=10))
    d.step_agency, d.current_step = rolled.unit, 2
    d.step_due_at = periods.instant(today - dt.timedelta(days=1))
    d.save()
    client.force_login(rolled.leader)
    home = _home_figures(client.get(reverse("onestop:home")).content.decode())
    page = client.get(reverse("onestop:statistics"), {"ky": "thang", "nam": today.year, "thang": today.month})
    statistics = _summary(page.content.decode())
    assert home["past_appointment"][0] == statistics["open_overdue"]
    # The same label on both pages (the statistics' figure), and not the queue's.
    label = re.search(r'data-figure="open_overdue"><dt>([^<]*)</dt>', page.content.decode()).group(1)
    assert home["past_appointment"][1] == label
    # The queue's figure counts that step too, under its own label.
    assert int(home["overdue"][0]) > int(home["past_appointment"][0]) > 0
    assert home["overdue"][1] != home["past_appointment"][1]


def test_the_beat_reads_the_most_read_reports_into_the_cache(client, world):
    """After the hourly run, the leader's default page (this month, the province's subtree) finds
    the roll-up's part in the cache: the stamp's query instead of the roll-up's five."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onestop.statistics.tasks import statistics_rollup_task

    client.force_login(world.leader)
    url = reverse("onestop:statistics")
    client.get(url)
    with CaptureQueriesContext(connection) as warm:  # everything from the cache
        client.get(url)
    statistics_rollup_task.apply().get()  # a new stamp: what was cached is not read again …
    with CaptureQueriesContext(connection) as after:  # … but the beat read it anew
        client.get(url)
    assert len(after) == len(warm)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    assert len(cold) >= len(warm) + 4
