"""How the back office reads its queues fast (issue #17): the navigation's counts in one statement,
a page's ids from each branch's index then its rows by id, the home's first rows — the SQL behind
the queues that onestop.backoffice.queues defines (which dossiers wait for whom).

docs/performance.md ("Back-office queue", "Queue rows: the page's ids first") has the measurements
behind each choice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import cached_property, partial

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from procedures.models import Agency, Procedure

from .. import prepared
from ..access import AccessScope, leads_every_open_dossier
from ..models import Dossier
from ..paging import CountedRows, built
from ..search import search_values
from .queues import (
    QUEUES_BY_KEY,
    Queue,
    branches,
    due_soon_horizon,
    queue_dossiers,
    queue_parts,
    queues_for,
    start_of_day,
)

# A table row as plain values (no model instances: a quarter of the page's time at 25 rows): the
# dossier's own columns, and the names of its procedure, agencies and officer (ROW_NAMES).
ROW_COLUMNS = (
    "id", "code", "status", "channel", "applicant_name", "organisation_name", "applicant_phone", "submitted_at",
    "received_at", "check_due_at", "due_at", "step_due_at", "current_step", "agency_id", "step_agency_id",
    "assignee_id",
)  # fmt: skip
ROW_NAMES = {  # row key → (model, column, the dossier's foreign key)
    "procedure_code": (Procedure, "code", "procedure_id"),
    "procedure_name": (Procedure, "name", "procedure_id"),
    "agency_name": (Agency, "name", "agency_id"),
    "step_agency_name": (Agency, "name", "step_agency_id"),
    "assignee_name": (get_user_model(), "full_name", "assignee_id"),
    "assignee_email": (get_user_model(), "email", "assignee_id"),
}
ROW_VALUES = (*ROW_COLUMNS, *ROW_NAMES)


def row_values(ids: Iterable[int]) -> dict[int, dict]:
    """The table rows (ROW_VALUES) of these dossiers, by id, in ONE query: the dossiers by primary
    key, each name a scalar sub-select on a primary key. No joins: with a join per relation,
    PostgreSQL spent ≈ 3 ms planning the join order over onestop_dossier's indexes, more than the
    page's rows took to read (docs/performance.md, "Queue rows: the page's ids first"). On PostgreSQL
    the statement is compiled once (`id = ANY(%s)`: one text whatever the number of ids) and prepared
    once per database session (onestop.prepared.execute_typed)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    found = prepared.rows_by_ids("queue rows", _row_values_query, '"onestop_dossier"."id"', ids)
    if found is None:  # SQLite (its dates need the ORM's converters)
        return {row["id"]: row for row in _row_values_query(ids)}
    names, rows = found
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}


def _row_values_query(ids: list[int]) -> QuerySet[dict]:
    names = {
        key: Subquery(model.objects.filter(pk=OuterRef(foreign_key)).order_by().values(column))
        for key, (model, column, foreign_key) in ROW_NAMES.items()
    }
    return Dossier.objects.filter(pk__in=ids).order_by().values(*ROW_COLUMNS, **names)


# The first pages of an unfiltered queue are read by a prepared statement (QueueRows.first).
FIRST_IDS_MAX = 100
FIRST_IDS_STEP = 25


