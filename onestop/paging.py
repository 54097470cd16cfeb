"""A page and the number of rows in one statement, for Django's Paginator.

A search's rows are read in the list's order and the first page kept; its COUNT(*) would read every
match a second time (the postal clerk's name search: two trigram scans of the same 426 shipments at
100k, docs/performance.md, issue #17). `CountedRows` reads the page the user asked for with
`COUNT(*) OVER ()` beside each row: one scan gives both. A page past the end (no row to carry the
number) falls back to a plain count, then the Paginator's last page.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet, Window

TOTAL = "_rows_in_all"


def page_window(number, per_page: int) -> tuple[int, int]:
    """[start, stop) of the rows of page `number` (the raw ?page= value), as Paginator.get_page reads it:
    a value that is not a number, or below 1, is the first page."""
    try:
        wanted = max(int(number), 1)
    except (TypeError, ValueError):
        wanted = 1
    return (wanted - 1) * per_page, wanted * per_page


class CountedRows:
    """`queryset` for a Paginator of `per_page` rows, asked for page `number` (the raw ?page= value)."""

    def __init__(self, queryset: QuerySet, *, per_page: int, number) -> None:
        self.queryset = queryset
        self.per_page = per_page
        self.window = page_window(number, per_page)
        self.rows: list | None = None
        self.total: int | None = None

    def _read(self) -> None:
        start, stop = self.window
        self.rows = list(self.queryset.annotate(**{TOTAL: Window(Count("*"))})[start:stop])
        if self.rows:
            self.total = getattr(self.rows[0], TOTAL)
        else:  # past the last page, or nothing found
            self.total = self.queryset.count() if start else 0

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
