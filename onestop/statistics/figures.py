"""The figures of the statistics pages, exports and report: what each one is, how it is counted
(one sentence shown beside it), and the tables by agency, sector and procedure for a period.

Indicator groups of the national service-quality index (Decision 766/QĐ-TTg of 2022): publicity,
processing progress, online service, online payment, satisfaction, digitisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procedures.models import Agency, Procedure

from ..models import DossierChannel
from . import adapters, selectors
from .periods import Period, add_months, instant, local_today, months_between


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    how: Any  # one sentence: how it is counted
    percent: bool = False


FIGURES = [
    Figure("carried_over", _("Carried over"),
           _("Dossiers received before the period and still being processed at its start.")),
    Figure("received", pgettext_lazy("statistics", "Received"),
           _("Dossiers given a receipt (form 01) in the period, by the day of the receipt; "
               "refused ones are not received.")),
    Figure("received_counter", _("At the counter"), _("Received dossiers handed in at the counter (channel 1).")),
    Figure("received_online", _("Online"), _("Received dossiers submitted online (channel 2).")),
    Figure("received_post", _("By post"), _("Received dossiers that came by public post (channel 3).")),
    Figure("resolved", _("Resolved"), _("Dossiers whose result was approved in the period (national status 9).")),
    Figure("resolved_early", _("Before the due date"),
           _("Resolved on a day before the due date's day, with at most one supplement request.")),
    Figure("resolved_on_time", _("On the due date"),
           _("Resolved on the due date's day, not after the due moment, with at most one supplement request.")),
    Figure("resolved_late", pgettext_lazy("statistics", "After the due date"),
           _("Resolved after the due moment, or with more than one supplement request "
               "(national rule). The citizen's supplement time is not counted: the due date "
               "moves by it.")),
    Figure("on_time_rate", _("On time"),
           _("Resolved before or on the due date, out of all resolved (processing progress, Decision 766/QĐ-TTg)."),
           percent=True),
    Figure("late_by_supplement", _("Late by a second supplement"),
           _("Resolved within the due date but counted late because more than one supplement was requested.")),
    Figure("open_on_time", _("In progress, on time"),
           _("Still being processed at the end of the period (or now), due date not passed or "
               "clock paused for a supplement.")),
    Figure("open_overdue", _("In progress, past the appointment"),
           _("Still being processed at the end of the period (or now) with the appointment (the date "
               "promised on the receipt) passed; the steps' internal deadlines are not counted.")),
    Figure("withdrawn", _("Withdrawn"), _("Withdrawn at the applicant's request in the period (national status 7).")),
    Figure("refused", _("Refused"), _("Not accepted at reception in the period (form 03, national status 3).")),
    Figure("stopped", _("Stopped"), _("Processing stopped in the period (form 05, national status 8).")),
    Figure("supplement_requests", _("Supplement requests"),
           _("Requests to supplement a dossier (form 02) made in the period.")),
    Figure("extensions", _("Extensions with apology"),
           _("Apologies with a new appointment (form 04) issued in the period.")),
    Figure("online_share", _("Submitted online"),
           _("Received online out of all received (online service, Decision 766/QĐ-TTg)."), percent=True),
    Figure("digitised_share", _("Digitised dossiers"),
           _("Received dossiers whose documents are held as files, out of all received "
               "(digitisation, Decision 766/QĐ-TTg)."),
           percent=True),
    Figure("results_digitised_share", _("Digitised results"),
           _("Resolved dossiers with an electronic result, out of all resolved (digitisation)."), percent=True),
    Figure("online_payment_share", _("Paid online"),
           _("Payments made through the online gateway out of all payments settled in the "
               "period (online payment, Decision 766/QĐ-TTg)."),
           percent=True),
    Figure("satisfaction", _("Satisfied"),
           _("Share of satisfied evaluations given by applicants in the period (satisfaction, Decision 766/QĐ-TTg)."),
           percent=True),
]  # fmt: skip
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
# Columns of the tables (per agency adds the figures only agencies have).
TABLE_KEYS = [
    "carried_over", "received", "received_counter", "received_online", "received_post", "resolved",
    "resolved_early", "resolved_on_time", "resolved_late", "on_time_rate", "late_by_supplement", "open_on_time",
    "open_overdue", "withdrawn", "refused", "stopped", "supplement_requests", "extensions", "online_share",
    "digitised_share", "results_digitised_share",
]  # fmt: skip
AGENCY_KEYS = [*TABLE_KEYS, "online_payment_share", "satisfaction"]
CHANNEL_KEYS = {DossierChannel.COUNTER: "received_counter", DossierChannel.ONLINE: "received_online",
                DossierChannel.POST: "received_post"}  # fmt: skip


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_of(flow: Counter, start: Counter, end: Counter, *, per_channel: Counter | None = None) -> dict:
    """The figures of one row from its summed counters."""
    resolved = flow["resolved_early"] + flow["resolved_on_time"] + flow["resolved_late"]
    row = {
        "carried_over": start["open"],
        "received": flow["received"],
        "resolved": resolved,
        "resolved_early": flow["resolved_early"],
        "resolved_on_time": flow["resolved_on_time"],
        "resolved_late": flow["resolved_late"],
        "on_time_rate": _share(flow["resolved_early"] + flow["resolved_on_time"], resolved),
        "late_by_supplement": flow["late_by_supplement"],
        "open_on_time": end["open"] - end["overdue"],
        "open_overdue": end["overdue"],
        "withdrawn": flow["withdrawn"],
        "refused": flow["refused"],
        "stopped": flow["stopped"],
        "supplement_requests": flow["supplement_requests"],
        "extensions": flow["extensions"],
        "digitised_share": _share(flow["digitised"], flow["received"]),
        "results_digitised_share": _share(flow["results_digitised"], resolved),
    }
    for key in CHANNEL_KEYS.values():
        row[key] = flow[key]
    row["online_share"] = _share(flow["received_online"], flow["received"])
    return row


def _with_channels(flows: dict) -> dict:
    """Received per channel as counters of their own (the key's channel)."""
    for key, counters in flows.items():
        name = CHANNEL_KEYS.get(key[-1])
        if name and counters["received"]:
            counters[name] = counters["received"]
    return flows


@dataclass
class Table:
    key: str
    title: Any
    keys: list[str]
    rows: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)

    @property
    def figures(self) -> list[Figure]:
        return [FIGURES_BY_KEY[k] for k in self.keys]


