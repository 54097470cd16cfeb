"""The deadline sweep, the fan-out of its warnings, and the leaders' daily digest (DESIGN §4.3, §4.6).

Deadlines are stored on the dossier, never scheduled (STYLE §5). Celery beat runs
`deadline_sweep` every few minutes (settings "# --- Deadlines"); it records each crossing once in
`DeadlineCrossing` with set-based SQL (onestop.deadlines.sql) and queues the notifications of the
new crossings in batches, after commit, to `deadline_crossings_notify` (task
onestop.deadline_notify). Beat is a single process (docs/deployment.md), but nothing relies on
it: a second sweep at the same moment, or a task delivered twice, records and sends nothing more
(no lock: the unique constraint on the crossings decides, see onestop.deadlines.sql).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency

from ..links import site_url
from ..models import DeadlineCrossing, DeadlineKind, Dossier, Role, StaffRole
from ..notifications.services import (
    STAFF_CHANNELS,
    Outgoing,
    dossier_context,
    notify_user,
    notify_users,
    staff_link_for,
)
from ..workcalendar import VN_TZ
from ..workcalendar.django_calendar import calendar_for_agency
from . import sql
from .recipients import audience_for
from .rules import RULE_BY_KIND, RULES, Rule, Window
from .selectors import deadline_counts_by_agency, roll_up
from .tasks import deadline_notify_task
from .thresholds import Calendars, Threshold

logger = logging.getLogger(__name__)

# The message template of each kind of crossing (templates/notifications/<language>/<kind>.txt).
TEMPLATES: dict[str, str] = {
    DeadlineKind.CHECK_OVERDUE: "deadline.overdue",
    DeadlineKind.DUE_SOON: "deadline.due_soon",
    DeadlineKind.STEP_DUE_SOON: "deadline.due_soon",
    DeadlineKind.OVERDUE: "deadline.overdue",
    DeadlineKind.STEP_OVERDUE: "deadline.overdue",
    DeadlineKind.APOLOGY_REMINDER: "deadline.apology_reminder",
}
DIGEST_KIND = "digest.daily"


@dataclass
class SweepReport:
    now: dt.datetime
    crossings: dict[str, int] = field(default_factory=dict)  # new crossings per kind
    requeued: int = 0  # crossings whose lost fan-out was queued again
    batches: int = 0  # notification tasks queued after commit

    @property
    def total(self) -> int:
        return sum(self.crossings.values())

    def as_dict(self) -> dict:
        return {
            "now": self.now.isoformat(),
            "crossings": dict(self.crossings),
            "requeued": self.requeued,
            "batches": self.batches,
        }


def _chunks(ids: Sequence[int], size: int) -> list[list[int]]:
    size = max(1, int(size))
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def deadline_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Record the deadlines crossed at `now` (once each) and queue their notifications.

    A constant number of queries whatever the number of dossiers: one INSERT … SELECT per rule
    (six), one UPDATE for lost fan-outs, and one or two small reads for the working calendars.
    """
    now = now or timezone.now()
    report = SweepReport(now=now)
    calendars = Calendars()
    thresholds: dict[int, Threshold] = {}
    since = now - dt.timedelta(days=settings.DEADLINE_LOOKBACK_DAYS)
    new_ids: list[int] = []
    with transaction.atomic():
        for rule in RULES:
            if rule.window is Window.SOON:
                minutes = rule.working_minutes()
                if minutes not in thresholds:
                    thresholds[minutes] = calendars.threshold(now, minutes)
                ids = sql.insert_crossings(rule=rule, now=now, threshold=thresholds[minutes])
            else:
                ids = sql.insert_crossings(rule=rule, now=now, since=since)
            report.crossings[str(rule.kind)] = len(ids)
            new_ids += ids
        requeued = sql.requeue_pending(
            now=now,
            older_than=now - dt.timedelta(minutes=settings.DEADLINE_REQUEUE_MINUTES),
            limit=settings.DEADLINE_REQUEUE_LIMIT,
        )
        report.requeued = len(requeued)
        batches = _chunks(sorted(new_ids + requeued), settings.DEADLINE_NOTIFY_BATCH_SIZE)
        report.batches = len(batches)
        if batches:
            transaction.on_commit(lambda: queue_notify_batches(batches))
    if report.total or report.requeued:
        logger.info("deadline sweep: %s", report.as_dict())
    return report


def queue_notify_batches(batches: list[list[int]]) -> None:
    """Queue one fan-out task per batch of crossing ids (called after the sweep commits)."""
    for done, batch in enumerate(batches):
        try:
            deadline_notify_task.delay(batch)
        except Exception:
            # The broker is down: the crossings stay un-notified and a later sweep queues them again.
            logger.exception("could not queue deadline notifications (%s of %s batches queued)", done, len(batches))
            return


# ------------------------------------------------------------------------------- fan-out


UNUSED_DOSSIER_COLUMNS = (
    "form_data",
    "snapshot",
    "search_text",
    "procedure__steps",
    "procedure__results",
    "procedure__legal_basis",
    "procedure__applicant_description",
    "procedure__conditions",
    "procedure__search_text",
)


