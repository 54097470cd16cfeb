"""Turning what happened into messages (DESIGN §4.6, STYLE §4).

`dossier_event_notify` maps a DossierEvent to recipients and channels; `notify_user` is the one
place that renders and records a message for one user — the deadline sweep and the digests call
it too. Rows are created idempotently (unique dedup_key: running twice creates nothing more) and
their delivery is queued after commit (onestop.notifications.delivery does the sending).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from ..access import View, access_scope, overseen_agency_ids
from ..links import absolute_url, site_url
from ..models import (
    Dossier,
    DossierEvent,
    DossierStatus,
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationStatus,
)
from ..workflow.registry import note_for_applicant, notification_kind
from .rendering import render_message
from .selectors import preference_for
from .tasks import deliver_notification_task

logger = logging.getLogger(__name__)

Channel = NotificationChannel

# What the applicant hears of each public event (DESIGN §4.6: every status change, supplement and
# payment requests, result ready, shipment events) is the action's `notification` in the workflow's
# registry; a new action gets its entry there and a template here.
STAFF_CHANNELS = (Channel.INAPP, Channel.EMAIL)


@dataclass(frozen=True)
class Recipient:
    user: Any
    kind: str
    channels: tuple[str, ...]


# ------------------------------------------------------------------------------------- links


def citizen_dossier_url(dossier: Dossier) -> str:
    try:
        path = reverse("portal:dossier", kwargs={"public_id": dossier.public_id})
    except NoReverseMatch:
        path = f"/ho-so/{dossier.public_id}/"
    return site_url() + path


def staff_dossier_url(dossier: Dossier) -> str:
    try:
        path = reverse("onestop:dossier", kwargs={"public_id": dossier.public_id})
    except NoReverseMatch:
        path = reverse("onestop:home")
    return site_url() + path


def evaluation_url(dossier: Dossier) -> str:
    """The satisfaction evaluation form of a dossier (issue #12): the public door with the code
    (portal.submission.evaluation) — a signed-in owner goes straight to their own form, anyone else
    confirms with the phone or ID digits, so that the link works for counter applicants too."""
    from urllib.parse import urlencode

    try:
        path = reverse("portal:track_evaluate")
    except NoReverseMatch:
        path = "/tra-cuu/danh-gia/"
    return site_url() + path + "?" + urlencode({"ma": dossier.code or ""})


def staff_link_for(*, user, dossier: Dossier) -> str:
    """Where a staff message about `dossier` takes `user` — a page they can open (issue #12):

    * the dossier page, if onestop.access lets them see it (processing staff of the receiving
      agency or of the unit holding it, a leader of either's subtree);
    * otherwise, for a leader or a head of unit, the overdue queue filtered to the dossier's code
      (it has left the agencies they oversee: the queue says so by showing nothing);
    * otherwise their back-office home.

    Absolute, on SITE_URL (onestop.links): the message goes by e-mail too. Reads the user's roles
    once per user object (access_scope caches them on it).
    """
    scope = access_scope(user)
    if scope.view_of(dossier) >= View.STAFF:
        return staff_dossier_url(dossier)
    try:
        if overseen_agency_ids(scope):
            return absolute_url(
                reverse("onestop:queue", args=["qua-han"]) + "?" + urlencode({"q": dossier.code or ""}),
                from_request=False,
            )
        return absolute_url(reverse("onestop:home"), from_request=False)
    except NoReverseMatch:
        return site_url()


def preferences_url() -> str:
    try:
        path = reverse("notifications:preferences")
    except NoReverseMatch:
        path = "/tai-khoan/thong-bao/"
    return site_url() + path


def dossier_context(*, dossier: Dossier, event: DossierEvent | None = None, for_staff: bool = False) -> dict[str, Any]:
    """What every dossier template may use. Labels stay lazy: they render in the recipient's language.

    From `event.data` (whoever writes the event): `items` (supplement request: strings or
    {"name", "note"}), `amount` (VND, payment request), `tracking_code` (shipments).
    """
    status = event.to_status if event is not None else dossier.status
    data = (event.data if event is not None else None) or {}
    return {
        "dossier": dossier,
        "event": event,
        "code": dossier.code or "",
        "procedure_name": dossier.procedure.name,
        "agency_name": dossier.agency.name,
        "status_label": DossierStatus(status).label if status in DossierStatus.values else status,
        # The event's deadline is the due date as of the event (an extension's new date).
        "due_at": (event.deadline if event is not None and event.deadline else None) or dossier.due_at,
        # An officer's note to the next step never reaches the applicant (registry: note_to_applicant).
        "note": "" if event is None else (event.note if for_staff else note_for_applicant(event)),
        "items": [_item_text(item) for item in data.get("items") or []],
        "amount": data.get("amount"),
        "tracking_code": data.get("tracking_code", ""),
        "link": staff_dossier_url(dossier) if for_staff else citizen_dossier_url(dossier),
        "evaluation_link": "" if for_staff or status != DossierStatus.RETURNED else evaluation_url(dossier),
        "preferences_link": "" if for_staff else preferences_url(),
    }


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        return ": ".join(str(part) for part in (item.get("name"), item.get("note")) if part)
    return str(item)


# ------------------------------------------------------------------------------- one user


def _address(user, channel: str) -> str:
    if channel == Channel.EMAIL:
        return user.email or ""
    if channel == Channel.SMS:
        return getattr(user, "phone", "") or ""
    return ""


def _language(user) -> str:
    preference = preference_for(user=user)
    return preference.language or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Outgoing:
    """One message to record for one user (the arguments of `notify_user`)."""

    user: Any
    kind: str
    context: dict[str, Any]
    channels: tuple[str, ...]
    dedup_key: str
    event: DossierEvent | None = None
    dossier: Dossier | None = None


def notify_user(
    *,
    user,
    kind: str,
    context: dict[str, Any],
    channels: Iterable[str],
    dedup_key: str,
    event: DossierEvent | None = None,
    dossier: Dossier | None = None,
) -> list[Notification]:
    """Record (once) and queue one message per channel for one user; returns the new rows.

    `dedup_key` names the occasion — "event:<id>", or "<kind>:<subject>:<date>" for sweeps and
    digests; the recipient and the channel are appended, so calling this twice for the same
    occasion creates and sends nothing more. A channel without an address (no phone) is skipped.
    In-app messages are delivered by being recorded.
    """
    outgoing = Outgoing(user, kind, context, tuple(channels), dedup_key, event, dossier)
    return notify_users(messages=[outgoing])


def notify_users(*, messages: Iterable[Outgoing]) -> list[Notification]:
    """`notify_user` for many messages at once (a deadline fan-out): the same rows and texts, in a
    constant number of queries — one read of the dedup keys already recorded, one INSERT of the new
    rows (in a savepoint) — and one after-commit hook queueing the deliveries.

    Another worker recording one of the same rows meanwhile makes the INSERT fail on the unique
    dedup_key: the rows are then inserted one by one, each in its own savepoint, and those recorded
    first by the other worker are skipped. Either way nothing is recorded or sent twice.
    The caller reads the users' preferences beforehand (select_related), or one query per user follows.
    """
    wanted: dict[str, tuple[Outgoing, str, str]] = {}  # dedup key → (message, channel, address)
    for message in messages:
        for channel in dict.fromkeys(message.channels):  # keep order, drop repeats
            to = _address(message.user, channel)
            if channel != Channel.INAPP and not to:
                continue
            wanted.setdefault(f"{message.dedup_key}|u{message.user.pk}|{channel}"[:200], (message, channel, to))
    if not wanted:
        return []
    # One read for every row; a row recorded meanwhile by another worker is caught by the unique
    # dedup_key below.
    existing = set(Notification.objects.filter(dedup_key__in=list(wanted)).values_list("dedup_key", flat=True))
    rendered: dict[int, Any] = {}  # id(message) → its text, rendered once for all its channels
    rows: list[Notification] = []
    now = timezone.now()
    for key, (message, channel, to) in wanted.items():
        if key in existing:
            continue
        text = rendered.get(id(message))
        if text is None:
            text = rendered[id(message)] = render_message(
                kind=message.kind,
                context={"recipient": message.user, "name": str(message.user), **message.context},
                language=_language(message.user),
            )
        inapp = channel == Channel.INAPP
        event = message.event
        rows.append(
            Notification(
                dedup_key=key,
                recipient=message.user,
                channel=channel,
                kind=message.kind,
                event=event,
                dossier=message.dossier if message.dossier is not None else (event.dossier if event else None),
                to=to,
                subject=text.subject[:300],
                body=text.sms if channel == Channel.SMS else text.body,
                link=str(message.context.get("link", ""))[:500],
                status=NotificationStatus.SENT if inapp else NotificationStatus.QUEUED,
                sent_at=now if inapp else None,
                next_attempt_at=None if inapp else now,
            )
        )
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        created = _insert_one_by_one(rows)
    queue_deliveries(notification_ids=[row.pk for row in created if row.channel != Channel.INAPP])
    return created


def _insert_one_by_one(rows: list[Notification]) -> list[Notification]:
    """Another worker recorded some of these rows first: keep theirs, insert the others."""
    created: list[Notification] = []
    for row in rows:
        try:
            with transaction.atomic():
                row.pk = None
                row.save(force_insert=True)
        except IntegrityError:
            if Notification.objects.filter(dedup_key=row.dedup_key).exists():
                continue  # another worker recorded it first
            raise
        created.append(row)
    return created


def queue_delivery(*, notification_id: int) -> None:
    """Queue the delivery task once the row is committed (the worker must see it)."""
    queue_deliveries(notification_ids=[notification_id])


def queue_deliveries(*, notification_ids: list[int]) -> None:
    """Queue one delivery task per row, once the rows are committed (one after-commit hook)."""
    if not notification_ids:
        return

    def _send() -> None:
        for done, notification_id in enumerate(notification_ids):
            try:
                deliver_notification_task.delay(notification_id)
            except Exception:
                # The broker is down: the rows stay queued and the re-queue sweep sends them later.
                logger.exception(
                    "could not queue notification %s (%s of %s queued)", notification_id, done, len(notification_ids)
                )
                return

    transaction.on_commit(_send)


# ------------------------------------------------------------------------- dossier events


def event_recipients(*, event: DossierEvent) -> list[Recipient]:
    """Who hears of an event, as what kind of message, on which channels."""
    dossier = event.dossier
    recipients: list[Recipient] = []
    kind, status_change_only = notification_kind(event.action)
    changed = event.from_status != event.to_status
    # Only public milestones reach the citizen (DESIGN §4.1).
    if kind and event.public and (changed or not status_change_only):
        applicant = _applicant_with_preference(dossier)
        if applicant.is_active:
            recipients.append(Recipient(applicant, kind, citizen_channels(user=applicant)))
    assignee_id = (event.data or {}).get("assignee_id")
    if assignee_id and assignee_id != event.actor_id:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is not None:
            recipients.append(Recipient(assignee, "staff.assigned", STAFF_CHANNELS))
    return recipients


def _applicant_with_preference(dossier: Dossier):
    """The applicant and their choices in one statement, unless the dossier holds them already."""
    if not Dossier.applicant.is_cached(dossier):
        dossier.applicant = (
            get_user_model().objects.select_related("notification_preference").get(pk=dossier.applicant_id)
        )
    return dossier.applicant


def citizen_channels(*, user) -> tuple[str, ...]:
    preference: NotificationPreference = preference_for(user=user)
    channels = []
    if preference.email:
        channels.append(Channel.EMAIL)
    if preference.sms and user.phone:
        channels.append(Channel.SMS)
    return tuple(channels)


@transaction.atomic
def dossier_event_notify(*, event_id: int) -> list[Notification]:
    """Turn one dossier event into messages; safe to run twice (the second run creates nothing).
    The event and what its messages read come in one statement; see `event_notify`."""
    event = (
        DossierEvent.objects.select_related(
            "dossier__procedure", "dossier__agency", "dossier__applicant__notification_preference"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        logger.warning("dossier event %s no longer exists: nothing to notify", event_id)
        return []
    return event_notify(event=event)


def event_notify(*, event: DossierEvent) -> list[Notification]:
    """Messages of an event at hand, with its dossier: every recipient's rows in one INSERT
    (notify_users), safe to run twice. The workflow's hook calls it inside the action's transaction
    with the row it has just locked and written, so nothing is read again; what the messages need
    and the dossier does not hold (its procedure, the applicant's choices) is read only for an event
    that someone hears of."""
    messages: list[Outgoing] = []
    for recipient in event_recipients(event=event):
        for_staff = recipient.kind.startswith("staff.")
        context = dossier_context(dossier=event.dossier, event=event, for_staff=for_staff)
        if for_staff:
            context["link"] = staff_link_for(user=recipient.user, dossier=event.dossier)
        messages.append(
            Outgoing(recipient.user, recipient.kind, context, recipient.channels, f"event:{event.pk}", event=event)
        )
    return notify_users(messages=messages)


# ----------------------------------------------------------------------- in-app and choices


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark a staff member's in-app messages read (all of them when `ids` is None)."""
    queryset = Notification.objects.filter(recipient=user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


def notification_preference_update(*, user, email: bool, sms: bool, language: str) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    preference.email = email
    preference.sms = sms
    preference.language = language
    preference.full_clean()
    preference.save()
    return preference
