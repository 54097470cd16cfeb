"""Server-side prepared statements for the back office's statements compiled once per scope (the queue
counts and the home's first ids, onestop.backoffice.queues), on PostgreSQL; and the runner of the
statements compiled once and run with each request's values (run_compiled, slotted: the queues'
searches and filters, the postal clerk's counts and name search), whose ORM compiling cost more than
their reading.

Those statements are long (a sub-select per queue, an index branch per deadline): PostgreSQL spent
7–14 ms planning the receptionist's counts on every page at 1M dossiers, more than it took to run them
(docs/performance.md, "Queue rows: the page's ids first"). Prepared once per database connection,
the statement is planned once, generically, and that plan is kept for the session
(`plan_cache_mode = force_generic_plan`, set on each new database session). The generic plan
must still see the partial indexes, so the constants (agency ids, statuses) are written into the
statement's text — a generic plan cannot prove that `status = $1` matches an index's predicate — and
only the request's times are parameters, each compared within a range (e.g. received since midnight
*and until now*: an open-ended `received_at >= $1` reads as a third of the table to a generic plan).

PostgreSQL's own rule (`auto`: custom plans for five executions, then the generic plan if it is
estimated no dearer) kept re-planning a head of unit's and a province leader's counts on every page:
their generic estimates were higher, though the plans ran as fast (EXPLAIN ANALYZE at 1M dossiers:
the head of unit's counts 4.5 ms planning + 4.5 ms running with custom plans, 3.7 ms running with the
generic one; docs/performance.md, "fifth pass"). Only this module's statements are prepared on the
server (psycopg2 sends every other query as text), so the setting concerns them alone.

A connection pooler in transaction mode (PgBouncer < 1.21) does not keep a session's prepared
statements: DB_PREPARED_STATEMENTS=false turns this off (docs/configuration.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import QuerySet

# Statement text → (name, parameter types' list): the text depends only on the user's scope.
_TEXTS: dict[str, tuple[str, str, list[str]]] = {}
_TEXTS_MAX = 4096


def _new_session(sender, connection, **kwargs) -> None:
    """A new database session holds no prepared statement, and plans them generically (see above). Set
    here, in autocommit as Django opens the session: a SET inside a transaction that is rolled back
    would be undone. Connected when the app is ready (onestop.apps), before any session opens."""
    connection.dvc_prepared = None
    if connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")


connection_created.connect(_new_session, dispatch_uid="onestop.prepared")


def enabled() -> bool:
    return connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS


def execute(cursor, sql: str, params: list, slots: list[tuple[int, str]] | None, moments: dict, *,
            prepare: bool = True) -> None:  # fmt: skip
    """Run `sql` with `params` in which the positions `slots` ((index, name)) take `moments[name]`:
    as a prepared statement where enabled (the other parameters become literals), else as it is.
    Only statements reused across requests come here with slots, a list (the caller caches them per
    scope; empty when the statement reads no time: a queue such as "mine" or the inbox); one compiled
    for one request (slots None) runs as it is, never prepared. `prepare=False`: a statement compiled
    once but planned for each request's values (a search, whose generic plan cannot see how narrow an
    open-ended `due_at < $1` is: queue_reads.searched_ids)."""
    if not enabled() or slots is None or not prepare:  # planned with this request's values
        params = list(params)
        for index, name in slots or ():
            params[index] = moments[name]
        cursor.execute(sql, params)
        return
    key = sql + "\x00" + repr(params) + repr(slots)
    entry = _TEXTS.get(key)
    if entry is None:
        from psycopg2.extensions import AsIs

        order: list[str] = []
        literal = list(params)
        for index, name in slots:
            if name not in order:
                order.append(name)
            literal[index] = AsIs(f"${order.index(name) + 1}")
        text = cursor.mogrify(sql, literal).decode()
        name = "dvc_" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:24]
        entry = (name, text, order)
        if len(_TEXTS) >= _TEXTS_MAX:
            _TEXTS.clear()
        _TEXTS[key] = entry
    name, text, order = entry
    prepared = _held(cursor)
    if name not in prepared:
        types = ", ".join(["timestamptz"] * len(order))
        cursor.execute(f"PREPARE {name} ({types}) AS {text}" if order else f"PREPARE {name} AS {text}")
        prepared.add(name)
    values = [moments[moment] for moment in order]
    cursor.execute(f"EXECUTE {name}" + (f" ({', '.join(['%s'] * len(values))})" if values else ""), values)


def execute_typed(cursor, sql: str, params: list, types: list[str]) -> None:
    """Run a fixed statement (the same text for every request, e.g. the queue rows by id) whose every
    `%s` is a parameter of the given PostgreSQL type: prepared once per session where enabled (its
    planning was most of its cost), else as it is."""
    if not enabled():
        cursor.execute(sql, params)
        return
    name = "dvc_" + hashlib.sha1((sql + repr(types)).encode(), usedforsecurity=False).hexdigest()[:24]
    prepared = _held(cursor)
    if name not in prepared:
        parts = sql.split("%s")
        text = parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], start=1))
        cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {text.replace('%%', '%')}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


_COMPILED_MAX = 2048


def run_compiled(kept: dict, key: tuple, compile_statement: Callable[[], tuple | None], values: dict, *,
                 prepare: bool = False) -> list[tuple] | None:  # fmt: skip
    """The rows of the statement kept in `kept` under `key` — (SQL, parameters, slots), compiled by
    `compile_statement()` on first use (`slotted`) — run with this request's `values` in its slots:
    planned for them (`prepare=False`: a search, see onestop.backoffice.queue_reads.searched_ids) or
    prepared once per session (`execute`). The key holds every value the statement is compiled with
    (a scope, a queue, a page…). None where it cannot be reused or not on PostgreSQL (SQLite's
    compiled times are strings, not told apart safely): the caller reads through the ORM."""
    if connection.vendor != "postgresql":
        return None
    if key not in kept:
        if len(kept) >= _COMPILED_MAX:
            kept.clear()
        kept[key] = compile_statement()
    entry = kept[key]
    if entry is None:
        return None
    sql, params, slots = entry
    with connection.cursor() as cursor:
        execute(cursor, sql, params, slots, values, prepare=prepare)
        return cursor.fetchall()


def slotted(compile_statement: Callable[[], tuple[str, list] | None], times: dict[str, dt.datetime],
            words: dict[str, str] | None = None) -> tuple[str, list, list[tuple[int, str]]] | None:  # fmt: skip
    """The statement `compile_statement()` compiled once, with the slots of its parameters that follow
    each request (run_compiled): the request's `times` and, for a search compiled with a stand-in, the
    stand-in's search values `words` (each found where a parameter is equal to one). None if it reads
    nothing (a list of no agency), or takes another time (a date filter) or another form of the words:
    it cannot be reused."""
    try:
        statement = compile_statement()
    except EmptyResultSet:
        return None
    if statement is None:
        return None
    sql, params = statement
    words = words or {}
    by_value = {value: name for name, value in {**times, **words}.items()}
    slots = []
    for index, value in enumerate(params):
        if isinstance(value, (dt.date, str)) and value in by_value:
            slots.append((index, by_value[value]))
        elif isinstance(value, dt.date) or (isinstance(value, str) and any(word in value for word in words.values())):
            return None
    if not set(words) <= {name for _index, name in slots}:
        return None  # the words were not searched as expected
    return sql, list(params), slots


# Query name → (its text with `<column> = ANY(%s)`, the ORM's converters of its columns), or None where
# the ORM compiled it otherwise.
_BY_IDS: dict[str, tuple[str, list] | None] = {}


def rows_by_ids(name: str, query: Callable[[list[int]], QuerySet], column: str, ids: list[int]):
    """The rows of `query(ids)` — a `values()` or `values_list()` QuerySet whose only parameter is its
    `<column> IN (ids)` — as (column names, tuples), read by ONE text whatever the number of ids
    (`<column> = ANY(%s)`, a `bigint[]`), compiled once per process and prepared once per session
    (`execute_typed`), each value through the converters the ORM would apply (a COUNT's int, a
    field's own): for the fixed reads of a page by the ids it shows (the queue rows, the oversight
    reasons, a user's roles, the bell), whose ORM compiling and planning cost more than their
    reading. None where that cannot be (not PostgreSQL, or the ORM compiled the query otherwise):
    the caller runs `query`."""
    if connection.vendor != "postgresql":
        return None
    if name not in _BY_IDS:
        _BY_IDS[name] = _by_ids_text(query, column)
    if _BY_IDS[name] is None:
        return None
    sql, converters = _BY_IDS[name]
    with connection.cursor() as cursor:
        execute_typed(cursor, sql, [ids], ["bigint[]"])
        names, rows = [column[0] for column in cursor.description], cursor.fetchall()
    if converters:
        rows = [_converted(row, converters) for row in rows]
    return names, rows


def _converted(row: tuple, converters: list) -> tuple:
    values = list(row)
    for position, functions, expression in converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return tuple(values)


def _by_ids_text(query: Callable[[list[int]], QuerySet], column: str) -> tuple[str, list] | None:
    """`query([0])` compiled, its `<column> IN (%s)` turned into `<column> = ANY(%s)` and its other
    parameters (constants: statuses, actions) written in as literals, with the converters of its
    columns; None if anything else is there."""
    from psycopg2.extensions import AsIs

    compiler = query([0]).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    marker = f"{column} IN (%s)"
    if sql.count(marker) != 1:
        return None
    index = sql.split(marker)[0].count("%s")
    if params[index] != 0:
        return None
    with connection.cursor() as cursor:
        literal = [AsIs("%s") if position == index else value for position, value in enumerate(params)]
        text = cursor.mogrify(sql.replace(marker, f"{column} = ANY(%s)"), literal).decode()
    if text.count("%") != 1:  # a literal % would be read as a placeholder
        return None
    found = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
    return text, [(position, functions, expression) for position, (functions, expression) in found.items()]


def _held(cursor) -> set[str]:
    """The names prepared on this database session (read from it on first use: none, unless reused)."""
    prepared = getattr(connection, "dvc_prepared", None)
    if prepared is None:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        prepared = connection.dvc_prepared = {row[0] for row in cursor.fetchall()}
    return prepared
