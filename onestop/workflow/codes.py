"""Dossier codes (DESIGN §4.2): `{agency_code}-{yymmdd}-{seq:04}`, per receiving agency per day.

The sequence comes from a DossierCounter row locked with SELECT … FOR UPDATE inside the submitting
transaction: concurrent submissions queue on the row and never share a number, and a submission
that rolls back also rolls back its increment, so codes have no gaps. (A peer system generated
duplicate codes for years with an in-process lock; this is tested with concurrent clients against
PostgreSQL.)
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from procedures.models import Agency

from ..models import DossierCounter

DEFAULT_PATTERN = "{agency_code}-{yymmdd}-{seq:04}"


def dossier_code_next(*, agency: Agency, at: dt.datetime) -> str:
    """Reserve the next code of `agency` for the local day of `at`. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside the submitting transaction")
    day = timezone.localtime(at).date()
    # Create the day's row if it is the first submission (a concurrent creator is ignored), then lock it.
    DossierCounter.objects.bulk_create([DossierCounter(agency=agency, day=day)], ignore_conflicts=True)
    counter = DossierCounter.objects.select_for_update().get(agency=agency, day=day)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    pattern = getattr(settings, "DOSSIER_CODE_PATTERN", DEFAULT_PATTERN)
    return pattern.format(agency_code=agency.code, yymmdd=day.strftime("%y%m%d"), seq=counter.last_value)
