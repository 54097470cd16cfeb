"""due_date: the due moment of a dossier, explained.

    python manage.py due_date --received "2026-04-29 10:00" --days 3 [--agency CODE] [--procedure CODE]

First line: the due moment as an ISO datetime in Vietnam time (+07:00); then why (working hours
used, periods counted, days skipped: holiday, weekend, override and its basis).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.workcalendar.selectors import agency_by_code, due_date_explain

from ._parsing import amount_arg, local_datetime_arg


class Command(BaseCommand):
    help = "Compute and explain a due date in working time (DESIGN §4.3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received", required=True, type=local_datetime_arg, help='"YYYY-MM-DD HH:MM", Vietnam time.'
        )
        duration = parser.add_mutually_exclusive_group(required=True)
        duration.add_argument("--days", type=amount_arg, help="Processing time in working days.")
        duration.add_argument("--hours", type=amount_arg, help="Processing time in working hours.")
        parser.add_argument("--agency", metavar="CODE", help="Agency code: its working hours (default if absent).")
        parser.add_argument("--procedure", metavar="CODE", help="Procedure code: its cut-off (15:00 if absent).")

    def handle(self, *args, **options) -> None:
        try:
            agency = agency_by_code(code=options["agency"]) if options["agency"] else None
            due = due_date_explain(
                received_at=options["received"],
                days=options["days"],
                hours=options["hours"],
                agency=agency,
                procedure_code=options["procedure"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(due.due_at.isoformat())
        for line in due.lines():
            self.stdout.write(line)
