"""Which shipments a user sees: a postal clerk, those of the agencies where they hold the role
(a shipment exists only for a dossier whose result travels by post: onestop.access's View.POSTAL)."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Count, QuerySet, Sum, TextField
from django.db.models.expressions import RawSQL
from django.http import Http404

from procedures.search import normalize
from procedures.validators import normalize_phone

from ..access import View, access_scope, dossier_for
from ..models import TERMINAL_STATES, AccessKind, Role, Shipment, ShipmentEvent, ShipmentState, ShipmentStateCount
from . import s10

# PostgreSQL: the stored column lower(dvc_unaccent(recipient_name)) of migration 0013 (not a model
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
# dossiers as model instances took ≈ 1.2 ms of a 2.2 ms read (issue #17, docs/performance.md).
LIST_VALUES = (
    "id", "item_number", "state", "recipient_name", "recipient_phone", "recipient_address", "cod_amount",
    "attempts", "dossier__code",
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


def _search(queryset: QuerySet[Shipment], q: str) -> QuerySet[Shipment]:
    compact = q.replace(" ", "").upper()
    if s10.ITEM.match(compact):
        return queryset.filter(item_number=compact)
    if PHONE_LIKE.match(q):  # no letters
        digits = normalize_phone(q)
        digits = digits if digits.isdigit() else re.sub(r"\D", "", q)
        return queryset.filter(recipient_phone__contains=digits)
    if DOSSIER_CODE.match(q) and any(ch.isdigit() for ch in q):
        return queryset.filter(dossier__code__in={q, q.upper()})
    if connection.vendor == "postgresql":
        name = RawSQL(PG_NAME, [], output_field=TextField())  # noqa: S611 — constant SQL, no input
        return queryset.alias(_name=name).filter(_name__contains=normalize(q))
    return queryset.filter(recipient_name__icontains=q)


def shipment_counts(*, user) -> dict[str, int]:
    """Shipments per state, at a cost that does not grow with the years of history: the states in
    flight are counted on the partial index shipment_in_flight (only the rows not yet delivered or
    returned), the states never left are read from their counters (ShipmentStateCount, kept by the
    services in the milestone's transaction). One statement."""
    agencies = postal_agency_ids(user=user)
    counts = dict.fromkeys(ShipmentState.values, 0)
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
    for state, n in in_flight.union(ended, all=True):
        counts[state] += n or 0
    return counts


def shipment_events_public(*, dossier) -> tuple[Shipment | None, list[ShipmentEvent]]:
    """The shipment of a dossier and its milestones, for the applicant and the public tracking page
    (who may see the dossier is decided by the caller's page, through onestop.access)."""
    shipment = Shipment.objects.filter(dossier=dossier).first()
    if shipment is None:
        return None, []
    return shipment, list(shipment.events.exclude(state=ShipmentState.PRINTED).order_by("at", "pk"))
