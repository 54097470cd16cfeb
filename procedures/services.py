"""Writes on the catalogue: saving procedures, importing national records, process validation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from .interchange import KEEP_TEMPLATE, ParsedProcedure, RecordError, agency_from_ref, parse_record
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


def _template_name(upload, kept: str) -> str:
    """The stored name of a document's template after an import: the file the record carries (written
    once — the same content keeps its name, so importing twice stores nothing twice), the file the
    document had when the record says nothing about it, or none."""
    if upload is KEEP_TEMPLATE:
        return kept
    if upload is None:
        return ""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    filename, content = upload
    if kept:
        try:
            with default_storage.open(kept, "rb") as fh:
                if hashlib.sha256(fh.read()).digest() == hashlib.sha256(content).digest():
                    return kept
        except OSError:
            pass
    field = DocumentRequirement._meta.get_field("template_file")
    return default_storage.save(field.generate_filename(None, filename), ContentFile(content))


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
    kept_templates = {d.code: d.template_file.name for d in procedure.documents.all() if d.template_file}
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
    documents = []
    for doc in parsed.documents:
        upload = doc.get("template_upload", KEEP_TEMPLATE)
        document = DocumentRequirement(procedure=procedure, **{k: v for k, v in doc.items() if k != "template_upload"})
        document.template_file.name = _template_name(upload, kept_templates.get(doc["code"], ""))
        documents.append(document)
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


def admin_agency_scope(*, user) -> set[int] | None:
    """Agency ids this admin user manages, None for all.

    The rule lives with the staff roles in onestop; procedures reaches it through a setting so that
    it never imports onestop (DESIGN §4). No setting means no scoping.
    """
    scope_path = getattr(settings, "AGENCY_ADMIN_SCOPE", None)
    return import_string(scope_path)(user=user) if scope_path else None


def procedures_import(
    *, records: Sequence[Any], scope: set[int] | None = None, allow_updates: bool = True, base_dir=None
) -> ImportReport:
    """Import national records one by one: a bad record is reported and does not stop the others.

    `scope` is the set of agency ids the actor manages (None: every agency). Decree 13/2023 least
    access: an agency admin may write only procedures received by an agency they manage, and may not
    take over a procedure another agency receives. `allow_updates=False` is for an actor who may add
    procedures but not change them. Refused records are reported before anything is written.
    """
    report = ImportReport()
    parsed: dict[int, ParsedProcedure] = {}
    for position, record in enumerate(records, start=1):
        try:
            parsed[position] = parse_record(record, base_dir=base_dir)
        except (RecordError, ValidationError) as exc:
            report.lines.append(ImportLine(position, _record_code(record), "rejected", _reason(exc)))
    refused = _import_refusals(parsed=parsed, scope=scope, allow_updates=allow_updates)
    for position, item in parsed.items():
        code = _record_code(records[position - 1])
        if position in refused:
            report.lines.append(ImportLine(position, code, "rejected", refused[position]))
            continue
        try:
            with transaction.atomic():
                _, created = procedure_upsert(parsed=item)
        except (RecordError, ValidationError) as exc:
            report.lines.append(ImportLine(position, code, "rejected", _reason(exc)))
        else:
            report.lines.append(ImportLine(position, code, "created" if created else "updated"))
    report.lines.sort(key=lambda line: line.position)
    return report


def _record_code(record: Any) -> str:
    return str(record.get("MATTHC", "")) if isinstance(record, dict) else ""


def _reason(exc: RecordError | ValidationError) -> str:
    return _messages(exc) if isinstance(exc, ValidationError) else str(exc)


def _import_refusals(
    *, parsed: dict[int, ParsedProcedure], scope: set[int] | None, allow_updates: bool
) -> dict[int, str]:
    """Position → why the actor may not write that record; checked before any record is written."""
    if scope is None and allow_updates:
        return {}
    existing = {
        code: (agency_id, agency_code)
        for code, agency_id, agency_code in Procedure.objects.filter(
            code__in={p.code for p in parsed.values()}
        ).values_list("code", "receiving_agency_id", "receiving_agency__code")
    }
    agency_ids = dict(
        Agency.objects.filter(code__in={p.receiving_agency[0] for p in parsed.values()}).values_list("code", "pk")
    )
    refused: dict[int, str] = {}
    for position, item in parsed.items():
        receiving = item.receiving_agency[0]  # parse_record: MOTCUA_COQUANTIEPNHAN, else the first COQUANTHUCHIEN
        if item.code in existing and not allow_updates:
            refused[position] = gettext("You may add procedures but not change existing ones.")
        elif scope is not None and item.code in existing and existing[item.code][0] not in scope:
            refused[position] = gettext(
                "procedure %(code)s is received by agency %(agency)s, which you do not administer"
            ) % {"code": item.code, "agency": existing[item.code][1]}
        elif scope is not None and agency_ids.get(receiving) not in scope:
            refused[position] = gettext("receiving agency %(agency)s is not one you administer") % {"agency": receiving}
    return refused
