"""The working calendar built from the database: ``calendar_for_agency`` and its per-process cache.

``calendar_for_agency(agency)`` returns the engine's ``WorkingCalendar`` with the ``CalendarOverride``
rows (which win over the ``holidays`` package) and the working hours of the agency, or of its nearest
ancestor that has its own ``AgencyWorkingHours``, or the default schedule (DESIGN §4.3).

Caching. Each process keeps one snapshot of the calendar data (overrides, working hours, the agency
tree's parent links) and the calendars built from it, so that a call costs one cache read and
calendars keep their per-day memo. Within a request the version is read once (the first call) and the
request keeps it: a page that looks up the calendars of many agencies (an oversight queue: a row's
lateness in its agency's calendar) costs one cache read, not one per row — with Redis ≈ 0.3 ms each
(issue #17). A request sees one version of the calendar throughout; outside requests (tasks, shell,
tests) every call reads it. The snapshot is tagged with a version token stored in Django's
cache (Redis in production, shared by every gunicorn and Celery process):

* a save or delete of an override, working hours or an agency (signals in ``onestop.models``)
  writes a new token when its transaction commits, so every process rebuilds on its next call;
* the token is read *before* the data, so a snapshot loaded while a change commits carries the old
  token and is replaced on the next call;
* a process that changed calendar data in a transaction still open reads its own changes: it
  builds a private calendar per call (never kept) until the transaction ends;
* a missing token (first use, evicted) is created anew; the cache unreachable: a fresh calendar
  per call, nothing kept (correct, slower);
* a snapshot is never older than ``MAX_AGE`` seconds: a bound on staleness should a change bypass
  the signals (``QuerySet.update``, raw SQL) or the cache be per process (``locmemcache://`` with
  several processes, see docs/configuration.md ``CACHE_URL``).

Measured on this machine (2 cores; three agencies, one with its own hours): a cached call costs one
cache read, ≈ 6 µs with the local-memory cache and ≈ 0.2–0.3 ms with Redis; a rebuild (2–3 queries
and a new calendar) ≈ 0.6 ms on SQLite and ≈ 1.1–1.3 ms on PostgreSQL, and starts with an empty
per-day memo (a 3-day due date: ≈ 45 µs on a warm calendar, ≈ 0.7–1.2 ms in all with a rebuild).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from procedures.models import Agency

from .engine import WorkingCalendar
from .hours import WorkingHours

__all__ = [
    "MAX_AGE",
    "VERSION_CACHE_KEY",
    "CalendarRegistry",
    "calendar_data_changed",
    "calendar_for_agency",
    "working_hours_source",
]

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "onestop:workcalendar:version"
MAX_AGE = 300  # seconds


class _Snapshot:
    """The calendar data of one version, and the calendars built from it (one per working-hours owner)."""

    def __init__(
        self,
        version: str | None,
        overrides: tuple,
        hours: dict[int, WorkingHours],
        parents: dict[int, int | None],
    ) -> None:
        self.version = version
        self.loaded_at = time.monotonic()
        self.overrides = overrides
        self.hours = hours
        self.parents = parents
        self._calendars: dict[int | None, WorkingCalendar] = {}

    @classmethod
    def load(cls, version: str | None) -> _Snapshot:
        from onestop.models import AgencyWorkingHours, CalendarOverride

        overrides = tuple(row.to_override() for row in CalendarOverride.objects.order_by("date"))
        hours: dict[int, WorkingHours] = {}
        for row in AgencyWorkingHours.objects.all():
            try:
                hours[row.agency_id] = row.to_working_hours()
            except ValueError:
                # Saved around validation (clean() rejects it): the agency inherits instead of
                # stopping every due-date computation of the province.
                logger.exception("invalid working hours of agency %s ignored", row.agency_id)
        # The tree is needed only to find inherited hours.
        parents = dict(Agency.objects.values_list("pk", "parent_id")) if hours else {}
        return cls(version, overrides, hours, parents)

    def owner_of(self, agency: Agency | None) -> int | None:
        """The id of the agency whose working hours apply: itself or its nearest ancestor with some; None = default."""
        if agency is None or not self.hours:
            return None
        node: int | None = agency.pk
        # An agency created after the snapshot was loaded: follow its own parent link first.
        if node not in self.parents and node not in self.hours:
            node = agency.parent_id
        seen: set[int] = set()
        while node is not None and node not in seen:
            if node in self.hours:
                return node
            seen.add(node)
            node = self.parents.get(node)
        return None

    def calendar_for(self, agency: Agency | None) -> WorkingCalendar:
        owner = self.owner_of(agency)
        calendar = self._calendars.get(owner)
        if calendar is None:
            hours = self.hours.get(owner) if owner is not None else None
            calendar = self._calendars[owner] = WorkingCalendar(hours, self.overrides)
        return calendar


class CalendarRegistry:
    """One per process (module-level ``_registry``); tests create more to play other processes."""

    def __init__(self, *, max_age: float = MAX_AGE, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._clock = clock
        self._snapshot: _Snapshot | None = None
        # Per thread, as transactions are: this thread's open transaction changed calendar data.
        self._local = threading.local()

    # ------------------------------------------------------------------ reads

    def snapshot(self) -> _Snapshot:
        if getattr(self._local, "dirty", False):
            if transaction.get_connection().in_atomic_block:
                return _Snapshot.load(version=None)  # our own uncommitted changes: not shared
            self._local.dirty = False  # the transaction ended without commit: rolled back
        version = self._current_version()
        if version is None:
            return _Snapshot.load(version=None)
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != version or self._clock() - snapshot.loaded_at > self.max_age:
            snapshot = _Snapshot.load(version)  # the version is read before the data (see the module doc)
            snapshot.loaded_at = self._clock()
            self._snapshot = snapshot
        return snapshot

    def calendar_for_agency(self, agency: Agency | None = None) -> WorkingCalendar:
        return self.snapshot().calendar_for(agency)

    # ----------------------------------------------------------------- writes

    def data_changed(self) -> None:
        """Called when calendar data was saved or deleted (signals in ``onestop.models``)."""
        if transaction.get_connection().in_atomic_block:
            self._local.dirty = True
        # Right away in autocommit mode; otherwise when (and only if) the transaction commits.
        transaction.on_commit(self._committed)

    def _committed(self) -> None:
        self._local.dirty = False
        self._snapshot = None
        if getattr(self._local, "request_version", None) is not None:
            self._local.request_version = _UNREAD  # this request's own change: read the new version
        try:
            cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # a cache outage must not fail the commit that already happened
            logger.exception(
                "could not publish the new working-calendar version; other processes catch up in %ss", self.max_age
            )

    def reset(self) -> None:
        """Forget this process's snapshot (tests)."""
        self._snapshot = None
        self._local.dirty = False

    # ------------------------------------------------------------------ requests

    def request_started(self) -> None:
        """From now on in this thread the version is read once, at the first call (see the module doc)."""
        self._local.request_version = _UNREAD

    def request_finished(self) -> None:
        self._local.request_version = None

    def _current_version(self) -> str | None:
        kept = getattr(self._local, "request_version", None)
        if kept is not None and kept is not _UNREAD:
            return kept
        version = self._read_version()
        if kept is _UNREAD and version is not None:
            self._local.request_version = version
        return version

    def _read_version(self) -> str | None:
        try:
            version = cache.get(VERSION_CACHE_KEY)
            if version is None:
                # First use, or evicted: start a new version (add() keeps a concurrent one).
                cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
                version = cache.get(VERSION_CACHE_KEY)
        except Exception:
            logger.exception("working-calendar cache unavailable: building the calendar for this call only")
            return None
        return version


_UNREAD = object()  # in a request, the version not read yet
_registry = CalendarRegistry()


def _request_started(sender, **kwargs) -> None:
    _registry.request_started()


def _request_finished(sender, **kwargs) -> None:
    _registry.request_finished()


request_started.connect(_request_started, dispatch_uid="onestop.workcalendar.request_started")
request_finished.connect(_request_finished, dispatch_uid="onestop.workcalendar.request_finished")


def calendar_for_agency(agency: Agency | None = None) -> WorkingCalendar:
    """The working calendar of ``agency`` (None = the default schedule), with the overrides.

    The calendar is shared within the process: use it, do not modify it.
    """
    return _registry.calendar_for_agency(agency)


def working_hours_source(agency: Agency | None = None) -> Agency | None:
    """The agency whose ``AgencyWorkingHours`` apply to ``agency`` (itself or an ancestor); None = default."""
    owner = _registry.snapshot().owner_of(agency)
    if owner is None:
        return None
    if agency is not None and owner == agency.pk:
        return agency
    return Agency.objects.get(pk=owner)


def calendar_data_changed() -> None:
    _registry.data_changed()
