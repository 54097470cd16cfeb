"""Reads for the citizen side: my dossiers, one dossier, its timeline, the vault, public tracking
(which counts wrong verifiers per code)."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.core.cache import cache
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet

from procedures.validators import normalize_phone

from ..models import (
    DocumentRole,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    SatisfactionEvaluation,
    StoredFile,
)


def dossiers_of_applicant(*, user) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant=user).select_related("procedure", "agency").order_by("-created_at", "-pk")


def dossier_rows_of_applicant(*, user) -> QuerySet[dict]:
    """What "Hồ sơ của tôi" shows of each dossier, newest first, as plain values: no snapshot or form
    answers (≈ 2 KB of JSON a dossier, TOASTed) and no model instances (issue #17). Walks the
    (applicant, -created_at) index. `awaits_evaluation`: returned, and the satisfaction evaluation not
    given yet (the list offers the form, issue #12)."""
    awaits = Q(status=DossierStatus.RETURNED) & ~Exists(SatisfactionEvaluation.objects.filter(dossier=OuterRef("pk")))
    return (
        Dossier.objects.filter(applicant=user)
        .order_by("-created_at", "-pk")
        .annotate(awaits_evaluation=ExpressionWrapper(awaits, output_field=BooleanField()))
        .values(*ROW_FIELDS)
    )


# What a row of "Hồ sơ của tôi" reads (dossier_rows_of_applicant).
ROW_FIELDS = ("public_id", "code", "status", "wizard_step", "submitted_at", "due_at", "procedure__name",
              "awaits_evaluation")  # fmt: skip


def drafts_of(*, applicant, procedure) -> QuerySet[Dossier]:
    """The applicant's drafts of one procedure, the most recently edited first (the start page offers
    to resume them instead of adding another)."""
    return Dossier.objects.filter(applicant=applicant, procedure=procedure, status=DossierStatus.DRAFT).order_by(
        "-updated_at", "-pk"
    )


def dossier_timeline(*, dossier: Dossier, public_only: bool) -> QuerySet[DossierEvent]:
    events = dossier.events.select_related("actor").order_by("created_at", "pk")
    return events.filter(public=True) if public_only else events


def latest_supplement_request(*, dossier: Dossier) -> DossierEvent | None:
    return dossier.events.filter(action="request_supplement").order_by("-created_at", "-pk").first()


def vault_of(*, user) -> QuerySet[StoredFile]:
    """The citizen's electronic data store (Decree 45/2020; TT 01/2023 art. 24): their documents,
    with the dossiers they were used in, newest first."""
    return (
        StoredFile.objects.filter(owner=user)
        # Files an officer or a partner's system added while processing (DocumentRole.ADDED) are
        # the agencies' working papers, not the citizen's documents.
        .exclude(dossier_documents__role=DocumentRole.ADDED)
        .prefetch_related(
            Prefetch(
                "dossier_documents",
                queryset=DossierDocument.objects.select_related("dossier", "dossier__procedure").order_by("created_at"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def _verifier_matches(dossier: Dossier, verifier: str) -> bool:
    verifier = (verifier or "").strip()
    if not verifier:
        return False
    digits = re.sub(r"\D", "", verifier)
    if len(digits) == 4 and dossier.applicant_id_number:
        return hmac.compare_digest(digits, dossier.applicant_id_number[-4:])
    phone = normalize_phone(verifier)
    return bool(dossier.applicant_phone) and hmac.compare_digest(phone, normalize_phone(dossier.applicant_phone))


# A dossier code is printed on paper: the verifier (phone, or 4 ID digits) is the secret, and 4 digits
# fall quickly to guessing from many addresses. So besides the per-client limit (portal), each code
# gets at most TRACK_FAILS_PER_CODE wrong verifiers per TRACK_FAIL_WINDOW; then it answers as unknown
# — even to the right verifier — for TRACK_LOCK_SECONDS, and its owner is told.
TRACK_FAILS_PER_CODE = 5
TRACK_FAIL_WINDOW = 3600
TRACK_LOCK_SECONDS = 3600


def _count_failure(key: str) -> int:
    if cache.add(key, 1, TRACK_FAIL_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, TRACK_FAIL_WINDOW)
        return 1


def dossier_track(*, code: str, verifier: str) -> Dossier | None:
    """The public tracking lookup: a code plus the applicant's phone or the last 4 digits of their ID.

    Unknown codes, wrong pairs and locked codes give the same None, so the lookup reveals nothing.
    """
    code = (code or "").strip().upper()
    if not code or len(code) > 60:
        return None
    key = hashlib.sha256(code.encode()).hexdigest()[:32]  # cache keys of any code the public types
    if cache.get(f"track-lock:{key}"):
        return None
    dossier = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .select_related("procedure", "agency", "applicant")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        return None
    if not _verifier_matches(dossier, verifier):
        if _count_failure(f"track-fail:{key}") >= TRACK_FAILS_PER_CODE and cache.add(
            f"track-lock:{key}", 1, TRACK_LOCK_SECONDS
        ):
            _tell_the_owner(dossier)
        return None
    return dossier


def _tell_the_owner(dossier: Dossier) -> None:
    """The applicant learns that someone is guessing (once per lock)."""
    from django.utils import timezone

    from ..notifications.services import citizen_channels, dossier_context, notify_user

    applicant = dossier.applicant
    if not applicant.is_active:
        return
    notify_user(
        user=applicant,
        kind="tracking.locked",
        context=dossier_context(dossier=dossier),
        channels=citizen_channels(user=applicant),
        dedup_key=f"tracking.locked:{dossier.pk}:{timezone.now():%Y%m%d%H}",
        dossier=dossier,
    )
