import json

from django.core.management.base import BaseCommand, CommandError

from procedures.services import procedures_import


class Command(BaseCommand):
    help = "Import procedures from a JSON array of national catalogue records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: an array of records in the national shape")

    def handle(self, *args, file: str, **options) -> None:
        try:
            with open(file, encoding="utf-8") as fh:
                records = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from exc
        if not isinstance(records, list):
            raise CommandError("Tệp phải chứa một mảng JSON các bản ghi thủ tục.")
        report = procedures_import(records=records)
        for line in report.rejected:
            self.stderr.write(f"Bản ghi #{line.position} ({line.code or 'không mã'}): bị từ chối — {line.reason}")
        self.stdout.write(
            f"{report.count('created')} thủ tục mới, {report.count('updated')} cập nhật, "
            f"{len(report.rejected)} bị từ chối (tổng {len(records)})."
        )
        if report.rejected:
            raise SystemExit(1)