@dataclass
class Report:
    period: Period
    agency_ids: list[int]
    now: dt.datetime
    tables: dict[str, Table]
    months: list[dict]
    overdue_by_unit: list[dict]
    full_online: tuple[int, int]

    @property
    def total(self) -> dict:
        return self.tables["agency"].total

    @property
    def full_online_share(self) -> float | None:
        total, full = self.full_online
        return _share(full, total)


# What a report reads from the roll-up is cached, keyed by the roll-up's version (StatisticsStamp:
# raised in the transaction of every roll-up run, so a figure cached before a rebuild or the beat's
# hourly run is never read after it), the agencies and the period. Names, the catalogue, payments and
# evaluations are read each time (they change outside the roll-up).
CACHE_SECONDS = 24 * 3600


def chart_months(period: Period) -> list[dt.date]:
    """The chart's months: the period's, or the twelve up to its end for a short period."""
    months = months_between(period.start, period.end)
    if len(months) < 3:
        months = months_between(add_months(period.last.replace(day=1), -11), period.end)
    return months


def same(value):
    return value


def group_stock(rows: dict | None) -> dict[str, dict] | None:
    """The stock per (agency, unit, procedure, channel) summed per agency, per unit holding the
    dossiers and per procedure — what the tables and the chart read — in one pass (a province's stock
    has thousands of keys: summing it once, and caching the sums, is most of a page's Python)."""
    if rows is None:
        return None
    out: dict[str, dict] = {"agency": {}, "unit": {}, "procedure": {}}
    agencies, units, procedures = out["agency"], out["unit"], out["procedure"]
    for (a, u, p, _c), counters in rows.items():
        opened, overdue = counters["open"], counters["overdue"]
        for target, key in ((agencies, a), (units, u), (procedures, p)):
            current = target.get(key)
            if current is None:
                target[key] = Counter(open=opened, overdue=overdue)
            else:
                current["open"] += opened
                current["overdue"] += overdue
    return out


