"""The cursor of the partner API's lists (dossiers, payments, shipments)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class UpdatedCursor(CursorPagination):
    """Oldest change first, on a stable cursor (the `next` link): a partner reads what changed since
    its last call without missing or repeating a row, whatever changes meanwhile."""

    ordering = ("updated_at", "id")
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"
