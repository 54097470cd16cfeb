import json

from django.core.management.base import BaseCommand

from procedures.interchange import procedure_to_record
from procedures.selectors import procedures_for_export


class Command(BaseCommand):
    help = "Export every procedure as a JSON array of national catalogue records."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the JSON ('-' for standard output)")

    def handle(self, *args, file: str, **options) -> None:
        records = [procedure_to_record(p) for p in procedures_for_export()]
        text = json.dumps(records, ensure_ascii=False, indent=2)
        if file == "-":
            self.stdout.write(text)
        else:
            with open(file, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stdout.write(f"Đã xuất {len(records)} thủ tục vào {file}.")