class QueueRows:
    """A queue's dossiers (filtered and ordered) as table rows, for a Paginator: a page is read in two
    steps — the page's ids in the queue's order, a query on the dossier table alone that PostgreSQL
    answers from the queue's indexes, then those rows with their names (`row_values`). Written as
    one query with the joins, PostgreSQL fetched and joined every candidate dossier (420 for the
    receptionist's inbox at 1M) to keep 25.

    `first` (optional, an unfiltered queue in its own order): a page among the first FIRST_IDS_MAX
    rows comes from `first(limit=stop)` — `first_ids`, the compiled, prepared statement.

    `parts` (optional): the same dossiers as one QuerySet per branch of the queue's condition, each in
    the same order (`queue_parts`). On PostgreSQL the page's ids are then the first rows of the UNION
    of each branch's first rows (`page_ids_sql`): each branch is read in the order of its own index
    and stops early, where the OR of the branches made PostgreSQL fetch every candidate from the heap
    and sort them all (the desk's overdue queue: 10 ms → 1.3 ms at 1M dossiers).

    `search` (optional, with `page`: a text search alone, in the queue's order): `search(window)` reads
    the page's ids and the count by a statement compiled once per scope, queue and page (`searched_ids`),
    or answers None (not PostgreSQL, or past the last page): the page is then read as below.

    `chosen` (optional: filters chosen from lists, ChoiceReads): the count and a page's ids by
    statements compiled once per scope, queue and choices, or None (then as below).

    `page` (optional, a search): (the ?page= asked for, rows a page). A search must read every
    candidate from the heap to test it, for its count as for its page, so the count is read with that
    page's ids in one statement over the whole condition (onestop.paging.CountedRows), not by a
    second statement doing the same work again (the desk's overdue queue searched: SQL 14.1 → 8.0 ms
    at 1M dossiers). The whole condition, not the UNION of the branches (`parts`), which would then
    be read whole and de-duplicated."""

    ordered = True

    def __init__(self, dossiers: QuerySet[Dossier] | Callable[[], QuerySet[Dossier]], *,
                 parts: list[QuerySet[Dossier]] | None = None,
                 deadline: str = "", first: Callable[..., list[int]] | None = None,
                 page: tuple[object, int] | None = None,
                 search: Callable[[tuple[int, int]], tuple[list[int], int] | None] | None = None,
                 chosen: ChoiceReads | None = None) -> None:  # fmt: skip
        self._dossiers = dossiers
        self.parts = parts if parts and len(parts) > 1 and deadline else None
        self.deadline = deadline
        self.first = first
        self.counted = counted_ids(dossiers, page) if page is not None else None
        self.search = search if self.counted is not None else None
        self.searched_asked = False
        self.found: tuple[list[int], int] | None = None
        self.chosen = chosen

    @cached_property
    def dossiers(self) -> QuerySet[Dossier]:
        """The rows as the ORM reads them (built when first needed, if given as a function)."""
        return built(self._dossiers)

    def _searched(self) -> tuple[list[int], int] | None:
        """The page asked for and the count from the compiled search (`search`), if it answers (asked once)."""
        if self.search is not None and not self.searched_asked:
            self.searched_asked, self.found = True, self.search(window=self.counted.window)
        return self.found

    def count(self) -> int:
        if (searched := self._searched()) is not None:
            return searched[1]
        if self.chosen is not None and (count := self.chosen.count()) is not None:
            return count
        return self.counted.count() if self.counted is not None else self.dossiers.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        if not isinstance(window, slice) or window.step is not None or window.stop is None:
            raise TypeError("QueueRows reads pages: slice it [start:stop]")
        start = window.start or 0
        held = self.counted.held(window) if self.counted is not None else None
        searched = self._searched()
        if searched is not None and start == self.counted.window[0] and window.stop <= self.counted.window[1]:
            ids = searched[0][: window.stop - start]  # the page read with the count, by the compiled search
        elif held is not None:  # the page read with the count
            ids = [dossier.pk for dossier in held]
        elif self.first is not None and window.stop <= FIRST_IDS_MAX:  # an unfiltered queue's first pages
            # In whole steps, so that a short last page reuses its page's statement (one per scope and step).
            limit = -(-window.stop // FIRST_IDS_STEP) * FIRST_IDS_STEP
            ids = self.first(limit=limit)[start : window.stop]
        elif self.chosen is not None and (chosen := self.chosen.ids(start, window.stop)) is not None:
            ids = chosen
        elif self.parts is not None and connection.vendor == "postgresql":
            statement = page_ids_sql(self.parts, self.deadline, start, window.stop)
            ids = []
            if statement is not None:
                with connection.cursor() as cursor:
                    cursor.execute(*statement)
                    ids = [row[0] for row in cursor.fetchall()]
        else:
            ids = list(self.dossiers.values_list("pk", flat=True)[start : window.stop])
        found = row_values(ids)
        return [found[pk] for pk in ids if pk in found]  # a dossier deleted in between is left out


def counted_ids(dossiers: QuerySet[Dossier] | Callable[[], QuerySet[Dossier]], page: tuple[object, int]) -> CountedRows:
    """A searched queue's ids of `page` — (the ?page= asked for, rows a page) — read with their count
    (`dossiers` built when first read, if given as a function)."""
    return CountedRows(lambda: built(dossiers).select_related(None).only("pk"), number=page[0], per_page=page[1])


def as_rows(dossiers: QuerySet[Dossier] | Callable[[], QuerySet[Dossier]], **kwargs) -> QueueRows:
    """A queue's dossiers as the values a table row shows (ROW_VALUES), read a page at a time."""
    return QueueRows(dossiers, **kwargs)


def rows_for(
    queue_filter, *, scope: AccessScope, queue: Queue, now: dt.datetime, page: tuple[object, int]
) -> QueueRows:
    """The queue page's rows under the request's filters (a filters.DossierQueueFilter on the queue's
    dossiers), read the fastest way that request allows: the queue as it is from the home's prepared
    statement (first_ids); a search with its count, words alone by a statement compiled once
    (searched_ids); filters chosen from lists by statements compiled once (ChoiceReads); any other
    filter branch by branch (QueueRows `parts`). `page`: (the ?page= asked for, rows a page)."""

    def dossiers() -> QuerySet[Dossier]:  # built only where the page is read through the ORM
        return queue_filter.qs

    if not (queue_filter.is_bound and queue_filter.is_filtered) and queue_filter.in_queue_order:
        return as_rows(dossiers, first=partial(first_ids, scope=scope, queue=queue, now=now))
    if queue_filter.searched:
        # A search reads every candidate anyway: its count comes with the page asked for, from the
        # whole condition at once (QueueRows `page`); the branches are not read apart.
        text = queue_filter.text_search
        build = queue_filter.searched_for
        search = partial(searched_ids, scope=scope, queue=queue, now=now, query=text, build=build) if text else None
        return as_rows(dossiers, page=page, search=search)
    branches_of = partial(queue_parts, queue=queue, scope=scope, now=now)
    if queue_filter.choices is not None:
        chosen = ChoiceReads(
            key=(scope_key(scope), queue.key, queue_filter.choices),
            now=now,
            deadline=queue.deadline,
            build=lambda: (dossiers(), queue_filter.parts(branches_of())),
        )
        return as_rows(dossiers, deadline=queue.deadline, chosen=chosen)
    return as_rows(dossiers(), parts=queue_filter.parts(branches_of()), deadline=queue.deadline)


def page_ids_sql(parts: list[QuerySet[Dossier]], deadline: str, start: int, stop: int) -> tuple[str, list] | None:
    """(SQL, parameters) of the ids [start:stop] of the union of `parts` in the order (deadline, none
    last; id): the page is among the first `stop` rows of each part, so each part stops there."""
    pieces, params = [], []
    for part in parts:
        try:
            sql, part_params = part.values("id", deadline)[:stop].query.sql_with_params()
        except EmptyResultSet:  # a branch on an empty list of agencies
            continue
        pieces.append(f"({sql})")
        params.extend(part_params)
    if not pieces:
        return None
    union = " UNION ".join(pieces)  # UNION, not ALL: a dossier in two branches is one row
    order = f'page."{deadline}" ASC NULLS LAST, page."id" ASC'
    window = f"LIMIT {int(stop) - int(start)} OFFSET {int(start)}"
    select = f'page.id, page."{deadline}"'
    return f"SELECT {select} FROM ({union}) AS page ORDER BY {order} {window}", params  # noqa: S608 — Django's SQL


def _statuses(branch: Q) -> frozenset[str] | None:
    """The statuses a branch is limited to (None: not limited, as far as its own terms say)."""
    if branch.connector != Q.AND or branch.negated:
        return None
    for child in branch.children:
        if isinstance(child, tuple) and child[0] == "status":
            return frozenset([child[1]])
        if isinstance(child, tuple) and child[0] == "status__in":
            return frozenset(child[1])
    return None


def count_sql(condition: Q) -> tuple[str, list]:
    """`SELECT COUNT(*)` of the dossiers matching `condition`, each OR-ed branch on its own index.

    Written as one WHERE … OR …, PostgreSQL ORs bitmaps and must then visit every candidate row in
    the heap (a bitmap scan is never index-only): 2,500 heap pages for the head of unit's "due soon"
    at 1M dossiers (docs/performance.md, issue #17). Branches limited to disjoint statuses (the inbox:
    submitted, or received by post), or marked disjoint (queues.disjoint: the province leader's deadline
    queues), are counted apart and added up — each an index-only count; others
    may share dossiers (overdue on the appointment and on the step) and are counted as the UNION of
    each branch's ids, each an index-only scan of a partial index that includes the id."""
    parts = []
    for branch in branches(condition):
        try:
            parts.append((branch, Dossier.objects.filter(branch).order_by().values("pk").query.sql_with_params()))
        except EmptyResultSet:  # a branch on an empty list of agencies: nothing to count there
            continue
    if not parts:
        return "SELECT 0", []
    statuses = [_statuses(branch) for branch, _sql in parts]
    disjoint = getattr(condition, "branches_disjoint", False) or (
        all(s is not None for s in statuses) and sum(len(s) for s in statuses) == len(frozenset().union(*statuses))
    )
    params = [p for _branch, (_sql, query_params) in parts for p in query_params]
    if disjoint:
        counts = [f"(SELECT COUNT(*) FROM ({sql}) AS part)" for _branch, (sql, _params) in parts]  # noqa: S608
        return "SELECT " + " + ".join(counts), params
    union = " UNION ".join(sql for _branch, (sql, _params) in parts)  # no ORDER BY or LIMIT: SQLite takes it too
    return f"SELECT COUNT(*) FROM ({union}) AS found", params  # noqa: S608


# Compiled count statements per scope (the SQL text and where the request's times go in its
# parameters): compiling the queues' conditions through the ORM cost ≈ 3 ms of CPU a page, more than
# the counts themselves. The text depends only on the user's roles; the times are set per request.
_COUNT_STATEMENTS: dict[tuple, tuple[str, list, list[tuple[int, str]], list]] = {}
_COUNT_STATEMENTS_MAX = 2048


def scope_key(scope: AccessScope) -> tuple:
    """Everything a queue's condition reads of the scope (onestop.access), as a hashable key."""
    return (
        scope.user.pk,
        tuple(sorted((role, tuple(sorted(ids))) for role, ids in scope.roles.items())),
        tuple(sorted(scope.led)),
        tuple(sorted(scope.not_led)),
        leads_every_open_dossier(scope),
    )


def _moments(now: dt.datetime) -> dict[str, dt.datetime]:
    """The times a condition derives from `now`: itself, the due-soon horizon, local midnight."""
    return {"now": now, "horizon": due_soon_horizon(now), "midnight": start_of_day(now)}


def _counts_statement(scope: AccessScope, now: dt.datetime) -> tuple[str, list, list, list]:
    """(SQL, parameters, the slots of the request's times in them, the applicable queues) of
    queue_counts, compiled once per scope."""
    # PostgreSQL only: there the compiled parameters are the datetimes themselves (SQLite's are
    # already strings, which cannot be told apart safely); the embedded SQLite demo compiles each time.
    reuse = connection.vendor == "postgresql"
    key = scope_key(scope) if reuse else None
    entry = _COUNT_STATEMENTS.get(key) if reuse else None
    if entry is None:
        moments = _moments(now)
        applicable = queues_for(scope=scope, now=now)
        parts: list[str] = []
        params: list = []
        for _queue, condition in applicable:
            sql, query_params = count_sql(condition)
            parts.append(f"({sql})")
            params.extend(query_params)
        by_value = {value: name for name, value in moments.items()}
        slots = [(i, by_value[p]) for i, p in enumerate(params) if isinstance(p, dt.datetime) and p in by_value]
        if not reuse or any(isinstance(p, dt.datetime) and p not in by_value for p in params):
            return "SELECT " + ", ".join(parts), params, None, [queue for queue, _c in applicable]  # not reusable
        entry = ("SELECT " + ", ".join(parts), params, slots, [queue.key for queue, _c in applicable])
        if len(_COUNT_STATEMENTS) >= _COUNT_STATEMENTS_MAX:
            _COUNT_STATEMENTS.clear()
        _COUNT_STATEMENTS[key] = entry
    sql, params, slots, keys = entry
    return sql, params, slots, [QUEUES_BY_KEY[k] for k in keys]


def queue_counts(*, scope: AccessScope, now: dt.datetime | None = None) -> dict[str, int]:
    """The number of dossiers in each applicable queue, in ONE SQL statement.

    One scalar sub-select per queue (`SELECT (SELECT COUNT(*) …), (SELECT COUNT(*) …), …`): each
    counts on its own indexes (`count_sql`). A single scan with conditional aggregates
    (`COUNT(*) FILTER (WHERE …)`) would have to read the union of all queues — every visible dossier
    due or in hand — and was slower at 1M dossiers (docs/performance.md, "Back-office queue"). On
    PostgreSQL a prepared statement per scope and connection (onestop.prepared).
    """
    now = now or timezone.now()
    sql, params, slots, applicable = _counts_statement(scope, now)
    if not applicable:
        return {}
    with connection.cursor() as cursor:
        # The fragments are Django-compiled queries with placeholders; the values go as parameters.
        prepared.execute(cursor, sql, params, slots, _moments(now) if slots else {})
        row = cursor.fetchone()
    return {queue.key: int(value) for queue, value in zip(applicable, row, strict=True)}


# A leader who only reads (issue #12: no processing or postal role) sees counts up to this old, from the
# shared cache: the province's leader counts ≈ 25,000 open dossiers a page (6–7 ms of exact counting at
# 1M dossiers, docs/performance.md "sixth pass"), and does not act on them, so no count of theirs has to
# follow an action of their own. The page says when they were counted; the rows are always read live.
KEPT_COUNTS_SECONDS = 30
logger = logging.getLogger(__name__)


def navigation_counts(*, scope: AccessScope, now: dt.datetime) -> tuple[dict[str, int], dt.datetime | None]:
    """The navigation's counts (queue_counts) and, for a leader who only reads, when they were counted:
    kept in the shared cache for KEPT_COUNTS_SECONDS (see above). Everyone who acts on dossiers gets
    the counts as they are now (None: counted now), so that their own action shows at once."""
    if not scope.led or scope.acts_on_dossiers:
        return queue_counts(scope=scope, now=now), None
    key = kept_counts_key(scope)
    try:
        kept = cache.get(key)
    except Exception:  # a cache outage costs the exact count, not the page
        logger.warning("queue counts cache unavailable: counting now", exc_info=True)
        kept = None
    if kept is not None and dt.timedelta(0) <= now - kept[0] < dt.timedelta(seconds=KEPT_COUNTS_SECONDS):
        return kept[1], kept[0]
    counts = queue_counts(scope=scope, now=now)
    try:
        cache.set(key, (now, counts), KEPT_COUNTS_SECONDS)
    except Exception:
        logger.warning("queue counts cache unavailable: not kept", exc_info=True)
    return counts, now


def kept_counts_key(scope: AccessScope) -> str:
    """The shared cache's key of a scope's kept counts (one per user and roles: scope_key)."""
    return "dvc:queue-counts:" + hashlib.sha1(repr(scope_key(scope)).encode(), usedforsecurity=False).hexdigest()


_ROW_STATEMENTS: dict[tuple, tuple[str, list, list[tuple[int, str]]]] = {}


def first_rows(*, scope: AccessScope, queues: list[Queue], now: dt.datetime, limit: int) -> dict[str, list[dict]]:
    """The first `limit` rows (ROW_VALUES) of each queue — the back office's home.

    On PostgreSQL in two statements: every queue's first ids in one (`SELECT 'inbox', t.id FROM (…
    LIMIT 5) t UNION ALL …`, compiled once per scope like the counts: the ORM compiled seven queries
    a home page, ≈ 7 ms of CPU, issue #17), then their rows (`row_values`); elsewhere the ids one
    query per queue."""
    if connection.vendor != "postgresql" or not queues:
        ids = {q.key: list(queue_dossiers(queue=q, scope=scope, now=now).values_list("pk", flat=True)[:limit])
               for q in queues}  # fmt: skip
    else:
        ids = _first_ids(scope=scope, queues=queues, now=now, limit=limit)
    found = row_values({pk for keys in ids.values() for pk in keys})
    return {key: [found[pk] for pk in keys if pk in found] for key, keys in ids.items()}


def _first_ids(*, scope: AccessScope, queues: list[Queue], now: dt.datetime, limit: int) -> dict[str, list[int]]:
    key = (scope_key(scope), tuple(q.key for q in queues), limit)
    moments = _moments(now)
    entry = _ROW_STATEMENTS.get(key)
    if entry is None:
        parts, params = [], []
        for queue in queues:
            branch_parts = queue_parts(queue=queue, scope=scope, now=now)
            if len(branch_parts) > 1:  # each branch on its own index (QueueRows)
                statement = page_ids_sql(branch_parts, queue.deadline, 0, limit)
                if statement is None:
                    continue
                sql, query_params = statement
            else:
                ids = queue_dossiers(queue=queue, scope=scope, now=now).values("id", queue.deadline)[:limit]
                try:
                    sql, query_params = ids.query.sql_with_params()
                except EmptyResultSet:  # a condition on an empty list of agencies
                    continue
            deadline = f't."{queue.deadline}"'
            parts.append(f"SELECT %s AS queue_key, t.id, {deadline} FROM ({sql}) AS t")  # noqa: S608 — Django's SQL
            params.extend([queue.key, *query_params])
        by_value = {value: name for name, value in moments.items()}
        slots = [(i, by_value[p]) for i, p in enumerate(params) if isinstance(p, dt.datetime) and p in by_value]
        if any(isinstance(p, dt.datetime) and p not in by_value for p in params):  # not reusable
            entry = (" UNION ALL ".join(parts), params, None)
        else:
            entry = (" UNION ALL ".join(parts), params, slots)
            if len(_ROW_STATEMENTS) >= _COUNT_STATEMENTS_MAX:
                _ROW_STATEMENTS.clear()
            _ROW_STATEMENTS[key] = entry
    sql, params, slots = entry
    out: dict[str, list[int]] = {q.key: [] for q in queues}
    if not sql:  # every queue on an empty list of agencies
        return out
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params, slots, moments)
        found = cursor.fetchall()
    # Each queue's order (deadline, none last, then id), whatever order the statement gave its parts in.
    for queue_key, pk, _deadline in sorted(found, key=lambda row: (row[2] is None, row[2] or now, row[1])):
        out[queue_key].append(pk)
    return out


