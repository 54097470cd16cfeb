"""Citizen satisfaction evaluations of a returned dossier ("đánh giá mức độ hài lòng", issue #12).

The twelve criteria are those REFERENCE.md lists (as one province's portal publishes them, keyed by
dossier code). REFERENCE.md gives the criteria, not their answer scales: the scales below follow
the practice of the evaluation form of the one-stop rules (Decree 118/2025/NĐ-CP) and Circular 01/2018/TT-VPCP
(each answer worth 2, 1 or 0 points; "not applicable" worth nothing) — NOT confirmed from the
primary text, so they are data here, one table, and can be changed without touching the code that
stores or counts them (answers are stored as their codes, one column per criterion).

Which overall answers count as "satisfied" is a setting (onestop.satisfaction.rules).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Answer:
    code: str
    label: str | Promise
    points: int | None  # None: not applicable (counts nowhere)


@dataclass(frozen=True)
class Criterion:
    key: str  # the model field
    question: str | Promise
    answers: tuple[Answer, ...]

    @property
    def choices(self) -> list[tuple[str, str | Promise]]:
        return [(a.code, a.label) for a in self.answers]

    def label_of(self, code: str) -> str | Promise:
        return next((a.label for a in self.answers if a.code == code), code)


SATISFACTION = (
    Answer("very_satisfied", _("Very satisfied"), 2),
    Answer("satisfied", _("Satisfied"), 1),
    Answer("dissatisfied", _("Dissatisfied"), 0),
)
DEADLINE = (
    Answer("early", _("Before the due date"), 2),
    Answer("on_time", _("On the due date"), 1),
    Answer("late", _("After the due date"), 0),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion("overall", _("Overall, how satisfied are you with how your dossier was handled?"), SATISFACTION),
    Criterion("convenience", _("How convenient was it to carry out the procedure?"), SATISFACTION),
    Criterion("timeliness", _("How satisfied are you with the timeliness of the result?"), SATISFACTION),
    Criterion(
        "staff_attitude",
        _("The attitude of the staff who served you"),
        (
            Answer("courteous", _("Courteous and helpful"), 2),
            Answer("normal", pgettext_lazy("staff attitude", "Normal"), 1),
            Answer("troublesome", _("Caused trouble or inconvenience"), 0),
        ),
    ),
    Criterion("total_time", _("The total processing time compared with the rule"), DEADLINE),
    Criterion("agency_time", _("The time each agency took compared with its own rule"), DEADLINE),
    Criterion(
        "contacts",
        _("How many times did you have to contact the office to complete your dossier?"),
        (
            Answer("at_most_once", _("Not at all, or once"), 2),
            Answer("twice", _("Twice"), 1),
            Answer("more", _("More than twice"), 0),
        ),
    ),
    Criterion(
        "agencies",
        _("How many agencies did you have to contact to complete your dossier?"),
        (
            Answer("one", _("One (the one-stop desk only)"), 2),
            Answer("two", pgettext_lazy("agencies contacted", "Two"), 1),
            Answer("more", pgettext_lazy("agencies contacted", "More than two"), 0),
        ),
    ),
    Criterion(
        "one_stop",
        _("Was the dossier received and the result returned through the one-stop desk (Bộ phận Một cửa)?"),
        (
            Answer("fully", _("Yes, both"), 2),
            Answer("partly", _("Only one of them"), 1),
            Answer("no", _("No"), 0),
        ),
    ),
    Criterion(
        "publicity",
        _("Was the procedure published (documents, fees, time, forms)?"),
        (
            Answer("complete", _("Completely and as the rules require"), 2),
            Answer("incomplete", _("Incompletely"), 1),
            Answer("none", _("Not published"), 0),
        ),
    ),
    Criterion(
        "feedback_response",
        _("How were your comments or complaints received and answered?"),
        (
            Answer("answered", _("Received and fully answered"), 2),
            Answer("partly", _("Answered, but not satisfactorily"), 1),
            Answer("ignored", _("Not received or not answered"), 0),
            Answer("none", _("I made no comment or complaint"), None),
        ),
    ),
    Criterion(
        "online_service",
        _("The quality of the online public service"),
        (
            Answer("good", _("Good"), 2),
            Answer("acceptable", _("Acceptable"), 1),
            Answer("poor", _("Poor"), 0),
            Answer("not_used", _("I did not use the online service"), None),
        ),
    ),
)
CRITERIA_BY_KEY = {c.key: c for c in CRITERIA}
CRITERION_KEYS = tuple(c.key for c in CRITERIA)


class EvaluationSource(models.TextChoices):
    ONLINE = "online", _("Online, from the applicant's account")
    TRACKING = "tracking", _("Online, from the public tracking page")
    PAPER = "paper", _("At the counter, on a paper form")
    KIOSK = "kiosk", _("At the counter, on the kiosk")


COUNTER_SOURCES = (EvaluationSource.PAPER, EvaluationSource.KIOSK)


def _answer_field(criterion: Criterion) -> models.CharField:
    return models.CharField(criterion.question, max_length=20, choices=criterion.choices)


class SatisfactionEvaluation(models.Model):
    """One per dossier: the applicant's answers (revisable for a while), and the agency's reply.

    Written only by onestop.satisfaction.services, each change recorded as a dossier event.
    """

    dossier = models.OneToOneField(
        "onestop.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="evaluation"
    )
    # The receiving agency, copied from the dossier: the per-agency figures read one indexed column.
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="evaluations"
    )
    source = models.CharField(_("source"), max_length=10, choices=EvaluationSource.choices)
    # Who typed the answers in: the applicant (online), nobody (tracking page), the receptionist (counter).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overall = _answer_field(CRITERIA[0])
    convenience = _answer_field(CRITERIA[1])
    timeliness = _answer_field(CRITERIA[2])
    staff_attitude = _answer_field(CRITERIA[3])
    total_time = _answer_field(CRITERIA[4])
    agency_time = _answer_field(CRITERIA[5])
    contacts = _answer_field(CRITERIA[6])
    agencies = _answer_field(CRITERIA[7])
    one_stop = _answer_field(CRITERIA[8])
    publicity = _answer_field(CRITERIA[9])
    feedback_response = _answer_field(CRITERIA[10])
    online_service = _answer_field(CRITERIA[11])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("evaluated at"))
    updated_at = models.DateTimeField(_("last changed at"))
    revisions = models.PositiveSmallIntegerField(_("revisions"), default=0)
    reply = models.TextField(_("agency's answer"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction evaluation")
        verbose_name_plural = _("satisfaction evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=EvaluationSource.values), name="evaluation_source_valid"
            ),
        ]
        indexes = [
            # satisfaction_summary: the agencies' evaluations of a period.
            models.Index(fields=["agency", "created_at"], include=["overall"], name="evaluation_agency_time"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.overall}"

    def answers(self) -> list[tuple[Criterion, str, str | Promise]]:
        """(criterion, code, label) for each of the twelve criteria, in order."""
        return [(c, getattr(self, c.key), c.label_of(getattr(self, c.key))) for c in CRITERIA]


class SatisfactionHandler(models.Model):
    """Who handled an evaluated dossier, one row per unit and one per officer (written with the
    evaluation): the units of the dossier (its desk and its process's units) where an officer who
    took a workflow action on it holds a processing role, and those officers. The evaluation's first
    moment and overall answer are copied here (the answer follows revisions), so that the per-unit
    and per-officer figures are one indexed GROUP BY over this table, without a join or a DISTINCT."""

    evaluation = models.ForeignKey(SatisfactionEvaluation, on_delete=models.CASCADE, related_name="handlers")
    unit = models.ForeignKey("procedures.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()  # = evaluation.created_at
    overall = models.CharField(max_length=20)  # = evaluation.overall

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True, officer__isnull=False)
                | models.Q(unit__isnull=False, officer__isnull=True),
                name="satisfactionhandler_unit_or_officer",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "unit"],
                condition=models.Q(unit__isnull=False),
                name="satisfactionhandler_unit_once",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "officer"],
                condition=models.Q(officer__isnull=False),
                name="satisfactionhandler_officer_once",
            ),
        ]
        indexes = [
            # The figures of a period per unit / per officer (index-only on PostgreSQL).
            models.Index(fields=["unit", "created_at"], include=["overall"], name="satisfactionhandler_unit"),
            models.Index(fields=["officer", "created_at"], include=["overall"], name="satisfactionhandler_officer"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.unit_id or ''} {self.officer_id or ''}"
