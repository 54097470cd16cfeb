"""Every change to a shipment. Its dossier changes only through onestop.workflow: the milestones are
dossier events (`dossier_record_event`) and the delivery returns the result (`dossier_return_result`,
national 10, with the delivery time as the return time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import access_scope, client_agency_ids
from ..fees import dossier_dues
from ..models import (
    TERMINAL_STATES,
    Dossier,
    DossierEvent,
    PostalSerial,
    Role,
    Shipment,
    ShipmentEvent,
    ShipmentState,
    ShipmentStateCount,
)
from ..workflow import TransitionError, dossier_record_event, dossier_return_result
from . import conf, s10

S = ShipmentState

# Where a shipment may go from each state (a repeated failure is the next attempt).
NEXT: dict[str, frozenset[str]] = {
    S.TO_PRINT: frozenset({S.PRINTED, S.HANDED_OVER}),
    S.PRINTED: frozenset({S.PRINTED, S.HANDED_OVER}),
    S.HANDED_OVER: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.FAILED}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED, S.FAILED}),
    S.FAILED: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.FAILED, S.RETURNED_TO_AGENCY}),
    S.DELIVERED: frozenset(),
    S.RETURNED_TO_AGENCY: frozenset(),
}
# The dossier event each milestone records (registry.EVENT_KINDS: labels, notification).
EVENT_KIND = {
    S.HANDED_OVER: "shipment_handed_over",
    S.OUT_FOR_DELIVERY: "shipment_out_for_delivery",
    S.DELIVERED: "shipment_delivered",
    S.FAILED: "shipment_failed",
    S.RETURNED_TO_AGENCY: "shipment_returned_to_agency",
}
CONTENTS = "Kết quả giải quyết TTHC: {}"


# ------------------------------------------------------------------------------------ creation


def _next_item_number(prefix: str) -> str:
    PostalSerial.objects.get_or_create(prefix=prefix)
    serial = PostalSerial.objects.select_for_update().get(prefix=prefix)
    serial.last_value += 1
    if serial.last_value >= 100_000_000:
        raise ValidationError(_("The item numbers of this prefix are used up."))
    serial.save(update_fields=["last_value"])
    return s10.item_number(prefix, serial.last_value)


def cod_amounts(dossier: Dossier) -> tuple[int, int]:
    """What the postman collects, and of it the postage: everything the dossier owes
    (onestop.fees.dossier_dues — fees and postage), unless its payment was confirmed (paid online
    with the postage, or at the counter), then nothing."""
    if DossierEvent.objects.filter(dossier=dossier, action="confirm_payment").exists():
        return 0, 0
    dues = dossier_dues(dossier)
    return dues.total, dues.postage


def cod_amount(dossier: Dossier) -> int:
    return cod_amounts(dossier)[0]


def shipment_for_resolved(*, dossier: Dossier) -> Shipment:
    """The shipment of a result that goes by post, created once (in the resolve transaction)."""
    existing = Shipment.objects.filter(dossier=dossier).first()
    if existing is not None:
        return existing
    agency = dossier.agency
    procedure = dossier.snapshot.get("procedure") or {}
    cod, postage = cod_amounts(dossier)
    return Shipment.objects.create(
        dossier=dossier,
        agency=agency,
        item_number=_next_item_number(conf.item_prefix(agency)),
        sender_name=agency.name,
        sender_address=agency.address,
        sender_phone=agency.phone,
        recipient_name=dossier.organisation_name or dossier.applicant_name,
        recipient_phone=dossier.delivery_phone or dossier.applicant_phone,
        recipient_address=dossier.delivery_address or dossier.applicant_address,
        contents=CONTENTS.format(procedure.get("name") or dossier.procedure.name)[:1000],
        cod_amount=cod,
        postage_amount=postage,
    )


# ----------------------------------------------------------------------------------- milestones


def _require_clerk(actor, shipment: Shipment) -> None:
    if not access_scope(actor, fresh=True).holds(Role.POSTAL_CLERK, shipment.agency_id):
        raise TransitionError(_("Only the agency's postal clerks record its shipments."))


@dataclass(frozen=True)
class Recorded:
    event: ShipmentEvent
    created: bool  # False: the operator sent this event id before; the same answer again


@transaction.atomic
def shipment_record(
    *,
    shipment: Shipment,
    state: str,
    actor=None,
    client=None,
    at: dt.datetime | None = None,
    note: str = "",
    operator_event_id: str = "",
    delivered_to: str = "",
    relation: str = "",
) -> Recorded:
    """One milestone: by a postal clerk (`actor`) or reported by the operator (`client`, system).

    Handed over, out for delivery, failed (the next attempt; after the last one the item goes back
    to the agency), delivered (the dossier is returned, national 10), returned to the agency.
    An operator's event id is accepted once: a repeat answers the event recorded the first time.
    """
    if (actor is None) == (client is None):
        raise ValueError("A milestone is recorded by a clerk or by an operator's client.")
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=shipment.pk)
    operator_event_id = (operator_event_id or "").strip()[:100]
    if operator_event_id:
        earlier = ShipmentEvent.objects.filter(shipment=locked, operator_event_id=operator_event_id).first()
        if earlier is not None:
            return Recorded(earlier, created=False)
    if client is not None and locked.agency_id not in client_agency_ids(client):
        raise TransitionError(_("This shipment is not yours."))
    if actor is not None:
        _require_clerk(actor, locked)
    if state not in EVENT_KIND:
        raise ValidationError(_("Unknown shipment event."))
    if state not in NEXT[locked.state]:
        raise TransitionError(
            _("A shipment that is “%(now)s” cannot become “%(next)s”.")
            % {"now": S(locked.state).label, "next": S(state).label}
        )
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError(_("The time of the event cannot be in the future."))
    if at < locked.created_at:
        raise ValidationError(_("The time of the event cannot be before the result was sent."))
    note = (note or "").strip()[:500]
    delivered_to, relation = (delivered_to or "").strip()[:150], (relation or "").strip()[:60]
    if state == S.DELIVERED and not delivered_to:
        raise ValidationError(_("Record who received the item."))
    if state == S.FAILED and not note:
        raise ValidationError(_("Give the reason the delivery failed."))

    event = _apply(locked, state, actor=actor, client=client, at=at, note=note, operator_event_id=operator_event_id,
                   delivered_to=delivered_to, relation=relation)  # fmt: skip
    if state == S.FAILED and locked.attempts >= conf.max_attempts():
        # The last attempt failed: the post returns the item to the agency (a milestone of its own).
        _apply(locked, S.RETURNED_TO_AGENCY, actor=actor, client=client, at=at,
               note=_("Returned after %(n)d failed attempts.") % {"n": locked.attempts})  # fmt: skip
    return Recorded(event, created=True)


def _apply(shipment: Shipment, state: str, *, actor, client, at, note="", operator_event_id="", delivered_to="",
           relation="") -> ShipmentEvent:  # fmt: skip
    system = actor is None
    fields = ["state", "updated_at"]
    if state == S.HANDED_OVER:
        shipment.handed_over_at = at
        fields.append("handed_over_at")
    elif state == S.FAILED:
        shipment.attempts += 1
        fields.append("attempts")
    elif state == S.DELIVERED:
        shipment.delivered_at, shipment.delivered_to, shipment.delivered_relation = at, delivered_to, relation
        fields += ["delivered_at", "delivered_to", "delivered_relation"]
    elif state == S.RETURNED_TO_AGENCY:
        shipment.returned_at = at
        fields.append("returned_at")
    shipment.state = state
    shipment.save(update_fields=fields)
    if state in TERMINAL_STATES:
        count_ended(agency_id=shipment.agency_id, state=state)
    data = {"tracking_code": shipment.item_number, "at": at.isoformat()}
    if state == S.FAILED:
        data["attempt"] = shipment.attempts
    if state == S.DELIVERED:
        data.update({"received_by": delivered_to, "relation": relation})
    event = ShipmentEvent.objects.create(
        shipment=shipment,
        state=state,
        at=at,
        actor=actor,
        client=client,
        operator_event_id=operator_event_id,
        note=note,
        data=data,
    )
    dossier_record_event(
        dossier=shipment.dossier, kind=EVENT_KIND[state], actor=actor, system=system, note=note,
        data={**data, "shipment_event": event.pk},
    )  # fmt: skip
    if state == S.DELIVERED:
        # National 10: the result is returned, at the delivery time.
        dossier_return_result(
            dossier=shipment.dossier, actor=actor, system=system, method="post", at=at, recipient_name=delivered_to
        )
    return event


@transaction.atomic
def shipments_mark_printed(*, shipments: list[Shipment], actor) -> int:
    """The slips of these shipments were printed: those still to print become "printed"."""
    now = timezone.now()
    count = 0
    for shipment in Shipment.objects.select_for_update().filter(pk__in=[s.pk for s in shipments], state=S.TO_PRINT):
        _require_clerk(actor, shipment)
        shipment.state, shipment.printed_at = S.PRINTED, now
        shipment.save(update_fields=["state", "printed_at", "updated_at"])
        ShipmentEvent.objects.create(shipment=shipment, state=S.PRINTED, at=now, actor=actor)
        count += 1
    return count


@dataclass(frozen=True)
class ScanResult:
    item_number: str
    ok: bool
    message: str


def shipments_hand_over(*, user, items: list[str]) -> list[ScanResult]:
    """What the scanner read, one item number per line: each handed over to the post (or why not)."""
    from .selectors import shipments_visible

    results: list[ScanResult] = []
    seen: set[str] = set()
    for raw in items:
        item = s10.normalize(raw)
        if not item or item in seen:
            continue
        seen.add(item)
        if not s10.is_valid(item):
            results.append(ScanResult(item, False, _("Not an item number (check digit).")))
            continue
        shipment = shipments_visible(user=user).filter(item_number=item).first()
        if shipment is None:
            results.append(ScanResult(item, False, _("No shipment of yours has this number.")))
            continue
        if shipment.state == S.HANDED_OVER:
            results.append(ScanResult(item, True, _("Already handed over.")))
            continue
        try:
            shipment_record(shipment=shipment, state=S.HANDED_OVER, actor=user)
        except (TransitionError, ValidationError) as exc:
            results.append(ScanResult(item, False, " ".join(getattr(exc, "messages", [str(exc)]))))
        else:
            results.append(ScanResult(item, True, _("Handed over.")))
    return results


# ------------------------------------------------------------------------------ counts per state


def count_ended(*, agency_id: int, state: str, by: int = 1) -> None:
    """Count a shipment into (by=-1: out of) a state it never leaves, in the caller's transaction
    (selectors.shipment_counts reads these instead of counting years of delivered items). One
    UPDATE of one row; the agency's first one creates the row."""
    if ShipmentStateCount.objects.filter(agency_id=agency_id, state=state).update(count=F("count") + by):
        return
    try:
        with transaction.atomic():  # a savepoint: another transaction may create the row first
            ShipmentStateCount.objects.create(agency_id=agency_id, state=state, count=by)
    except IntegrityError:
        ShipmentStateCount.objects.filter(agency_id=agency_id, state=state).update(count=F("count") + by)


@transaction.atomic
def shipment_counts_rebuild(*, agency_ids: list[int] | None = None) -> None:
    """Recount the ended states from the shipments themselves (after rows were written or deleted
    outside these services: a bulk load, bench/shipment_list.py)."""
    shipments = Shipment.objects.filter(state__in=TERMINAL_STATES)
    counters = ShipmentStateCount.objects.all()
    if agency_ids is not None:
        shipments, counters = shipments.filter(agency_id__in=agency_ids), counters.filter(agency_id__in=agency_ids)
    counters.delete()
    rows = shipments.order_by().values_list("agency_id", "state").annotate(n=Count("pk"))
    ShipmentStateCount.objects.bulk_create(
        [ShipmentStateCount(agency_id=agency_id, state=state, count=n) for agency_id, state, n in rows]
    )
