"""Writes of the satisfaction evaluation (STYLE §1). Each runs in one transaction, holds the dossier's
row lock, and records what happened as a dossier event through the core (dossier_record_event, with
the guards of onestop.workflow.registry.EVENT_KINDS), so that it appears in the timeline and the
notifications' outbox sees it in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from procedures.models import Agency

from ..access import PROCESSING_ROLES
from ..models import (
    COUNTER_SOURCES,
    CRITERIA,
    Dossier,
    DossierEvent,
    DossierStatus,
    EvaluationSource,
    SatisfactionEvaluation,
    SatisfactionHandler,
    StaffRole,
)
from ..workflow import TransitionError, dossier_record_event
from ..workflow.registry import ACTIONS
from ..workflow.steps import steps_of
from .rules import revisable_until

COMMENT_MAX = 2000
REPLY_MAX = 2000


def _clean(answers: dict[str, Any], comment: str) -> tuple[dict[str, str], str]:
    """Every criterion answered with one of its answers; the comment optional and bounded."""
    cleaned: dict[str, str] = {}
    missing = []
    for criterion in CRITERIA:
        code = str(answers.get(criterion.key) or "")
        if code not in {a.code for a in criterion.answers}:
            missing.append(str(criterion.question))
        cleaned[criterion.key] = code
    if missing:
        raise ValidationError(_("Answer every question: %(questions)s") % {"questions": "; ".join(missing)})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(_("The comment is too long (at most %(n)s characters).") % {"n": COMMENT_MAX})
    return cleaned, comment


def _locked(dossier: Dossier) -> Dossier:
    """The dossier row, locked for the transaction: two submissions at once are taken in turn, and
    the second sees the first's evaluation (one per dossier). Reading, not changing it."""
    return Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=dossier.pk)


def _after_return(dossier: Dossier) -> None:
    if dossier.status != DossierStatus.RETURNED:
        raise TransitionError(_("A dossier can be evaluated only after its result has been returned."))


def _handlers(evaluation: SatisfactionEvaluation, dossier: Dossier) -> None:
    """Who handled the dossier: the officers who took a workflow action on it while holding a
    processing role at one of the dossier's units (its desk and its process's units), and those
    units. Four queries."""
    actor_ids = set(
        DossierEvent.objects.filter(dossier=dossier, action__in=list(ACTIONS), actor__isnull=False)
        .exclude(actor_id=dossier.applicant_id)
        .values_list("actor_id", flat=True)
    )
    if not actor_ids:
        return
    codes = {step["agency"] for step in steps_of(dossier) if step.get("agency")}
    unit_ids = set(Agency.objects.filter(code__in=codes).values_list("pk", flat=True)) | {dossier.agency_id}
    pairs = set(
        StaffRole.objects.filter(user_id__in=actor_ids, agency_id__in=unit_ids, role__in=PROCESSING_ROLES)
        .values_list("agency_id", "user_id")
        .distinct()
    )
    copied = {"evaluation": evaluation, "created_at": evaluation.created_at, "overall": evaluation.overall}
    SatisfactionHandler.objects.bulk_create(
        [SatisfactionHandler(unit_id=unit, **copied) for unit in sorted({unit for unit, _ in pairs})]
        + [SatisfactionHandler(officer_id=officer, **copied) for officer in sorted({officer for _, officer in pairs})]
    )


def _store(
    locked: Dossier,
    existing: SatisfactionEvaluation | None,
    *,
    answers: dict[str, str],
    comment: str,
    source: str,
    recorded_by,
) -> SatisfactionEvaluation:
    now = timezone.now()
    if existing is None:
        evaluation = SatisfactionEvaluation(
            dossier=locked, agency_id=locked.agency_id, created_at=now, updated_at=now, revisions=0
        )
    else:
        evaluation = existing
        evaluation.updated_at = now
        evaluation.revisions += 1
    evaluation.source = source
    evaluation.recorded_by = recorded_by
    evaluation.comment = comment
    for key, code in answers.items():
        setattr(evaluation, key, code)
    evaluation.full_clean(exclude=["dossier", "agency", "recorded_by", "replied_by"])
    evaluation.save()
    if existing is None:
        _handlers(evaluation, locked)
    else:  # the figures per unit and officer follow the revised answer
        SatisfactionHandler.objects.filter(evaluation=evaluation).update(overall=evaluation.overall)
    return evaluation


