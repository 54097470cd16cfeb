"""Optional read replica (DATABASE_REPLICA_URL): the public catalogue pages read from it.

Only the catalogue's own tables (app ``procedures``), and only inside the views named in
REPLICA_VIEWS (``ReplicaViewsMiddleware``; ``@read_from_replica`` for other callers) — public pages
that tolerate a replica's lag of a few seconds (catalogue list and search, agency and sector pages,
procedure detail) — are read there. The catalogue app does not know of it (nothing imports upwards). Sessions and users,
every other read, every write and any read inside a transaction stay on "default", so nobody misses
what they have just written. Without the setting the decorator does nothing.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
REPLICA_APPS = frozenset({"procedures"})
_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


def read_from_replica(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _use_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _use_replica.reset(token)

    return wrapper


# The public catalogue pages, by URL name.
REPLICA_VIEWS = frozenset({"procedures:list", "procedures:detail", "procedures:agency", "procedures:sector"})


class ReplicaViewsMiddleware:
    """Run the views of REPLICA_VIEWS as if decorated with ``read_from_replica``."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in REPLICA_VIEWS and REPLICA in settings.DATABASES:
            return read_from_replica(view_func)(request, *view_args, **view_kwargs)
        return None


class ReplicaRouter:
    """Reads go to the replica inside ``read_from_replica`` views, outside transactions; the rest to default."""

    def db_for_read(self, model, **hints):
        if (
            _use_replica.get()
            and model._meta.app_label in REPLICA_APPS
            and REPLICA in settings.DATABASES
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica follows the primary by replication