def rollup_parts(*, agency_ids: list[int], period: Period, today: dt.date, detail: bool) -> dict:
    """The flows of the period's whole days before today per (agency, channel) and per (procedure,
    channel), the stock at its start and end when those days are over (None otherwise: counted
    live), the chart's months — from the roll-up (five queries at most), or from the cache (one
    query: the stamp)."""
    from django.core.cache import cache

    from ..models import StatisticsStamp

    rolled_end = min(period.end, today)
    stamp = StatisticsStamp.objects.filter(pk=1).values_list("version", flat=True).first() or "none"
    digest = hashlib.sha1(",".join(map(str, agency_ids)).encode(), usedforsecurity=False).hexdigest()
    key = f"statistics:rollup:{stamp}:{digest}:{period.start}:{period.end}:{rolled_end}:{int(detail)}"
    parts = cache.get(key)
    if parts is not None:
        return parts
    whole_days = period.start < rolled_end

    def rolled_flows(by: str) -> dict:
        if not whole_days:
            return {}
        return selectors.rollup_flows(agency_ids=agency_ids, first=period.start, end=rolled_end, by=by)

    def rolled_stock(day: dt.date) -> dict | None:
        return selectors.rollup_stock(agency_ids=agency_ids, day=day - dt.timedelta(days=1)) if day <= today else None

    parts = {
        "agency": rolled_flows("agency"),
        "procedure": rolled_flows("procedure") if detail else {},
        "stock_start": group_stock(rolled_stock(period.start)),
        "stock_end": group_stock(rolled_stock(period.end)),
        "months": (
            selectors.rollup_months(agency_ids=agency_ids, first=chart_months(period)[0], end=rolled_end)
            if detail
            else {}
        ),
    }
    cache.set(key, parts, CACHE_SECONDS)
    return parts


# Today's flows and the stock now, counted from the dossiers for a period not over, are kept this
# long: a current period's page shows them at most a minute old (docs/domain.md, "Statistics").
LIVE_SECONDS = 60


def live_parts(*, agency_ids: list[int], period: Period, now: dt.datetime) -> dict:
    """Today's flows per (agency, procedure, channel) and the stock now (grouped: group_stock), counted
    live (five queries), or from the cache when counted less than LIVE_SECONDS ago for these agencies.
    Today only: the days after it have not happened."""
    from django.core.cache import cache

    today = local_today(now)
    first, end = max(period.start, today), min(period.end, today + dt.timedelta(days=1))
    digest = hashlib.sha1(",".join(map(str, agency_ids)).encode(), usedforsecurity=False).hexdigest()
    key = f"statistics:live:{digest}:{first}:{end}"
    parts = cache.get(key)
    if parts is None:
        flows = selectors.flows(agency_ids=agency_ids, start=instant(first), end=instant(end)) if first < end else {}
        parts = {  # summed as the tables read them
            "agency": selectors.by(flows, lambda k: (k[0], k[2])),
            "procedure": selectors.by(flows, lambda k: (k[1], k[2])),
            "total": sum(flows.values(), Counter()),
            "stock": group_stock(selectors.stock(agency_ids=agency_ids, at=now)),
        }
        cache.set(key, parts, LIVE_SECONDS)
    return parts


