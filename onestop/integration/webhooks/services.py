"""Webhook subscriptions and their outbox.

A delivery row is written for each subscription that wants an event, inside the action's
transaction (the workflow's `event_recorded` hook): if the action rolls back, nothing is sent; if
it commits, the row exists and a worker sends it (after commit, and by the periodic drain).
A subscription receives an event only when its client may read it: the dossier is one of the
client's agencies' (onestop.access.client_sees) and the client holds the kind's scope.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ... import outbox
from ...access import client_sees
from ...models import ApiScope, Dossier, DossierEvent, WebhookDelivery, WebhookKind, WebhookSubscription
from ...workflow.registry import ACTIONS, HANDOVER_ACTIONS

logger = logging.getLogger(__name__)
K = WebhookKind

EVENT_KIND_OF = {
    "note_added": K.NOTE_ADDED,
    "document_added": K.DOCUMENT_ADDED,
    "interagency_result": K.INTERAGENCY_RESULT,
    "shipment_handed_over": K.SHIPMENT,
    "shipment_out_for_delivery": K.SHIPMENT,
    "shipment_delivered": K.SHIPMENT,
    "shipment_failed": K.SHIPMENT,
    "shipment_returned_to_agency": K.SHIPMENT,
    "payment_attempt": K.PAYMENT,
    "payment_refunded": K.PAYMENT,
}
SCOPE_OF = {K.SHIPMENT: ApiScope.SHIPMENTS_READ, K.PAYMENT: ApiScope.PAYMENTS_READ}
# What of an event's data a partner reads (never the client ids, amounts' payer, officers' notes).
DATA_KEYS = ("outcome", "agency_code", "reference", "issued_at", "document", "name", "state", "item_number")


def webhook_kind(event: DossierEvent) -> str | None:
    if event.action in EVENT_KIND_OF:
        return EVENT_KIND_OF[event.action]
    if event.action not in ACTIONS:
        return None  # satisfaction evaluations: not a partner's business
    if event.from_status != event.to_status or event.action == "extend":
        return K.STATUS_CHANGED
    if event.action in HANDOVER_ACTIONS or event.action == "assign":
        return K.HANDED_OVER
    return None


def subscription_secret(subscription: WebhookSubscription) -> str:
    """The signing secret: derived from WEBHOOK_SECRET_KEY and the subscription's salt, never stored."""
    key = (settings.WEBHOOK_SECRET_KEY or settings.SECRET_KEY).encode()
    return "whsec_" + hmac.new(key, f"webhook:{subscription.secret_salt}".encode(), hashlib.sha256).hexdigest()


def subscription_secret_renew(*, subscription: WebhookSubscription) -> str:
    """A new salt, hence a new secret (returned: shown once). The caller saves the subscription."""
    subscription.secret_salt = secrets.token_hex(16)
    return subscription_secret(subscription)


def event_body(*, kind: str, event: DossierEvent, dossier: Dossier, delivery_id) -> dict:
    from ...workflow.registry import note_for_applicant
    from ..api import PartnerDossierSerializer

    return {
        "id": str(delivery_id),
        "kind": kind,
        "created_at": event.created_at.isoformat(),
        "dossier": PartnerDossierSerializer(dossier).data,
        "event": {
            "id": event.pk,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "at": event.created_at.isoformat(),
            # Only what is written to the applicant; officers' notes stay in the back office.
            "note": note_for_applicant(event),
            "data": {key: event.data[key] for key in DATA_KEYS if key in (event.data or {})},
        },
    }


def webhook_deliveries_for_event(*, event: DossierEvent, dossier: Dossier) -> list[WebhookDelivery]:
    """Write the outbox rows of `event` (inside the action's transaction). One query when nobody
    subscribes to its kind."""
    kind = webhook_kind(event)
    if kind is None:
        return []
    now = timezone.now()
    wanted = [
        s
        for s in WebhookSubscription.objects.filter(active=True, client__active=True, client__revoked_at__isnull=True)
        .select_related("client")
        .order_by("pk")
        if kind in (s.kinds or [])
        and s.client.usable(now)
        and s.client.has_scope(SCOPE_OF.get(kind, ApiScope.DOSSIERS_READ))
        and client_sees(s.client, dossier)
    ]
    if not wanted:
        return []
    # The body names the procedure and the units (one query, only when somebody subscribes).
    from ..api import summaries

    dossier = summaries(Dossier.objects.filter(pk=dossier.pk)).get()
    rows = []
    for subscription in wanted:
        row = WebhookDelivery(subscription=subscription, event=event, kind=kind, next_attempt_at=now)
        row.payload = event_body(kind=kind, event=event, dossier=dossier, delivery_id=row.delivery_id)
        rows.append(row)
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = [row.delivery_id for row in rows]
    transaction.on_commit(lambda: queue_deliveries(ids))
    return rows


def queue_deliveries(delivery_ids) -> None:
    """Ask workers to send these now; the periodic drain catches what a lost task misses."""
    from .tasks import webhook_deliver_task

    for delivery_id in delivery_ids:
        try:
            webhook_deliver_task.delay(str(delivery_id))
        except Exception:
            logger.exception("could not queue webhook delivery %s", delivery_id)


def webhook_deliveries_replay(*, ids) -> int:
    """Send deliveries again: stopped ones get a fresh set of attempts; one already accepted is sent
    once more as a new attempt with the same delivery id (the receiver may ask for it again)."""
    from ...models import WebhookState

    now = timezone.now()
    queryset = WebhookDelivery.objects.filter(pk__in=list(ids))
    dead = outbox.replay(queryset.filter(state=WebhookState.DEAD), now=now)
    sent = list(queryset.filter(state=WebhookState.SENT).values_list("pk", "delivery_id"))
    WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in sent]).update(
        state=WebhookState.PENDING, next_attempt_at=now, lease_until=None, lease_token=None
    )
    delivery_ids = [row.delivery_id for row in dead] + [d for _, d in sent]
    transaction.on_commit(lambda: queue_deliveries(delivery_ids))
    return len(delivery_ids)