def first_ids(*, scope: AccessScope, queue: Queue, now: dt.datetime, limit: int) -> list[int]:
    """The first `limit` ids of a queue, unfiltered, in its order: on PostgreSQL the home's statement
    for this queue alone, compiled once per scope and prepared (`_first_ids`) — no ORM compiling and
    no planning on the pages staff open most (a queue's first pages, unfiltered)."""
    if connection.vendor != "postgresql":
        return list(queue_dossiers(queue=queue, scope=scope, now=now).values_list("pk", flat=True)[:limit])
    return _first_ids(scope=scope, queues=[queue], now=now, limit=limit)[queue.key]


# A searched queue's statement, compiled once per scope, queue and page for a search that stands for
# every search (`searched_ids`). These words are in no dossier's text, and nothing else in the statement
# contains them: each parameter equal to one of their search values becomes that value's slot.
SEARCH_STAND_IN = "dvc search stand in 7f3c"
_SEARCH_STATEMENTS: dict[tuple, tuple[str, list, list[tuple[int, str]]] | None] = {}


def searched_ids(*, scope: AccessScope, queue: Queue, now: dt.datetime, query: str, window: tuple[int, int],
                 build: Callable[[str], QuerySet[Dossier]]) -> tuple[list[int], int] | None:  # fmt: skip
    """The ids of the rows [start, stop) of `window` of a queue searched for the words `query` alone,
    in its order, and how many are found, in ONE statement compiled once — or None where it cannot
    answer (not PostgreSQL, a page past the last one): the caller reads them through the ORM.

    `build(words)` is the queue's dossiers as a request searching for `words` alone reads them
    (filters.DossierQueueFilter.searched_for); it is compiled once per scope, queue and page with
    SEARCH_STAND_IN, whose search values (onestop.search.search_values) and the request's times become
    the statement's parameters: compiling the searched statement through the ORM took ≈ 2 ms of the
    desk's overdue search, more than reading it (docs/performance.md, eighth pass). It is planned for
    each request's values, not prepared: a generic plan reads `due_at < $1` as a third of the table
    and chose bitmaps of whole indexes (1.6 → 3.3 ms)."""
    found = prepared.run_compiled(
        _SEARCH_STATEMENTS,
        (scope_key(scope), queue.key, window),
        lambda: _searched_statement(build, now, window),
        {**_moments(now), **search_values(query)},
    )
    if found is None:
        return None
    if not found:  # nothing found (the first page), or past the last page: the ORM's reading says which
        return ([], 0) if window[0] == 0 else None
    return [row[0] for row in found], int(found[0][1])


