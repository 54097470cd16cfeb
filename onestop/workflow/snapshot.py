"""What a dossier depends on, copied from its procedure at submission (DESIGN §4.1).

Editing a published procedure afterwards never changes a submitted dossier: its documents, fees,
processing times, process and cut-off are read from here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from procedures.models import Procedure, TimeUnit, normalise_step_actions

# A procedure published without an internal process (quy trình nội bộ) still has to be processed:
# the receiving agency's desk checks it, a specialist handles it, the head approves, the desk
# returns the result (Decree 118/2025/NĐ-CP practice). Share of the statutory time per step.
DEFAULT_PROCESS = (
    ("Tiếp nhận, kiểm tra hồ sơ", "receptionist", Decimal("0.1")),
    ("Thẩm định, xử lý hồ sơ", "specialist", Decimal("0.6")),
    ("Phê duyệt kết quả", "approver", Decimal("0.2")),
    ("Trả kết quả", "receptionist", Decimal("0.1")),
)


def procedure_snapshot(procedure: Procedure) -> dict[str, Any]:
    process = getattr(procedure, "process", None)
    return {
        "procedure": {"code": procedure.code, "name": procedure.name, "sector": procedure.sector.name},
        "online_level": procedure.online_level,
        "cutoff_time": procedure.cutoff_time.strftime("%H:%M"),
        "delivery_methods": list(procedure.delivery_methods),
        "pay_at_submission": procedure.pay_at_submission,
        "times": [
            {"channel": c.channel, "amount": str(c.time_amount), "unit": c.time_unit} for c in procedure.channels.all()
        ],
        "fees": [
            {
                "code": f.code,
                "name": f.name,
                "amount": f.amount,
                "basis": f.basis,
                "channel": f.channel,
                "quantity_field": f.quantity_field,
                "multiplier_field": f.multiplier_field,
                "from_unit": f.from_unit,
                "to_unit": f.to_unit,
            }
            for f in procedure.fees.all()
        ],
        "documents": [
            {
                "code": d.code,
                "name": d.name,
                "kind": d.kind,
                "required": d.required,
                "condition": d.condition,
                "accepted_types": d.accepted_types,
                "max_size_mb": d.max_size_mb,
                "originals": d.originals,
                "copies": d.copies,
            }
            for d in procedure.documents.all()
        ],
        "form_fields": form_field_definitions(procedure),
        "process": [
            {
                "order": s.order,
                "name": s.name,
                "agency": s.agency.code,
                "role": s.role,
                "hours": str(s.duration_hours),
                "actions": normalise_step_actions(s.actions),
            }
            for s in (_steps(process) if process else [])
        ]
        or default_process(procedure),
    }


def _steps(process) -> list:
    """The process's steps with their agencies: as prefetched (dossier_submit), else read here."""
    if "steps" in getattr(process, "_prefetched_objects_cache", {}):
        return list(process.steps.all())
    return list(process.steps.select_related("agency"))


def statutory_hours(procedure: Procedure) -> Decimal:
    """The statutory processing time in working hours (the online channel's, else the first)."""
    channels = list(procedure.channels.all())
    chosen = next((c for c in channels if c.channel == 2), None) or (channels[0] if channels else None)
    if chosen is None:
        return Decimal(40)
    if chosen.time_unit == TimeUnit.WORKING_HOURS:
        return Decimal(chosen.time_amount)
    if chosen.time_unit == TimeUnit.WORKING_DAYS:
        return Decimal(chosen.time_amount) * 8
    return Decimal(chosen.time_amount) * 8 * 5 / 7  # calendar days: about five working days a week


def default_process(procedure: Procedure) -> list[dict[str, Any]]:
    """The four steps of DEFAULT_PROCESS at the receiving agency, every step action allowed."""
    total = statutory_hours(procedure)
    return [
        {
            "order": order,
            "name": name,
            "agency": procedure.receiving_agency.code,
            "role": role,
            "hours": str(max(Decimal(1), (total * share * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2)),
            "actions": [],
        }
        for order, (name, role, share) in enumerate(DEFAULT_PROCESS, start=1)
    ]


def form_field_definitions(procedure: Procedure) -> list[dict[str, Any]]:
    """The online form's fields as plain data (what onestop.workflow.fields builds forms from)."""
    return [
        {
            "key": f.key,
            "label": f.label,
            "kind": f.kind,
            "required": f.required,
            "help_text": f.help_text,
            "choices": f.choices,
            "validation": f.validation,
        }
        for f in procedure.form_fields.all()
    ]
