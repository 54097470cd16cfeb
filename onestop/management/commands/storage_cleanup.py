"""storage_cleanup: delete orphan files of private storage (local or S3), as the nightly beat job does.

    python manage.py storage_cleanup [--dry-run]

Orphans: objects under uploads/ without a StoredFile row, older than STORAGE_ORPHAN_GRACE_HOURS;
StoredFile rows used by no dossier, older than STORAGE_UNUSED_FILE_DAYS (0 = never). Safe to run twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from onestop.uploads.cleanup import storage_cleanup


class Command(BaseCommand):
    help = "Delete orphan stored files (objects without a row, rows used by no dossier)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, **options) -> None:
        report = storage_cleanup(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb}: {report.unused_rows} unused file(s), {report.orphan_objects} orphan object(s) "
            f"of {report.objects_seen} seen; {report.failed} failed"
        )
        if report.failed:
            raise SystemExit(1)
