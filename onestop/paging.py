"""A page and the number of rows in one statement, for Django's Paginator.

A search's rows are read in the list's order and the first page kept; its COUNT(*) would read every
match a second time (the postal clerk's name search: two trigram scans of the same 426 shipments at
100k, docs/performance.md, issue #17). `CountedRows` reads the page the user asked for with
`COUNT(*) OVER ()` beside each row: one scan gives both. A page past the end (no row to carry the
number) falls back to a plain count, then the Paginator's last page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.db.models import Count, QuerySet, Window

TOTAL = "_rows_in_all"


def built(queryset: QuerySet | Callable[[], QuerySet]) -> QuerySet:
    """`queryset`, or what the function given in its place builds: a page read another way (a statement
    compiled once) needs no QuerySet, and building one costs more than some pages' reading."""
    return queryset if isinstance(queryset, QuerySet) else queryset()


def page_window(number, per_page: int) -> tuple[int, int]:
    """[start, stop) of the rows of page `number` (the raw ?page= value), as Paginator.get_page reads it:
    a value that is not a number, or below 1, is the first page."""
    try:
        wanted = max(int(number), 1)
    except (TypeError, ValueError):
        wanted = 1
    return (wanted - 1) * per_page, wanted * per_page


class CountedRows:
    """`queryset` for a Paginator of `per_page` rows, asked for page `number` (the raw ?page= value).

    `read(window)`, where given, reads the page's rows ([start, stop), each with TOTAL) another way —
    a statement compiled once (onestop.postal.selectors.shipments_found) — or answers None: then the
    queryset is read. `queryset` may then be a function that builds it, called only if it is read."""

    def __init__(self, queryset: QuerySet | Callable[[], QuerySet], *, per_page: int, number,
                 read: Callable[[tuple[int, int]], list | None] | None = None) -> None:  # fmt: skip
        self._queryset = queryset
        self.per_page = per_page
        self.window = page_window(number, per_page)
        self.read = read
        self.rows: list | None = None
        self.total: int | None = None

    @cached_property
    def queryset(self) -> QuerySet:
        return built(self._queryset)

    def page_query(self) -> QuerySet:
        """The page asked for, each row with the number of rows in all (TOTAL).

        Filtering on the window (always true) makes Django read it from a derived table, the page's
        order and limit outside: PostgreSQL then plans the matches for full retrieval, as the count
        needs, and sorts the page out of them. With the LIMIT beside the count, it costed the page as
        if the count stopped early and could walk the list's order index testing every row: the
        clerk's name search 25 ms instead of 3.8 at 100k shipments (docs/performance.md, eighth pass)."""
        start, stop = self.window
        return self.queryset.annotate(**{TOTAL: Window(Count("*"))}).filter(**{f"{TOTAL}__gt": 0})[start:stop]

    def _read(self) -> None:
        self.rows = self.read(self.window) if self.read else None
        if self.rows is None:
            self.rows = list(self.page_query())
        if self.rows:  # model instances, or values() dicts
            first = self.rows[0]
            self.total = first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
        else:  # past the last page, or nothing found
            self.total = self.queryset.count() if self.window[0] else 0

    def count(self) -> int:
        if self.total is None:
            self._read()
        return self.total

    def __len__(self) -> int:
        return self.count()

    def held(self, window: slice) -> list | None:
        """The rows of `window` when they are the page read with the count (the last page may be
        short), else None."""
        start, stop = self.window
        if self.rows is None or (window.start or 0) != start or window.stop is None or window.stop > stop:
            return None
        return self.rows[: window.stop - start]

    def __getitem__(self, window: slice) -> list:
        if not isinstance(window, slice):
            raise TypeError("CountedRows reads pages: slice it [start:stop]")
        if self.rows is None:
            self._read()
        held = self.held(window)
        return held if held is not None else list(self.queryset[window])
