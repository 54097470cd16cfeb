"""calendar_override add|remove|list: the days off and working days decided against the holidays package.

python manage.py calendar_override add 2027-02-11 day_off --basis "Thông báo …/TB-BNV ngày …"
python manage.py calendar_override remove 2027-02-11
python manage.py calendar_override list [--year 2027]
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.models import CalendarOverrideKind
from onestop.workcalendar.django_calendar import calendar_for_agency
from onestop.workcalendar.explanation import weekday_vi
from onestop.workcalendar.selectors import calendar_override_list
from onestop.workcalendar.services import calendar_override_add, calendar_override_remove

from ._parsing import date_arg


class Command(BaseCommand):
    help = "Add, remove or list calendar overrides (days off / working days that win over the holidays package)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,remove,list}")
        add = actions.add_parser("add", help="Make a date a day off or a working day.")
        add.add_argument("date", type=date_arg, help="YYYY-MM-DD")
        add.add_argument("kind", choices=CalendarOverrideKind.values)
        add.add_argument("--basis", required=True, help="The legal basis: the decision that sets this day.")
        remove = actions.add_parser("remove", help="Remove the override of a date.")
        remove.add_argument("date", type=date_arg, help="YYYY-MM-DD")
        listing = actions.add_parser("list", help="List the overrides.")
        listing.add_argument("--year", type=int, help="Only this year.")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        try:
            if action == "add":
                override = calendar_override_add(date=options["date"], kind=options["kind"], basis=options["basis"])
                self._report("Added", override)
            elif action == "remove":
                override = calendar_override_remove(date=options["date"])
                self._report("Removed", override)
            else:
                self._list(options["year"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _report(self, verb: str, override) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"{verb}: {override.date.isoformat()} ({weekday_vi(override.date)}) {override.kind}")
            + f" — {override.basis}"
        )
        info = calendar_for_agency().day_info(override.date)
        self.stdout.write(f"Now: {'working day' if info.is_working else 'day off'} ({info.reason})")

    def _list(self, year: int | None) -> None:
        overrides = list(calendar_override_list(year=year))
        if not overrides:
            self.stdout.write("No calendar overrides." if year is None else f"No calendar overrides in {year}.")
            return
        for o in overrides:
            by = f" by {o.created_by.email}" if o.created_by else ""
            self.stdout.write(
                f"{o.date.isoformat()}  {weekday_vi(o.date):<8}  {o.kind:<11}  {o.basis}"
                f"  (added {o.created_at:%Y-%m-%d}{by})"
            )
