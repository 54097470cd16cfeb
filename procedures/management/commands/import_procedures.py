import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from procedures.services import admin_agency_scope, procedures_import


class Command(BaseCommand):
    help = "Import procedures from a JSON array of national catalogue records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: an array of records in the national shape")
        parser.add_argument(
            "--agency-admin",
            metavar="EMAIL",
            help="Import as this agency admin: only procedures received by the agencies they manage. "
            "Without it, everything is imported (operator tool).",
        )

    def handle(self, *args, file: str, agency_admin: str | None = None, **options) -> None:
        scope = self._scope(agency_admin) if agency_admin else None
        try:
            with open(file, encoding="utf-8") as fh:
                records = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from exc
        if not isinstance(records, list):
            raise CommandError("Tệp phải chứa một mảng JSON các bản ghi thủ tục.")
        # Form templates given by path (MOTCUA_TEPMAU.DUONGDAN) are read beside the JSON file.
        report = procedures_import(records=records, scope=scope, base_dir=Path(file).resolve().parent)
        for line in report.rejected:
            self.stderr.write(f"Bản ghi #{line.position} ({line.code or 'không mã'}): bị từ chối — {line.reason}")
        self.stdout.write(
            f"{report.count('created')} thủ tục mới, {report.count('updated')} cập nhật, "
            f"{len(report.rejected)} bị từ chối (tổng {len(records)})."
        )
        if report.rejected:
            raise SystemExit(1)

    def _scope(self, email: str) -> set[int] | None:
        # Fail closed: without the scope rule, "as this admin" would silently mean "everything".
        if not getattr(settings, "AGENCY_ADMIN_SCOPE", None):
            raise CommandError(gettext("--agency-admin needs the AGENCY_ADMIN_SCOPE setting."))
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(gettext("No account has the email address %(email)s.") % {"email": email})
        return admin_agency_scope(user=user)
