"""The back-office actions through the one transition service, per role and status."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onestop import workflow as bo
from onestop.models import Dossier, DossierEvent, DossierStatus
from onestop.workflow import TransitionError, dossier_supplement
from onestop.workflow.table import TRANSITIONS
from tests.onestop.conftest import result_pdf

pytestmark = pytest.mark.django_db


def _walk_to_processing(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    bo.dossier_forward(dossier=dossier, actor=office.receptionist)
    return dossier


def test_receive_sets_the_appointment_and_the_first_step(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.national_status == 2
    assert dossier.received_at and dossier.due_at > dossier.received_at
    assert (dossier.current_step, dossier.step_agency, dossier.assignee) == (1, office.agency, office.receptionist)
    assert dossier.step_due_at <= dossier.due_at
    event = dossier.events.get(action="receive")
    assert event.data["form"] == "01" and event.actor == office.receptionist


@pytest.mark.parametrize("who", ["specialist", "approver", "postal_clerk", "citizen", "outsider"])
def test_only_the_desk_receives(office, who):
    dossier = office.submitted()
    with pytest.raises(TransitionError):
        bo.dossier_receive(dossier=dossier, actor=getattr(office, who))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert not DossierEvent.objects.filter(dossier=dossier, action="receive").exists()


def test_full_processing_walk(office):
    dossier = _walk_to_processing(office)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_step, dossier.assignee) == (DossierStatus.PROCESSING, 2, None)
    with pytest.raises(TransitionError):  # the approver does not hold step 2 (specialist)
        bo.dossier_forward(dossier=dossier, actor=office.approver)
    bo.dossier_assign(dossier=dossier, actor=office.approver, assignee=office.specialist)
    bo.dossier_forward(dossier=dossier, actor=office.specialist, note="Hồ sơ hợp lệ")
    dossier.refresh_from_db()
    assert dossier.current_step == 3
    bo.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED and dossier.national_status == 9
    result = dossier.documents.get(role="result")
    assert result.file.owner == office.citizen  # the e-result goes into the citizen's data store
    with pytest.raises(ValidationError):
        bo.dossier_return_result(dossier=dossier, actor=office.receptionist, method="counter")
    bo.dossier_return_result(
        dossier=dossier, actor=office.receptionist, method="counter", recipient_name="Nguyễn Văn An",
        recipient_id_number="074090001234",
    )  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.national_status == 10
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == ["submit", "receive", "forward", "assign", "forward", "resolve", "return_result"]


def test_by_post_only_the_postal_clerk_marks_returned(office):
    dossier = office.submitted()
    Dossier.objects.filter(pk=dossier.pk).update(delivery_method="post", delivery_address="Số 5 Yersin")
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    bo.dossier_forward(dossier=dossier, actor=office.receptionist)
    bo.dossier_forward(dossier=dossier, actor=office.specialist)
    bo.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    with pytest.raises(TransitionError):
        bo.dossier_return_result(dossier=dossier, actor=office.receptionist, method="post")
    with pytest.raises(TransitionError):  # not before the delivery is recorded on the shipment
        bo.dossier_return_result(dossier=dossier, actor=office.postal_clerk, method="post")
    from onestop.postal.services import shipment_record

    shipment_record(shipment=dossier.shipment, state="handed_over", actor=office.postal_clerk)
    shipment_record(shipment=dossier.shipment, state="delivered", actor=office.postal_clerk, delivered_to="An")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED


def test_send_back_needs_a_reason_and_a_previous_step(office):
    dossier = _walk_to_processing(office)
    bo.dossier_forward(dossier=dossier, actor=office.specialist)
    with pytest.raises(ValidationError):
        bo.dossier_send_back(dossier=dossier, actor=office.approver, reason="")
    bo.dossier_send_back(dossier=dossier, actor=office.approver, reason="Thiếu thẩm định")
    dossier.refresh_from_db()
    assert dossier.current_step == 2
    event = dossier.events.get(action="send_back")
    assert event.public is False and event.note == "Thiếu thẩm định"


def test_supplement_pauses_and_resumes_the_clock_and_keeps_the_code(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier.refresh_from_db()
    code, due = dossier.code, dossier.due_at
    bo.dossier_request_supplement(
        dossier=dossier,
        actor=office.receptionist,
        items=[{"name": "Tờ khai", "detail": "ký tên"}],
        reason="Thiếu chữ ký",
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and dossier.paused_at is not None
    assert dossier.remaining_minutes > 0
    event = dossier.events.get(action="request_supplement")
    assert event.data["form"] == "02" and event.data["counts_as_overdue"] is False
    from onestop.models import StoredFile
    from onestop.uploads.storage import stored_file_create
    from onestop.uploads.validation import validate_upload
    from tests.portal.submission_helpers import pdf_upload

    upload = pdf_upload("bo-sung.pdf")
    stored = stored_file_create(
        owner=office.citizen, uploaded=upload, validated=validate_upload(upload, max_bytes=10**7)
    )
    dossier_supplement(dossier=dossier, actor=office.citizen, files=[("GT01", stored)])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.code == code
    assert dossier.paused_at is None and dossier.remaining_minutes is None
    assert dossier.due_at >= due  # the supplement time did not count
    assert StoredFile.objects.filter(pk=stored.pk).exists()
    # A second request is allowed but flagged: it counts as overdue nationally.
    bo.dossier_request_supplement(dossier=dossier, actor=office.receptionist, items=[{"name": "X"}], reason="Lần 2")
    assert dossier.events.filter(action="request_supplement").latest("created_at").data["counts_as_overdue"] is True


def test_refuse_needs_reasons_and_only_at_the_check(office):
    dossier = office.submitted()
    with pytest.raises(ValidationError):
        bo.dossier_refuse(dossier=dossier, actor=office.receptionist, reasons=" ")
    bo.dossier_refuse(dossier=dossier, actor=office.receptionist, reasons="Không thuộc thẩm quyền")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REJECTED and dossier.national_status == 3
    with pytest.raises(TransitionError):
        bo.dossier_receive(dossier=dossier, actor=office.receptionist)


def test_extend_once_and_at_least_one_working_day_before(office):
    dossier = _walk_to_processing(office)
    dossier.refresh_from_db()
    new_due = dossier.due_at + dt.timedelta(days=3)
    with pytest.raises(ValidationError):
        bo.dossier_extend(dossier=dossier, actor=office.approver, reason="Chờ xác minh", new_due_at=dossier.due_at)
    bo.dossier_extend(dossier=dossier, actor=office.approver, reason="Chờ xác minh", new_due_at=new_due)
    dossier.refresh_from_db()
    assert dossier.due_at == new_due and dossier.extensions == 1
    assert dossier.events.get(action="extend").data["form"] == "04"
    with pytest.raises(TransitionError):
        bo.dossier_extend(
            dossier=dossier, actor=office.approver, reason="Lần nữa", new_due_at=new_due + dt.timedelta(days=1)
        )


def test_extend_too_late_is_refused(office):
    dossier = _walk_to_processing(office)
    dossier.refresh_from_db()
    dossier.due_at = timezone.now() + dt.timedelta(hours=1)
    dossier.save(update_fields=["due_at"])
    with pytest.raises(TransitionError, match="một ngày làm việc"):
        bo.dossier_extend(
            dossier=dossier, actor=office.approver, reason="Trễ", new_due_at=dossier.due_at + dt.timedelta(days=2)
        )


def test_stop_needs_reason_and_legal_basis(office):
    dossier = _walk_to_processing(office)
    with pytest.raises(ValidationError):
        bo.dossier_stop(dossier=dossier, actor=office.approver, reason="Theo yêu cầu", legal_basis="")
    bo.dossier_stop(dossier=dossier, actor=office.approver, reason="Có tranh chấp", legal_basis="Điều 15 Luật Hộ tịch")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED and dossier.national_status == 8


def test_assign_only_to_someone_holding_the_step_role(office):
    dossier = _walk_to_processing(office)
    with pytest.raises(TransitionError):
        bo.dossier_assign(dossier=dossier, actor=office.approver, assignee=office.citizen)
    with pytest.raises(TransitionError):
        bo.dossier_assign(dossier=dossier, actor=office.specialist, assignee=office.specialist)
    second = _walk_to_processing(office)
    assert bo.dossiers_assign(dossiers=[dossier, second], actor=office.approver, assignee=office.specialist) == 2
    assert {d.assignee_id for d in type(dossier).objects.filter(pk__in=[dossier.pk, second.pk])} == {
        office.specialist.pk
    }
    assert dossier.events.get(action="assign").data["assignee_id"] == office.specialist.pk


def test_a_stale_page_cannot_act(office):
    dossier = office.submitted()
    seen = dossier.version
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    with pytest.raises(TransitionError, match="vừa thao tác"):
        bo.dossier_refuse(dossier=dossier, actor=office.receptionist, reasons="x", expected_version=seen)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("receptionist", {"receive", "refuse", "request_supplement"}),
        ("specialist", set()),
        ("approver", set()),
        ("citizen", set()),
        ("outsider", set()),
    ],
)
def test_allowed_actions_on_a_submitted_dossier(office, who, expected):
    dossier = office.submitted()
    assert set(bo.allowed_actions(dossier=dossier, user=getattr(office, who))) == expected


def test_allowed_actions_follow_the_step(office):
    dossier = _walk_to_processing(office)
    dossier.refresh_from_db()
    assert "forward" in bo.allowed_actions(dossier=dossier, user=office.specialist)
    assert "resolve" not in bo.allowed_actions(dossier=dossier, user=office.approver)
    assert {"assign", "extend", "stop"} <= set(bo.allowed_actions(dossier=dossier, user=office.approver))
    bo.dossier_forward(dossier=dossier, actor=office.specialist)
    dossier.refresh_from_db()
    assert {"resolve", "send_back"} <= set(bo.allowed_actions(dossier=dossier, user=office.approver))
    assert "forward" not in bo.allowed_actions(dossier=dossier, user=office.approver)  # last step


def test_the_transition_table_covers_every_status_and_forbids_the_rest(office):
    statuses = {s for t in TRANSITIONS.values() for s in t.sources}
    assert set(DossierStatus.values) - {"rejected", "withdrawn", "stopped", "returned"} <= statuses
    dossier = office.submitted()
    from django.db import transaction

    from onestop.workflow import _engine

    for action, transition in TRANSITIONS.items():
        if dossier.status not in transition.sources:
            with pytest.raises(TransitionError), transaction.atomic():
                _engine.begin(dossier, action, actor=office.receptionist, system=True)
    with pytest.raises(TransitionError), transaction.atomic():
        _engine.begin(dossier, "teleport", actor=office.receptionist)


def test_counter_registration(office):
    from onestop.workflow import dossier_register

    with pytest.raises(ValidationError, match="Thiếu giấy tờ"):
        dossier_register(
            actor=office.receptionist, agency=office.agency, procedure=office.procedure,
            applicant={"cccd": "074195005678", "full_name": "Trần Thị Bình", "phone": "0987654321"},
            checked_documents=[], scans=[], delivery_method="counter",
        )  # fmt: skip
    dossier = dossier_register(
        actor=office.receptionist, agency=office.agency, procedure=office.procedure,
        applicant={"cccd": "074195005678", "full_name": "Trần Thị Bình", "phone": "0987654321", "address": "Dĩ An"},
        checked_documents=["GT01"], scans=[], delivery_method="counter",
    )  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.channel == 1
    assert dossier.code.startswith("000.20.01.H12-") and dossier.due_at
    assert dossier.applicant.cccd == "074195005678" and not dossier.applicant.has_usable_password()
    assert dossier.events.get().data["checked_documents"] == ["GT01"]
    # The same citizen again: found by CCCD, not created twice.
    again = dossier_register(
        actor=office.receptionist, agency=office.agency, procedure=office.procedure,
        applicant={"cccd": "074195005678", "full_name": ""}, checked_documents=["GT01"], scans=[],
        delivery_method="counter",
    )  # fmt: skip
    assert again.applicant_id == dossier.applicant_id
    with pytest.raises(TransitionError):
        dossier_register(
            actor=office.specialist, agency=office.agency, procedure=office.procedure,
            applicant={"cccd": "074195005678"}, checked_documents=["GT01"], scans=[], delivery_method="counter",
        )  # fmt: skip
