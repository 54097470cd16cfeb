"""Which shipments a user sees: a postal clerk, those of the agencies where they hold the role
(a shipment exists only for a dossier whose result travels by post: onestop.access's View.POSTAL)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ..access import View, access_scope, dossier_for
from ..models import AccessKind, Role, Shipment, ShipmentEvent, ShipmentState
from . import s10


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


def shipments_list(*, user, state: str = "", q: str = "") -> QuerySet[Shipment]:
    queryset = shipments_visible(user=user).select_related("dossier").only(
        "pk", "item_number", "state", "recipient_name", "recipient_phone", "recipient_address", "cod_amount",
        "attempts", "created_at", "updated_at", "dossier__code", "dossier__public_id",
    )  # fmt: skip
    if state in ShipmentState.values:
        queryset = queryset.filter(state=state)
    q = (q or "").strip()
    if q:
        compact = q.replace(" ", "").upper()
        if s10.ITEM.match(compact):  # a scanned or typed item number: the unique index, nothing else
            return queryset.filter(item_number=compact).order_by("-created_at", "-pk")
        queryset = queryset.filter(
            Q(item_number=compact)
            | Q(dossier__code__iexact=q)
            | Q(recipient_name__icontains=q)
            | Q(recipient_phone__contains=q.replace(" ", ""))
        )
    return queryset.order_by("-created_at", "-pk")


def shipment_counts(*, user) -> dict[str, int]:
    """Shipments per state, in one statement."""
    counts = dict.fromkeys(ShipmentState.values, 0)
    rows = shipments_visible(user=user).order_by().values_list("state").annotate(n=Count("pk"))
    counts.update(dict(rows))
    return counts


def shipment_events_public(*, dossier) -> tuple[Shipment | None, list[ShipmentEvent]]:
    """The shipment of a dossier and its milestones, for the applicant and the public tracking page
    (who may see the dossier is decided by the caller's page, through onestop.access)."""
    shipment = Shipment.objects.filter(dossier=dossier).first()
    if shipment is None:
        return None, []
    return shipment, list(shipment.events.exclude(state=ShipmentState.PRINTED).order_by("at", "pk"))
