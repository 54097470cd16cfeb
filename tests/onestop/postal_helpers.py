"""A dossier whose result goes by post, walked to `resolved` through the workflow."""

from __future__ import annotations

from onestop import workflow
from onestop.models import Dossier
from tests.onestop.conftest import result_pdf

ADDRESS = "Số 5 Nguyễn An Ninh, phường Thủ Dầu Một, Thành phố Hồ Chí Minh"


def in_processing_by_post(office, *, citizen=None) -> Dossier:
    dossier = (
        office.submitted()
        if citizen is None
        else __import__("portal.demo.dossiers", fromlist=["demo_dossier"]).demo_dossier(
            procedure=office.procedure, applicant=citizen
        )
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        delivery_method="post", delivery_address=ADDRESS, delivery_phone="0912345678"
    )
    dossier.refresh_from_db()
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    return workflow.dossier_forward(dossier=dossier, actor=office.specialist)


def resolved_by_post(office, **kwargs) -> Dossier:
    dossier = in_processing_by_post(office, **kwargs)
    return workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
