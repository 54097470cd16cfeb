"""The rules of the evaluation, in one place (configurable where the source was not confirmed)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# The applicant may change their answers for this long after the first evaluation; then it is
# read-only (issue #12). A product rule, not a legal one: SATISFACTION_REVISION_DAYS.
DEFAULT_REVISION_DAYS = 7

# Decision 766/QĐ-TTg (23/6/2022), the satisfaction indicator group of the service-quality index:
# the share of evaluated dossiers whose applicants were satisfied, i.e. answered "very satisfied" or
# "satisfied" overall. REFERENCE.md does not carry the Decision's text and this reading was not
# confirmed from it, so the answers that count are a setting (SATISFACTION_SATISFIED_ANSWERS).
DEFAULT_SATISFIED_ANSWERS = ("very_satisfied", "satisfied")


def revision_window() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "SATISFACTION_REVISION_DAYS", DEFAULT_REVISION_DAYS))


def satisfied_answers() -> tuple[str, ...]:
    """The codes of the overall answer that count as satisfied."""
    return tuple(getattr(settings, "SATISFACTION_SATISFIED_ANSWERS", DEFAULT_SATISFIED_ANSWERS))


def revisable_until(evaluation) -> dt.datetime:
    return evaluation.created_at + revision_window()