def _searched_statement(build: Callable[[str], QuerySet[Dossier]], now: dt.datetime,
                        window: tuple[int, int]) -> tuple[str, list, list[tuple[int, str]]] | None:  # fmt: skip
    """(SQL, parameters, slots) of searched_ids, or None if the compiled statement does not take the
    search's values and the request's times as parameters alone."""
    per_page = window[1] - window[0]
    counted = counted_ids(build(SEARCH_STAND_IN), (window[0] // per_page + 1, per_page))
    # The ORM's own statement for the page (each row: the id, the count).
    return prepared.slotted(
        lambda: counted.page_query().query.sql_with_params(), _moments(now), search_values(SEARCH_STAND_IN)
    )


# A queue's statements under filters chosen from lists, compiled once (ChoiceReads): key → (SQL,
# parameters, slots of the request's times), or None where they cannot be reused.
_CHOICE_STATEMENTS: dict[tuple, tuple[str, list, list[tuple[int, str]]] | None] = {}


class ChoiceReads:
    """A queue's count and pages under filters chosen from lists (filters.DossierQueueFilter.choices: an
    agency, a procedure, a status, an order…), by statements compiled once per scope, queue and
    choices, the request's times their only parameters. Compiling them through the ORM — the count, each
    branch under the filters, the page's UNION — took ≈ 3 ms of a province leader's queue filtered by
    one department, more than reading it (docs/performance.md, eighth pass). Planned for each request's
    values, like the text search (searched_ids). The key holds every value the statements are compiled
    with (the scope, the queue, the choices — an agency as the agencies it stands for). Not on SQLite,
    nor for a statement that takes another time, each method answers None: the caller reads through
    the ORM.

    `build()` → (the filtered dossiers in the page's order, the filtered branches or None:
    DossierQueueFilter.qs and .parts), called only to compile."""

    def __init__(self, *, key: tuple, now: dt.datetime, deadline: str,
                 build: Callable[[], tuple[QuerySet[Dossier], list[QuerySet[Dossier]] | None]]) -> None:  # fmt: skip
        self.key, self.now, self.deadline, self.build = key, now, deadline, build
        self._built: tuple | None = None

    def count(self) -> int | None:
        def compile_count() -> tuple[str, list]:
            sql, params = self._dossiers()[0].order_by().values("pk").query.sql_with_params()
            return f"SELECT COUNT(*) FROM ({sql}) AS found", params  # noqa: S608 — Django's SQL

        found = self._run(("count",), compile_count)
        return None if found is None else int(found[0][0])

    def ids(self, start: int, stop: int) -> list[int] | None:
        def compile_ids() -> tuple[str, list] | None:
            dossiers, parts = self._dossiers()
            if parts:  # each branch on its own index (QueueRows)
                return page_ids_sql(parts, self.deadline, start, stop)
            return dossiers.values_list("pk")[start:stop].query.sql_with_params()

        found = self._run(("ids", start, stop), compile_ids)
        return None if found is None else [row[0] for row in found]

    def _dossiers(self) -> tuple[QuerySet[Dossier], list[QuerySet[Dossier]] | None]:
        if self._built is None:
            self._built = self.build()
        return self._built

    def _run(self, what: tuple, compile_statement: Callable[[], tuple[str, list] | None]) -> list[tuple] | None:
        return prepared.run_compiled(
            _CHOICE_STATEMENTS,
            (*self.key, *what),
            lambda: prepared.slotted(compile_statement, _moments(self.now)),
            _moments(self.now),
        )
