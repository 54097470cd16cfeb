"""Reads for the back office that the actions need (the queues are in queues.py)."""

from __future__ import annotations

from django.db.models import Q

from ..models import Dossier, DossierStatus, StaffRole


def dossier_for_staff(*, user, dossier_id: int) -> Dossier:
    """One dossier, only for staff holding a role in its agency or in the unit of its current step
    (Dossier.DoesNotExist otherwise: the same answer as an unknown id)."""
    agencies = StaffRole.objects.filter(user=user, active=True, agency__active=True).values("agency_id")
    return (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .select_related("procedure", "agency", "step_agency", "assignee", "applicant")
        .filter(Q(agency_id__in=agencies) | Q(step_agency_id__in=agencies))
        .get(pk=dossier_id)
    )
