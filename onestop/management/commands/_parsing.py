"""Argument types shared by the working-calendar commands (argparse ``type=`` callables)."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation

from onestop.workcalendar import VN_TZ


def date_arg(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-05-04") from None


def local_datetime_arg(value: str) -> dt.datetime:
    """'YYYY-MM-DD HH:MM' in Vietnam time (DESIGN §4.3: Asia/Ho_Chi_Minh) → an aware datetime."""
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).replace(tzinfo=VN_TZ)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f'{value!r} is not a date and time: use "YYYY-MM-DD HH:MM" (Vietnam time), e.g. "2026-04-29 10:00"'
    )


def amount_arg(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a non-negative number")
    return amount
