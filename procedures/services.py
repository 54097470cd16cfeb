"""Writes on the catalogue: saving procedures, importing national records, process validation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .interchange import ParsedProcedure, RecordError, agency_from_ref, parse_record
from .models import (
    Agency,
    Channel,
    DocumentRequirement,
    FeeItem,
    FormField,
    Procedure,
    ProcedureChannel,
    ProcessDefinition,
    ProcessStep,
    Sector,
)
from .search import search_text_for


def procedure_save(*, procedure: Procedure) -> Procedure:
    """Validate and save a procedure, keeping its normalised search column current."""
    procedure.search_text = search_text_for(code=procedure.code, local_code=procedure.local_code, name=procedure.name)
    procedure.full_clean(exclude=["search_text"])
    procedure.save()
    return procedure


def process_limit_hours(channels: Iterable[ProcedureChannel]) -> tuple[Decimal, int] | None:
    """The processing time, in working hours, that the process steps must fit in.

    The online channel's time when the procedure is offered online, else the counter's.
    """
    by_channel = {c.channel: c for c in channels}
    chosen = by_channel.get(Channel.ONLINE) or by_channel.get(Channel.COUNTER) or next(iter(by_channel.values()), None)
    if chosen is None:
        return None
    return Decimal(str(chosen.working_hours)), chosen.channel


def process_validate_durations(*, steps: Sequence[ProcessStep], channels: Iterable[ProcedureChannel]) -> None:
    """Step durations must fit in the published processing time (issue: ProcessDefinition)."""
    limit = process_limit_hours(channels)
    total = sum((Decimal(s.duration_hours) for s in steps), Decimal(0))
    if limit is not None and total > limit[0]:
        raise ValidationError(
            "Tổng thời gian các bước (%(total)s giờ làm việc) vượt thời hạn giải quyết (%(limit)s giờ làm việc).",
            code="process_too_long",
            params={"total": _fmt(total), "limit": _fmt(limit[0])},
        )


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


@transaction.atomic
def procedure_upsert(*, parsed: ParsedProcedure) -> tuple[Procedure, bool]:
    """Create or update one procedure and replace its children from a parsed record."""
    sector_code, sector_name = parsed.sector
    sector, _ = Sector.objects.update_or_create(code=sector_code, defaults={"name": sector_name})
    agencies = [agency_from_ref(code, name) for code, name in parsed.agencies]
    receiving = agency_from_ref(*parsed.receiving_agency)

    procedure = Procedure.objects.filter(code=parsed.code).first()
    created = procedure is None
    procedure = procedure or Procedure(code=parsed.code)
    for name, value in parsed.fields.items():
        setattr(procedure, name, value)
    procedure.sector = sector
    procedure.receiving_agency = receiving
    procedure_save(procedure=procedure)
    procedure.implementing_agencies.set(agencies)

    # Children are replaced as a whole. Dossiers never read them live: they keep a snapshot
    # taken at submission (DESIGN §4.1), so editing a published procedure changes no dossier.
    procedure.channels.all().delete()
    procedure.fees.all().delete()
    procedure.documents.all().delete()
    procedure.form_fields.all().delete()
    ProcessDefinition.objects.filter(procedure=procedure).delete()

    channels = []
    for parsed_channel in parsed.channels:
        channel = ProcedureChannel(
            procedure=procedure,
            channel=parsed_channel.channel,
            time_amount=parsed_channel.time_amount,
            time_unit=parsed_channel.time_unit,
            description=parsed_channel.description,
        )
        channel.full_clean()
        channels.append(channel)
    ProcedureChannel.objects.bulk_create(channels)
    fees = [FeeItem(procedure=procedure, channel=c.channel, **fee) for c in parsed.channels for fee in c.fees]
    documents = [DocumentRequirement(procedure=procedure, **doc) for doc in parsed.documents]
    form_fields = [FormField(procedure=procedure, **item) for item in parsed.form_fields]
    for obj in (*fees, *documents, *form_fields):
        obj.full_clean(exclude=["procedure"], validate_unique=False)
    FeeItem.objects.bulk_create(fees)
    DocumentRequirement.objects.bulk_create(documents)
    if len({f.key for f in form_fields}) != len(form_fields):
        raise RecordError("MOTCUA_TRUONGDON: mã trường (MA) bị trùng")
    FormField.objects.bulk_create(form_fields)

    if parsed.steps:
        definition = ProcessDefinition.objects.create(procedure=procedure, name=f"Quy trình {procedure.code}")
        steps = []
        for item in parsed.steps:
            agency = Agency.objects.filter(code=item["agency"]).first()
            if agency is None:
                raise RecordError(f"MOTCUA_QUYTRINH: cơ quan {item['agency']!r} chưa có trong danh mục")
            step = ProcessStep(definition=definition, **{**item, "agency": agency})
            step.full_clean(exclude=["definition"], validate_unique=False)
            steps.append(step)
        process_validate_durations(steps=steps, channels=channels)
        ProcessStep.objects.bulk_create(steps)
    return procedure, created


@dataclass
class ImportLine:
    position: int  # 1-based position in the file
    code: str
    outcome: str  # created / updated / rejected
    reason: str = ""


@dataclass
class ImportReport:
    lines: list[ImportLine] = field(default_factory=list)

    @property
    def rejected(self) -> list[ImportLine]:
        return [line for line in self.lines if line.outcome == "rejected"]

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


def procedures_import(*, records: Sequence[Any]) -> ImportReport:
    """Import national records one by one: a bad record is reported and does not stop the others."""
    report = ImportReport()
    for position, record in enumerate(records, start=1):
        code = str(record.get("MATTHC", "")) if isinstance(record, dict) else ""
        try:
            parsed = parse_record(record)
            with transaction.atomic():
                _, created = procedure_upsert(parsed=parsed)
        except RecordError as exc:
            report.lines.append(ImportLine(position, code, "rejected", str(exc)))
        except ValidationError as exc:
            report.lines.append(ImportLine(position, code, "rejected", _messages(exc)))
        else:
            report.lines.append(ImportLine(position, code, "created" if created else "updated"))
    return report
