"""Dossier codes (DESIGN §4.2): `{agency_code}-{yymmdd}-{seq:04}`, per receiving agency per day.

The sequence comes from a DossierCounter row incremented by one upsert (INSERT … ON CONFLICT DO
UPDATE … RETURNING, which locks the row) inside the submitting transaction: concurrent submissions
queue on the row and never share a number, and a submission that rolls back also rolls back its
increment, so codes have no gaps. (A peer system generated duplicate codes for years with an
in-process lock; this is tested with concurrent clients against PostgreSQL.)
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from procedures.models import Agency

from ..models import DossierCounter

DEFAULT_PATTERN = "{agency_code}-{yymmdd}-{seq:04}"


def dossier_code_next(*, agency: Agency, at: dt.datetime) -> str:
    """Reserve the next code of `agency` for the local day of `at`. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside the submitting transaction")
    day = timezone.localtime(at).date()
    pattern = getattr(settings, "DOSSIER_CODE_PATTERN", DEFAULT_PATTERN)
    return pattern.format(agency_code=agency.code, yymmdd=day.strftime("%y%m%d"), seq=_increment(agency.pk, day))


def _increment(agency_id: int, day: dt.date) -> int:
    """One statement: create the day's row at 1, or add 1 to it — the UPDATE locks the row until the
    submitting transaction ends (PostgreSQL and SQLite 3.35+ both run this upsert)."""
    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    agency, day_column, value = (
        connection.ops.quote_name(DossierCounter._meta.get_field(name).column)
        for name in ("agency", "day", "last_value")
    )
    sql = (
        f"INSERT INTO {table} ({agency}, {day_column}, {value}) VALUES (%s, %s, 1) "  # noqa: S608 (names from the model)
        f"ON CONFLICT ({agency}, {day_column}) DO UPDATE SET {value} = {table}.{value} + 1 "
        f"RETURNING {value}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, connection.ops.adapt_datefield_value(day)])
        return cursor.fetchone()[0]
