"""Reads of the satisfaction evaluation: one dossier's (for its pages) and the figures (for the
statistics, issue #12) — set-based SQL over indexed columns, a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Count, Q
from django.utils import timezone

from ..models import DossierStatus, SatisfactionEvaluation, SatisfactionHandler
from ..workflow import event_allowed
from .rules import revisable_until, satisfied_answers


class Figures(TypedDict):
    count: int  # evaluations given in the period
    satisfied_pct: float | None  # share satisfied, in percent (one decimal); None when count is 0


@dataclass(frozen=True)
class EvaluationState:
    """What a page shows and offers about one dossier's evaluation, for one user."""

    evaluation: SatisfactionEvaluation | None
    returned: bool
    may_evaluate: bool  # the applicant may give (or still change) their evaluation
    revisable_until: dt.datetime | None
    may_record_at_counter: bool  # a receptionist of the desk, nothing recorded yet
    may_answer: bool  # the agency may answer the comment

    @property
    def read_only(self) -> bool:
        return self.evaluation is not None and not self.may_evaluate


def evaluation_of(*, dossier) -> SatisfactionEvaluation | None:
    """The dossier's evaluation with who recorded and answered it (one query)."""
    return (
        SatisfactionEvaluation.objects.select_related("recorded_by", "replied_by").filter(dossier_id=dossier.pk).first()
    )


def evaluation_state(*, dossier, user, as_owner: bool, verified: bool = False) -> EvaluationState:
    """The evaluation of `dossier` and what `user` may do with it: one query (the guards read the
    request's scope). `as_owner`: the applicant's own page; `verified`: the tracking page after the
    code and verifier matched (the applicant, not signed in)."""
    evaluation = evaluation_of(dossier=dossier)
    returned = dossier.status == DossierStatus.RETURNED
    until = revisable_until(evaluation) if evaluation is not None else None
    open_ = returned and (evaluation is None or timezone.now() <= until)
    applicant = verified or (as_owner and getattr(user, "is_authenticated", False) and dossier.applicant_id == user.pk)
    staff = not as_owner and not verified
    return EvaluationState(
        evaluation=evaluation,
        returned=returned,
        may_evaluate=bool(applicant and open_),
        revisable_until=until,
        may_record_at_counter=staff
        and evaluation is None
        and event_allowed(dossier=dossier, kind="satisfaction_recorded", user=user),
        may_answer=staff
        and evaluation is not None
        and bool(evaluation.comment)
        and event_allowed(dossier=dossier, kind="satisfaction_answered", user=user),
    )


# ------------------------------------------------------------------------------ the figures


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    """A date is its local midnight (Asia/Ho_Chi_Minh); a naive datetime is local time."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _figures(rows, ids: list[int]) -> dict[int, Figures]:
    result: dict[int, Figures] = {pk: {"count": 0, "satisfied_pct": None} for pk in ids}
    for key, count, satisfied in rows:
        result[key] = {"count": count, "satisfied_pct": round(100.0 * satisfied / count, 1) if count else None}
    return result


def _period(start, end) -> Q:
    return Q(created_at__gte=_moment(start), created_at__lt=_moment(end))


def satisfaction_summary(
    agency_ids: Iterable[int], start: dt.datetime | dt.date, end: dt.datetime | dt.date
) -> dict[int, Figures]:
    """Satisfaction per receiving agency over a period: ``{agency_id: {"count", "satisfied_pct"}}``.

    * ``agency_ids`` — the receiving agencies (``Dossier.agency``) to report; each is in the answer,
      with ``{"count": 0, "satisfied_pct": None}`` when none of its dossiers was evaluated. A subtree
      is the caller's to expand (procedures.selectors.agency_subtree_ids); figures are not rolled up.
    * ``start`` (inclusive), ``end`` (exclusive) — the period, on the moment of the first evaluation
      of each dossier (a revision does not move it); aware datetimes, or dates meaning local midnight.
    * ``count`` — dossiers evaluated in the period (one evaluation per dossier, whatever its source:
      online, tracking page, paper or kiosk at the counter).
    * ``satisfied_pct`` — the percentage (one decimal) of those whose overall answer counts as
      satisfied: "very satisfied" or "satisfied" (Decision 766/QĐ-TTg of 2022, the satisfaction
      indicator group; the answers are configurable — onestop.satisfaction.rules).

    One query (GROUP BY over the index (agency, created_at)), whatever the number of agencies.
    """
    ids = sorted(set(agency_ids))
    if not ids:
        return {}
    rows = (
        SatisfactionEvaluation.objects.filter(_period(start, end), agency_id__in=ids)
        .values("agency_id")
        .annotate(count=Count("pk"), satisfied=Count("pk", filter=Q(overall__in=satisfied_answers())))
        .values_list("agency_id", "count", "satisfied")
        .order_by()
    )
    return _figures(rows, ids)


def _by_handler(field: str, ids: Iterable[int], start, end) -> dict[int, Figures]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = (
        SatisfactionHandler.objects.filter(_period(start, end), **{f"{field}_id__in": ids})
        .values(f"{field}_id")
        .annotate(count=Count("pk"), satisfied=Count("pk", filter=Q(overall__in=satisfied_answers())))
        .values_list(f"{field}_id", "count", "satisfied")
        .order_by()
    )
    return _figures(rows, ids)


def satisfaction_summary_by_unit(
    unit_ids: Iterable[int], start: dt.datetime | dt.date, end: dt.datetime | dt.date
) -> dict[int, Figures]:
    """Like ``satisfaction_summary``, per unit that handled the dossier: ``{unit_id: {"count",
    "satisfied_pct"}}``. A unit counts a dossier when one of its officers (holding a processing role
    there) took a workflow action on it — the receiving desk included; a dossier handled by several
    units counts once in each. One query (GROUP BY over SatisfactionHandler's index (unit,
    created_at), which carries the overall answer: no join, no DISTINCT)."""
    return _by_handler("unit", unit_ids, start, end)


def satisfaction_summary_by_officer(
    officer_ids: Iterable[int], start: dt.datetime | dt.date, end: dt.datetime | dt.date
) -> dict[int, Figures]:
    """Like ``satisfaction_summary``, per officer (user id) who handled the dossier — took a workflow
    action on it (received, forwarded, approved, returned…) while holding a processing role at one
    of its units: ``{user_id: {"count", "satisfied_pct"}}``. A dossier counts once per officer. One
    query (index (officer, created_at))."""
    return _by_handler("officer", officer_ids, start, end)