def _still_current(rule: Rule, crossing: DeadlineCrossing, dossier: Dossier) -> bool:
    """The dossier still has the deadline that crossed, in a status where it counts."""
    return (
        dossier.status in rule.statuses
        and dossier.paused_at is None
        and getattr(dossier, rule.column) == crossing.deadline
    )


@transaction.atomic
def deadline_crossings_notify(*, crossing_ids: Sequence[int]) -> int:
    """Warn the people concerned by each crossing (onestop.deadlines.recipients); the number of messages.

    Set-based: the crossings with their dossiers (one query), their audience with its access scopes
    (three), the messages recorded together (`notify_users`: three, with its savepoint) and the
    crossings marked done (one) — a constant number of queries whatever the batch size.

    Safe to run twice or on two workers: rows already notified are skipped, rows another worker is
    handling are skipped (locked), and each message is recorded once (dedup key
    "deadline:<crossing id>|u<user>|<channel>"). A crossing whose dossier has moved on (resolved,
    extended, paused) is marked done without a message.
    """
    crossings = list(
        DeadlineCrossing.objects.filter(pk__in=list(crossing_ids), notified_at__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("dossier__procedure", "dossier__agency", "dossier__assignee__notification_preference")
        # The messages need none of the big columns: not read, not parsed (a snapshot is ~10 KB of JSON).
        .defer(*(f"dossier__{name}" for name in UNUSED_DOSSIER_COLUMNS))
        .order_by("pk")
    )
    if not crossings:
        return 0
    audience = audience_for(crossing.dossier for crossing in crossings)
    messages: list[Outgoing] = []
    for crossing in crossings:
        dossier = crossing.dossier
        if not _still_current(RULE_BY_KIND[crossing.kind], crossing, dossier):
            continue
        context = dossier_context(dossier=dossier, for_staff=True)
        context["due_at"] = crossing.deadline  # the step's or the check's deadline for those kinds
        for user in audience.recipients(kind=crossing.kind, dossier=dossier):
            # Each recipient's own link: a page they can open (the dossier; the scope is built).
            link = staff_link_for(user=user, dossier=dossier)
            messages.append(
                Outgoing(
                    user=user,
                    kind=TEMPLATES[crossing.kind],
                    context={**context, "link": link},
                    channels=STAFF_CHANNELS,
                    dedup_key=f"deadline:{crossing.pk}",
                    dossier=dossier,
                )
            )
    sent = len(notify_users(messages=messages))
    DeadlineCrossing.objects.filter(pk__in=[c.pk for c in crossings]).update(notified_at=timezone.now())
    return sent


# -------------------------------------------------------------------------------- digest

SUMMARY_LABELS = (
    ("open", _("Open dossiers")),
    ("due_soon", _("Due soon")),
    ("overdue", _("Overdue")),
    ("checked_late", _("Checked late")),
)


def _staff_home_url() -> str:
    try:
        return site_url() + reverse("onestop:home")
    except NoReverseMatch:
        return ""


def deadline_digest_send(*, now: dt.datetime | None = None) -> int:
    """Send each leader the day's counts of their agencies (with sub-agencies); the number of messages.

    Counts come from one aggregate query grouped by receiving agency, summed up the agency tree.
    One message per leader and day (dedup key "digest.daily:<date>"): running twice sends nothing
    more. No digest on an agency's non-working days; none for an agency with nothing open.
    """
    now = now or timezone.now()
    day = now.astimezone(VN_TZ).date()
    rule = RULE_BY_KIND[DeadlineKind.DUE_SOON]
    threshold = Calendars().threshold(now, rule.working_minutes())
    counts = deadline_counts_by_agency(now=now, due_soon=threshold)
    totals = roll_up(counts, dict(Agency.objects.values_list("pk", "parent_id")))
    leaders: dict[int, tuple[object, list[Agency]]] = {}
    for role in (
        StaffRole.objects.filter(role=Role.LEADER, active=True, agency__active=True, user__is_active=True)
        .select_related("agency", "user__notification_preference")
        .order_by("user_id", "agency__code")
    ):
        leaders.setdefault(role.user_id, (role.user, []))[1].append(role.agency)
    link = _staff_home_url()
    sent = 0
    for user, agencies in leaders.values():
        shown = [a for a in agencies if totals.get(a.pk) and calendar_for_agency(a).is_working_day(day)]
        if not shown:
            continue
        summary = []
        for agency in shown:
            agency_counts = totals[agency.pk]
            for name, label in SUMMARY_LABELS:
                # A leader of several agencies gets one message, each line naming its agency.
                text = format_lazy("{}: {}", agency.name, label) if len(shown) > 1 else label
                summary.append({"label": text, "value": getattr(agency_counts, name)})
        sent += len(
            notify_user(
                user=user,
                kind=DIGEST_KIND,
                context={"date": day, "summary": summary, "dossiers": [], "link": link},
                channels=STAFF_CHANNELS,
                dedup_key=f"{DIGEST_KIND}:{day.isoformat()}",
            )
        )
    return sent
