"""Which shipments a user sees: a postal clerk, those of the agencies where they hold the role
(a shipment exists only for a dossier whose result travels by post: onestop.access's View.POSTAL)."""

from __future__ import annotations

import re
from functools import partial

from django.db import connection
from django.db.models import BooleanField, Count, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404

from procedures.search import like_words, normalize
from procedures.validators import normalize_phone

from .. import prepared
from ..access import View, access_scope, dossier_for
from ..models import (
    TERMINAL_STATES,
    AccessKind,
    Dossier,
    Role,
    Shipment,
    ShipmentEvent,
    ShipmentState,
    ShipmentStateCount,
)
from ..paging import TOTAL, CountedRows
from . import s10

# PostgreSQL: the stored column lower(dvc_unaccent(recipient_name)) of migration 0021 (not a model
# field), indexed with trigrams, so that LIKE '%…%' on it is served by the index — and costs no
# unaccent per row when the planner reads the list in date order instead. Constant SQL, no input.
PG_NAME = '"onestop_shipment"."recipient_name_search"'
# What a dossier code looks like (000.00.01.H12-261128-0001): letters and digits joined by . and -.
DOSSIER_CODE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*-[0-9A-Za-z]+$")
PHONE_LIKE = re.compile(r"^\+?[\d\s.\-()]{3,20}$")


def postal_agency_ids(*, user) -> list[int]:
    return access_scope(user).where(Role.POSTAL_CLERK)


def shipments_visible(*, user) -> QuerySet[Shipment]:
    return Shipment.objects.filter(agency_id__in=postal_agency_ids(user=user))


def shipment_for(*, user, pk: int, request=None, record: str | None = AccessKind.PAGE) -> Shipment:
    """One shipment of the user's agencies, its dossier authorised (and the read logged) by
    onestop.access; Http404 for a missing shipment and for another agency's alike."""
    shipment = shipments_visible(user=user).select_related("dossier", "agency").filter(pk=pk).first()
    if shipment is None:
        raise Http404
    shipment.dossier = dossier_for(
        user=user, pk=shipment.dossier_id, at_least=View.POSTAL, record=record, request=request
    )
    return shipment


# What a row of the clerk's list shows, read as plain values: building 50 shipments and their 50
# dossiers as model instances took ≈ 1.2 ms of a 2.2 ms read (issue #17, docs/performance.md). The
# dossier's code is added for the page alone (with_dossier_codes).
LIST_VALUES = (
    "id", "item_number", "state", "recipient_name", "recipient_phone", "recipient_address", "cod_amount",
    "attempts", "dossier_id",
)  # fmt: skip


def shipments_list(*, user, state: str = "", q: str = "") -> QuerySet[dict]:
    """The clerk's list (LIST_VALUES), newest first (read in index order: the Shipment indexes), in
    one tab and/or found by what was typed — which is read by its shape, so that each search uses
    one index: an S10 item number (what the scanner types) the unique index; a dossier code the
    dossier's code; digits a phone number (PostgreSQL: trigram index); anything else the recipient's
    name, without accents or case (PostgreSQL: trigram index on the unaccented name)."""
    queryset = shipments_visible(user=user)
    if state in ShipmentState.values:
        queryset = queryset.filter(state=state)
    q = " ".join((q or "").split())
    if q:
        queryset = _search(queryset, q)
    return queryset.order_by("-created_at", "-pk").values(*LIST_VALUES)


def with_dossier_codes(rows: list[dict]) -> list[dict]:
    """The list's rows (LIST_VALUES), each with its dossier's code ("dossier__code"), read for the
    page's dossiers by id (compiled once, prepared once per session: prepared.rows_by_ids). Joined in
    the list's statement, the dossier was read for every shipment a search counts and every row an
    offset skips: the search for a name found 6,165 times took 26 ms instead of 9.5, page 100 of the
    list 32 ms instead of 10 (docs/performance.md, ninth pass)."""
    ids = sorted({row["dossier_id"] for row in rows})
    codes = {}
    if ids:
        found = prepared.rows_by_ids("dossier codes", _dossier_codes, '"onestop_dossier"."id"', ids)
        codes = dict(found[1] if found is not None else _dossier_codes(ids))
    for row in rows:
        row["dossier__code"] = codes.get(row["dossier_id"], "")
    return rows


def _dossier_codes(ids: list[int]) -> QuerySet:
    return Dossier.objects.filter(pk__in=ids).order_by().values_list("pk", "code")


def _searched_for(q: str) -> str:
    """What a search looks for, by the shape of what was typed: "item", "phone", "code" or "name"."""
    if s10.ITEM.match(q.replace(" ", "").upper()):
        return "item"
    if PHONE_LIKE.match(q):  # no letters
        return "phone"
    if DOSSIER_CODE.match(q) and any(ch.isdigit() for ch in q):
        return "code"
    return "name"


