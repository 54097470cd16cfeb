"""A procedure paid at submission (Procedure.pay_at_submission): the citizen sees what is owed in the
wizard, submitting leads to "Thanh toán trực tuyến", the dossier waits in national 6 — not in the
desk's queue, not receivable — until the gateway's IPN confirms it; then the desk sees and receives it.
And the postage of a result by post: paid online with the fees, else collected on delivery."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop import workflow
from onestop.access import access_scope
from onestop.backoffice.queues import QUEUES_BY_KEY, queue_dossiers
from onestop.models import Dossier, DossierStatus, PostageMode, PostageRule, Shipment
from onestop.postal.slips import slips_pdf
from payments.models import Payment, PaymentStatus, Receipt
from portal.demo.dossiers import demo_dossier
from procedures.models import Procedure
from procedures.services import procedures_import
from tests.onestop.conftest import result_pdf
from tests.payments.conftest import gateway_params
from tests.portal.submission_helpers import fill_until_review, start, submit, wizard_url
from tests.procedures.records import record

pytestmark = pytest.mark.django_db

FEES = 15_000 + 2_000  # the test record's online lines: a fee and a per-copy line (one copy)
POSTAGE = 20_000


def _inbox(user) -> set[int]:
    scope = access_scope(user)
    return set(
        queue_dossiers(queue=QUEUES_BY_KEY["inbox"], scope=scope, now=timezone.now()).values_list("pk", flat=True)
    )


@pytest.fixture
def paid_at_submission(office):
    report = procedures_import(
        records=[record(MOTCUA_TRAKETQUA=["counter", "online", "post"], MOTCUA_THANHTOANKHINOP=True)]
    )
    assert not report.rejected, report.rejected
    assert Procedure.objects.get(code="1.001193").pay_at_submission
    PostageRule.objects.create(agency=office.agency, mode=PostageMode.FLAT, flat_amount=POSTAGE)
    return office


def test_the_citizen_journey_submit_pay_through_the_ipn_then_the_desk_receives(client, paid_at_submission):
    office = paid_at_submission
    client.force_login(office.citizen)
    dossier = start(client)
    fill_until_review(client, dossier, delivery="post")

    review = client.get(wizard_url(dossier, "review")).content.decode()
    assert 'id="pay-at-submission"' in review
    assert "37.000 đồng" in review and "Cước dịch vụ bưu chính" in review  # fees + postage, its own line

    response = submit(client, dossier)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Thanh toán trực tuyến" in page and reverse("payments:pay", args=[dossier.public_id]) in page
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert dossier.check_due_at is None  # the desk's 8 hours do not run while the citizen pays
    asked = dossier.events.get(action="request_payment")
    assert asked.actor is None and asked.from_status == DossierStatus.SUBMITTED and asked.data["at_submission"]

    # Not paid: not in the desk's queue, and not receivable.
    assert dossier.pk not in _inbox(office.receptionist)
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_receive(dossier=dossier, actor=office.receptionist)

    # "Thanh toán trực tuyến" → the gateway; its IPN confirms the payment.
    assert client.post(reverse("payments:pay", args=[dossier.public_id])).status_code == 302
    payment = Payment.objects.get(dossier=dossier)
    assert payment.amount == FEES + POSTAGE
    assert [item["amount"] for item in payment.items] == [15_000, 2_000, POSTAGE]
    answer = client.get(reverse("payments:vnpay_ipn"), gateway_params(payment)).json()
    assert answer["RspCode"] == "00"

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.check_due_at > timezone.now()  # the desk's 8 working hours start at the payment
    assert dossier.pk in _inbox(office.receptionist)
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID

    # The e-receipt lists the postage as its own line, in the total and in words.
    import io

    from pypdf import PdfReader

    receipt = Receipt.objects.get(payment=payment)
    response = client.get(reverse("payments:receipt", args=[dossier.public_id, receipt.public_id]))
    pdf = b"".join(response.streaming_content)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("Cước dịch vụ bưu chính công ích", "20.000 đồng", "37.000 đồng", "Ba mươi bảy nghìn đồng"):
        assert expected in text, expected


def test_a_free_procedure_paid_at_submission_goes_straight_to_the_desk(office):
    report = procedures_import(records=[record(MOTCUA_THANHTOANKHINOP=True, CACHTHUCTHUCHIEN=[
        {"KENH": "2", "THOIGIAN": [{"THOIGIANGIAIQUYET": "3", "DONVITINH": "Ngày làm việc", "PHILEPHI": []}]},
    ])])  # fmt: skip
    assert not report.rejected, report.rejected
    dossier = demo_dossier(procedure=Procedure.objects.get(code="1.001193"), applicant=office.citizen)
    assert dossier.status == DossierStatus.SUBMITTED
    assert not dossier.events.filter(action="request_payment").exists()


def test_an_unpaid_dossier_can_be_withdrawn_but_no_officer_asks_or_receives(paid_at_submission):
    office = paid_at_submission
    dossier = demo_dossier(procedure=office.procedure, applicant=office.citizen, pay=False)
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    for user in (office.receptionist, office.specialist, office.approver):
        assert workflow.allowed_actions(dossier=dossier, user=user) in ([], ["confirm_payment"])
    workflow.dossier_withdraw(dossier=dossier, actor=office.citizen, reason="Tôi không nộp nữa.")


# ------------------------------------------------------------------------- postage on delivery


def _resolved_by_post(office, *, pay: bool) -> Dossier:
    dossier = demo_dossier(procedure=office.procedure, applicant=office.citizen, submit=False)
    Dossier.objects.filter(pk=dossier.pk).update(
        delivery_method="post", delivery_address="Số 5 Nguyễn An Ninh, phường Dĩ An", delivery_phone="0912345678"
    )
    dossier = workflow.dossier_submit(
        dossier=Dossier.objects.get(pk=dossier.pk), actor=office.citizen, declaration=True
    )
    assert dossier.snapshot["postage"]["amount"] == POSTAGE
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    if pay:
        process = dossier.snapshot["process"]
        process[1]["actions"] = [*process[1]["actions"], "request_payment"]
        Dossier.objects.filter(pk=dossier.pk).update(snapshot={**dossier.snapshot, "process": process})
        dossier.refresh_from_db()
        dossier = workflow.dossier_request_payment(dossier=dossier, actor=office.specialist)
        dossier = workflow.dossier_confirm_payment(
            dossier=dossier, actor=office.receptionist, amount=FEES + POSTAGE, reference="BL-0001"
        )
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    return workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())


@pytest.fixture
def with_postage(office):
    PostageRule.objects.create(agency=office.agency, mode=PostageMode.FLAT, flat_amount=POSTAGE)
    return office


def test_unpaid_the_post_collects_fees_and_postage_and_the_slip_says_so(with_postage):
    import io

    from pypdf import PdfReader

    dossier = _resolved_by_post(with_postage, pay=False)
    shipment = Shipment.objects.get(dossier=dossier)
    assert (shipment.cod_amount, shipment.postage_amount) == (FEES + POSTAGE, POSTAGE)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(slips_pdf([shipment]))).pages)
    text = " ".join(text.split())
    assert "37.000" in text and "gồm cước bưu chính 20.000" in text, text


def test_paid_with_the_fees_the_post_collects_nothing(with_postage):
    dossier = _resolved_by_post(with_postage, pay=True)
    payment = Payment.objects.get(dossier=dossier)
    assert payment.items[-1]["amount"] == POSTAGE  # the counter's receipt lists the postage too
    shipment = Shipment.objects.get(dossier=dossier)
    assert (shipment.cod_amount, shipment.postage_amount) == (0, 0)