def warm_statistics_cache(*, now: dt.datetime | None = None) -> int:
    """Read into the cache, right after a roll-up run (the beat task), the roll-up's part of the most
    read reports — each top agency's subtree (its leader's default) for the current and previous
    month, the current quarter and the current and previous year, and the public figures of the
    current and previous month — so that the first reader after the run does not pay for it. Returns
    how many were read. The cache must be shared by the web processes (CACHE_URL: Redis)."""
    from procedures.selectors import agency_subtree_ids

    from .periods import month, quarter, year

    now = now or timezone.now()
    today = local_today(now)
    previous = add_months(today.replace(day=1), -1)
    this_month, last_month = month(today.year, today.month), month(previous.year, previous.month)
    periods = [this_month, last_month, quarter(today.year, (today.month - 1) // 3 + 1), year(today.year),
               year(today.year - 1)]  # fmt: skip
    roots = Agency.objects.filter(active=True, parent__isnull=True).values_list("pk", flat=True)
    sets = [(sorted(agency_subtree_ids(agency_ids=[root])), True, periods) for root in roots]
    sets.append((sorted(Agency.objects.filter(active=True).values_list("pk", flat=True)), False, periods[:2]))
    count = 0
    for ids, detail, chosen in sets:
        for period in chosen:
            rollup_parts(agency_ids=ids, period=period, today=today, detail=detail)
            count += 1
    return count


def statistics_report(
    *, agency_ids: list[int], period: Period, now: dt.datetime | None = None, detail: bool = True
) -> Report:
    """Every figure of a period for these agencies (the receiving agency's subtree chosen by the
    caller, through onestop.access). A constant number of queries: the roll-up for whole days, the
    live counting for today, the stock at both ends, the months of the chart, payments, the catalogue
    and the names. `detail=False` (the public figures): the table by agency only, no chart."""
    now = now or timezone.now()
    today = local_today(now)
    ids = sorted(agency_ids)
    # Whole days before today from the roll-up (cached until the next roll-up run), today and later
    # live (four queries).
    rolled = rollup_parts(agency_ids=ids, period=period, today=today, detail=detail)
    current = live_parts(agency_ids=ids, period=period, now=now) if period.end > today else {}

    def flows_by(by: str) -> dict:
        return _with_channels(selectors.merge(selectors.merge({}, rolled[by]), current.get(by, {})))

    flows_a = flows_by("agency")
    flows_p = flows_by("procedure") if detail else {}
    # The stock at the first moment of a day: the roll-up's at the end of the day before when that
    # day is over, the stock now (live) for a day still to come.
    stock_start = rolled["stock_start"]
    if stock_start is None:  # a period still to come: its start is now
        stock_start = current["stock"]
    stock_end = rolled["stock_end"]
    if stock_end is None:
        stock_end = current["stock"]
    start_at, end_at = instant(period.start), min(instant(period.end), now)
    payments = adapters.payments_by_agency(agency_ids=ids, start=start_at, end=end_at)
    satisfaction = adapters.satisfaction_by_agency(agency_ids=ids, start=start_at, end=end_at)

    # Names: the agencies and units present, and the procedures with their sector (two queries).
    unit_ids = set(stock_end["unit"])
    agencies = Agency.objects.in_bulk(set(ids) | unit_ids)
    procedure_ids = {k[0] for k in flows_p} | set(stock_start["procedure"]) | set(stock_end["procedure"])
    procedures = (
        Procedure.objects.select_related("sector")
        .only("code", "name", "sector__code", "sector__name")
        .in_bulk(procedure_ids)
        if detail
        else {}
    )

    def table(key: str, title, keys, flows, flow_key, stock_key, name_of) -> Table:
        """`stock_key`: (the stock's dimension — agency or procedure —, a function of its id)."""
        f = selectors.by(flows, flow_key)
        dimension, of = stock_key
        s = selectors.by(stock_start[dimension], of)
        e = selectors.by(stock_end[dimension], of)
        rows = []
        for k in sorted(set(f) | set(s) | set(e), key=lambda k: name_of(k)[1]):
            code, name = name_of(k)
            rows.append({"id": k, "code": code, "name": name, **figures_of(f.get(k, Counter()), s.get(k, Counter()),
                                                                        e.get(k, Counter()))})  # fmt: skip
        total = figures_of(sum(f.values(), Counter()), sum(s.values(), Counter()), sum(e.values(), Counter()))
        return Table(key, title, keys, rows, total)

    def agency_name(pk):
        agency = agencies.get(pk)
        return (agency.code, agency.name) if agency else ("", str(pk))

    def procedure_name(pk):
        procedure = procedures.get(pk)
        return (procedure.code, procedure.name) if procedure else ("", str(pk))

    def sector_name(code):
        for procedure in procedures.values():
            if procedure.sector.code == code:
                return (code, procedure.sector.name)
        return (code, code)

    sector_of = {pk: p.sector.code for pk, p in procedures.items()}
    by_agency = table("agency", _("By agency"), AGENCY_KEYS, flows_a, lambda k: k[0], ("agency", same), agency_name)
    paid_total = {"paid": 0, "online": 0}
    for row in by_agency.rows:
        paid = payments.get(row["id"], {})
        row["online_payment_share"] = _share(paid.get("online", 0), paid.get("paid", 0))
        rated = satisfaction.get(row["id"]) or {}
        row["satisfaction"] = rated.get("satisfied_pct")
        row["evaluations"] = rated.get("count", 0)
        for name in paid_total:
            paid_total[name] += paid.get(name, 0)
    by_agency.total["online_payment_share"] = _share(paid_total["online"], paid_total["paid"])
    rated = [v for v in satisfaction.values() if v.get("satisfied_pct") is not None and v.get("count")]
    count = sum(v["count"] for v in rated)
    by_agency.total["satisfaction"] = (
        round(sum(v["satisfied_pct"] * v["count"] for v in rated) / count, 1) if count else None
    )
    by_agency.total["evaluations"] = count
    tables = {"agency": by_agency}
    if detail:
        tables["sector"] = table("sector", _("By sector"), TABLE_KEYS, flows_p, lambda k: sector_of.get(k[0], ""),
                                 ("procedure", lambda p: sector_of.get(p, "")), sector_name)  # fmt: skip
        tables["procedure"] = table("procedure", _("By procedure"), TABLE_KEYS, flows_p, lambda k: k[0],
                                    ("procedure", same), procedure_name)  # fmt: skip
    if not detail:
        return Report(period=period, agency_ids=ids, now=now, tables=tables, months=[], overdue_by_unit=[],
                      full_online=(0, 0))  # fmt: skip

    months = chart_months(period)
    stored = rolled["months"]
    if current:  # today's live counts belong to the current month
        today_total, month = current["total"], stored.setdefault(today.replace(day=1), Counter())
        month["received"] += today_total["received"]
        month["resolved"] += (
            today_total["resolved_early"] + today_total["resolved_on_time"] + today_total["resolved_late"]
        )
    month_rows = [{"month": m, **{k: stored.get(m, Counter())[k] for k in ("received", "resolved")}} for m in months]

    units = stock_end["unit"]
    overdue_by_unit = sorted(
        (
            {"name": agency_name(u)[1], "overdue": c["overdue"], "open": c["open"]}
            for u, c in units.items()
            if c["overdue"]
        ),
        key=lambda r: (-r["overdue"], r["name"]),
    )
    return Report(
        period=period,
        agency_ids=ids,
        now=now,
        tables=tables,
        months=month_rows,
        overdue_by_unit=overdue_by_unit,
        full_online=selectors.full_online_procedures(agency_ids=ids),
    )