def _search(queryset: QuerySet[Shipment], q: str) -> QuerySet[Shipment]:
    searched_for = _searched_for(q)
    if searched_for == "item":
        return queryset.filter(item_number=q.replace(" ", "").upper())
    if searched_for == "phone":
        digits = normalize_phone(q)
        digits = digits if digits.isdigit() else re.sub(r"\D", "", q)
        return queryset.filter(recipient_phone__contains=digits)
    if searched_for == "code":
        return queryset.filter(dossier__code__in={q, q.upper()})
    if connection.vendor == "postgresql":
        # The index finds the names holding the words in order (like_words: the trigrams inside each
        # word, not the ones at their edges that most names share), strpos keeps those holding the phrase.
        words = _name_values(q)
        found = RawSQL(  # noqa: S611 — constant SQL; the words go as parameters
            f"({PG_NAME} LIKE %s AND strpos({PG_NAME}, %s) > 0)", [words["name_words"], words["name_phrase"]],
            output_field=BooleanField(),
        )  # fmt: skip
        return queryset.filter(found)
    # SQLite (the embedded default): normalize() as an SQL function (procedures.search), on every row.
    found = RawSQL(
        'instr(dvc_normalize("onestop_shipment"."recipient_name"), %s) > 0', [normalize(q)], output_field=BooleanField()
    )
    return queryset.filter(found)


def _name_values(q: str) -> dict[str, str]:
    """The parameters of a search by name, by name (a statement compiled once takes them in its slots)."""
    phrase = normalize(q)
    return {"name_words": like_words(phrase), "name_phrase": phrase}


# A search by name, compiled once per agencies, tab and page for a name that stands for every name
# (shipments_found): these words are in no recipient's name, and nothing else in the statement holds them.
NAME_STAND_IN = "dvc name stand in 7f3c"
_NAME_SEARCHES: dict[tuple, tuple[str, list, list[tuple[int, str]]] | None] = {}


def shipments_found(*, user, state: str, q: str, per_page: int, number) -> CountedRows:
    """The clerk's list searched for `q` (shipments_list) for a Paginator: the page asked for (the raw
    ?page= value) and how many were found, in one statement (onestop.paging.CountedRows). A search by
    name, the one that reads most, runs a statement compiled once (_names_found); any other through
    the ORM."""
    q = " ".join((q or "").split())
    by_name = q and _searched_for(q) == "name"
    return CountedRows(
        partial(shipments_list, user=user, state=state, q=q),
        per_page=per_page,
        number=number,
        read=partial(_names_found, user=user, state=state, q=q) if by_name else None,
    )


def _names_found(window: tuple[int, int], *, user, state: str, q: str) -> list[dict] | None:
    """The rows [start, stop) of `window` of the clerk's list searched for the name `q`, each with the
    number found (TOTAL), by a statement compiled once per agencies, tab and page with NAME_STAND_IN,
    whose values become the request's (prepared.run_compiled; planned for them): compiling it through
    the ORM took 1.2 ms of the clerk's search, half of reading it (docs/performance.md, ninth pass).
    None where it cannot answer (not PostgreSQL): the caller reads through the ORM."""
    state = state if state in ShipmentState.values else ""
    start, stop = window

    def compile_statement() -> tuple[str, list]:
        per_page = stop - start
        stand_in = shipments_list(user=user, state=state, q=NAME_STAND_IN)
        counted = CountedRows(stand_in, per_page=per_page, number=start // per_page + 1)
        return counted.page_query().query.sql_with_params()

    found = prepared.run_compiled(
        _NAME_SEARCHES,
        (tuple(postal_agency_ids(user=user)), state, window),
        lambda: prepared.slotted(compile_statement, {}, _name_values(NAME_STAND_IN)),
        _name_values(q),
    )
    if found is None:
        return None
    return [dict(zip((*LIST_VALUES, TOTAL), row, strict=True)) for row in found]


# The tabs' counts of each list of agencies, compiled once (shipment_counts).
_COUNT_STATEMENTS: dict[tuple, tuple[str, list, list] | None] = {}


def shipment_counts(*, user) -> dict[str, int]:
    """Shipments per state, at a cost that does not grow with the years of history: the states in
    flight are counted on the partial index shipment_in_flight (only the rows not yet delivered or
    returned), the states never left are read from their counters (ShipmentStateCount, kept by the
    services in the milestone's transaction). One statement, compiled once per list of agencies and
    prepared once per database session (prepared.run_compiled): compiling it through the ORM took
    0.8 ms of every page of the clerk's list, more than it took PostgreSQL to answer it
    (docs/performance.md, ninth pass)."""
    agencies = postal_agency_ids(user=user)
    found = prepared.run_compiled(
        _COUNT_STATEMENTS,
        (tuple(agencies),),
        lambda: prepared.slotted(_counts_query(agencies).query.sql_with_params, {}),
        {},
        prepare=True,
    )
    counts = dict.fromkeys(ShipmentState.values, 0)
    for state, n in _counts_query(agencies) if found is None else found:
        counts[state] += int(n or 0)  # PostgreSQL's SUM of a bigint is a numeric
    return counts


def _counts_query(agencies: list[int]) -> QuerySet:
    in_flight = (
        Shipment.objects.filter(agency_id__in=agencies)
        .exclude(state__in=TERMINAL_STATES)
        .order_by()
        .values_list("state")
        .annotate(n=Count("*"))
    )
    ended = (
        ShipmentStateCount.objects.filter(agency_id__in=agencies, state__in=TERMINAL_STATES)
        .order_by()
        .values_list("state")
        .annotate(n=Sum("count"))
    )
    return in_flight.union(ended, all=True)


def shipment_events_public(*, dossier) -> tuple[Shipment | None, list[ShipmentEvent]]:
    """The shipment of a dossier and its milestones, for the applicant and the public tracking page
    (who may see the dossier is decided by the caller's page, through onestop.access)."""
    shipment = Shipment.objects.filter(dossier=dossier).first()
    if shipment is None:
        return None, []
    return shipment, list(shipment.events.exclude(state=ShipmentState.PRINTED).order_by("at", "pk"))
