"""Reads for the citizen side: my dossiers, one dossier, its timeline, the vault, public tracking."""

from __future__ import annotations

import hmac
import re

from django.db.models import Prefetch, QuerySet

from procedures.validators import normalize_phone

from ..models import Dossier, DossierDocument, DossierEvent, DossierStatus, StoredFile


def dossiers_of_applicant(*, user) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant=user).select_related("procedure", "agency").order_by("-created_at", "-pk")


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


def dossier_track(*, code: str, verifier: str) -> Dossier | None:
    """The public tracking lookup: a code plus the applicant's phone or the last 4 digits of their ID.

    Unknown codes and wrong pairs give the same None, so the lookup reveals nothing.
    """
    code = (code or "").strip().upper()
    if not code:
        return None
    dossier = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .select_related("procedure", "agency")
        .filter(code=code)
        .first()
    )
    if dossier is None or not _verifier_matches(dossier, verifier):
        return None
    return dossier
