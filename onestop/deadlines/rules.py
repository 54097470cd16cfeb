"""Which deadline crosses when: one rule per kind of crossing (data, read by the sweep's SQL).

Statuses (DESIGN §4.1): the processing clock runs while the dossier is `received`, `processing` or
`awaiting_payment`; it pauses in `supplement_requested` (Decree 118/2025/NĐ-CP practice: the citizen's
supplement time does not count), so a paused dossier never crosses — the rules leave that status
out and the SQL also requires `paused_at IS NULL`. Step deadlines exist only while a process step
runs (`processing`). The 8-working-hour check applies to online dossiers still `submitted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.conf import settings

from ..models import DeadlineKind, DossierStatus

CLOCK_RUNNING = (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.AWAITING_PAYMENT)
STEP_RUNNING = (DossierStatus.PROCESSING,)
# The statuses in which the approver may still extend with an apology (transition table: "extend").
EXTENDABLE = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)


class Window(Enum):
    SOON = "soon"  # now < deadline <= the instant `hours` working hours from now
    PASSED = "passed"  # now - lookback < deadline <= now


@dataclass(frozen=True)
class Rule:
    kind: str
    column: str  # the Dossier field holding the deadline
    statuses: tuple[str, ...]
    window: Window
    hours_setting: str = ""  # SOON: the setting naming the working hours ahead
    # Extra SQL condition on the dossier row `d`, fixed text (no parameters).
    extra_sql: str = ""

    def working_minutes(self) -> int:
        return round(float(getattr(settings, self.hours_setting)) * 60)


RULES: tuple[Rule, ...] = (
    # Decree 118/2025/NĐ-CP practice: online dossiers are checked (accepted or supplement asked) within
    # 8 working hours; `check_due_at` is stored at submission.
    Rule(DeadlineKind.CHECK_OVERDUE, "check_due_at", (DossierStatus.SUBMITTED,), Window.PASSED),
    Rule(DeadlineKind.DUE_SOON, "due_at", CLOCK_RUNNING, Window.SOON, "DEADLINE_DUE_SOON_WORKING_HOURS"),
    # Circular 03/2025 form 04 (Decree 118/2025/NĐ-CP practice): at least one working day before the due
    # date, the processing unit records the reason and apologises with a new date — once
    # (`extensions`: the date may be reset only once). The reminder comes earlier than that limit
    # (default two working days ahead) so that there is still a working day to issue it:
    # onestop.backoffice refuses an extension with less than one working day left.
    Rule(
        DeadlineKind.APOLOGY_REMINDER,
        "due_at",
        EXTENDABLE,
        Window.SOON,
        "DEADLINE_APOLOGY_REMINDER_WORKING_HOURS",
        extra_sql="d.extensions = 0",
    ),
    Rule(DeadlineKind.OVERDUE, "due_at", CLOCK_RUNNING, Window.PASSED),
    Rule(DeadlineKind.STEP_DUE_SOON, "step_due_at", STEP_RUNNING, Window.SOON, "DEADLINE_STEP_DUE_SOON_WORKING_HOURS"),
    Rule(DeadlineKind.STEP_OVERDUE, "step_due_at", STEP_RUNNING, Window.PASSED),
)

RULE_BY_KIND: dict[str, Rule] = {rule.kind: rule for rule in RULES}