@transaction.atomic
def evaluation_submit(
    *,
    dossier: Dossier,
    answers: dict[str, Any],
    comment: str = "",
    actor=None,
    verified: bool = False,
) -> SatisfactionEvaluation:
    """The applicant's evaluation, or its revision within the revision window (rules.py).

    `actor`: the applicant, signed in (the guard: OWNER). `verified=True` and no actor: the public
    tracking page, after the dossier code and the applicant's verifier matched
    (onestop.submission.selectors.dossier_track, with its per-code lock and the per-client limit) —
    the system records it on the applicant's behalf. Raises TransitionError (not the applicant, not
    returned, no longer revisable) or ValidationError (answers).
    """
    answers, comment = _clean(answers, comment)
    if verified and actor is not None:
        raise ValueError("a verified submission has no actor")
    locked = _locked(dossier)
    _after_return(locked)
    existing = SatisfactionEvaluation.objects.filter(dossier=locked).first()
    now = timezone.now()
    if existing is not None and now > revisable_until(existing):
        raise TransitionError(
            _(
                "This dossier was evaluated on %(date)s. An evaluation can be changed only within %(days)s "
                "days; it can no longer be changed."
            )
            % {
                "date": date_format(timezone.localtime(existing.created_at), "d/m/Y"),
                "days": (revisable_until(existing) - existing.created_at).days,
            }
        )
    source = EvaluationSource.TRACKING if verified else EvaluationSource.ONLINE
    # The guard (OWNER or SYSTEM, status returned) runs on the locked row before anything is stored.
    dossier_record_event(
        dossier=locked,
        kind="satisfaction_evaluated",
        actor=actor,
        system=verified,
        data={"source": source, "overall": answers["overall"], "revision": existing.revisions + 1 if existing else 0},
    )
    return _store(locked, existing, answers=answers, comment=comment, source=source, recorded_by=actor)


@transaction.atomic
def evaluation_record_at_counter(
    *, dossier: Dossier, actor, source: str, answers: dict[str, Any], comment: str = ""
) -> SatisfactionEvaluation:
    """A receptionist of the receiving desk types in the evaluation the applicant gave at the counter
    (a paper form or the kiosk), marked with its source and the officer. Once per dossier: an
    evaluation already given (online or at the counter) is not overwritten by the desk."""
    if source not in COUNTER_SOURCES:
        raise ValidationError(_("Choose where the evaluation was given (paper form or kiosk)."))
    answers, comment = _clean(answers, comment)
    locked = _locked(dossier)
    _after_return(locked)
    dossier_record_event(
        dossier=locked,
        kind="satisfaction_recorded",
        actor=actor,
        data={"source": source, "overall": answers["overall"]},
    )
    if SatisfactionEvaluation.objects.filter(dossier=locked).exists():
        raise TransitionError(_("This dossier has already been evaluated; an evaluation is recorded once."))
    return _store(locked, None, answers=answers, comment=comment, source=source, recorded_by=actor)


@transaction.atomic
def evaluation_answer(*, dossier: Dossier, actor, reply: str) -> SatisfactionEvaluation:
    """The agency answers the applicant's comment (onestop.access.FEEDBACK_ANSWER_ROLES at the
    receiving desk). The applicant sees it on the dossier page and is told (satisfaction.answered).
    A later answer replaces the earlier one; each is in the timeline."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError(_("Write the answer to the applicant."))
    if len(reply) > REPLY_MAX:
        raise ValidationError(_("The answer is too long (at most %(n)s characters).") % {"n": REPLY_MAX})
    locked = _locked(dossier)
    evaluation = SatisfactionEvaluation.objects.filter(dossier=locked).first()
    # The guard first: someone who may not answer learns nothing about the evaluation.
    dossier_record_event(dossier=locked, kind="satisfaction_answered", actor=actor, note=reply)
    if evaluation is None or not evaluation.comment:
        raise TransitionError(_("There is no comment to answer on this dossier."))
    evaluation.reply = reply
    evaluation.replied_by = actor
    evaluation.replied_at = timezone.now()
    evaluation.save(update_fields=["reply", "replied_by", "replied_at"])
    return evaluation
