"""The dossier core's pieces that the review found missing: inter-agency transfer, the way out of
national status 6 (confirm payment), the step's allowed actions, one vocabulary, the event hook."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onestop import workflow
from onestop.backoffice.forms import ACTION_FORMS
from onestop.models import Dossier, DossierEvent, DossierStatus, Role
from onestop.workflow.hooks import event_recorded
from onestop.workflow.registry import ACTIONS, BACK_OFFICE_ACTIONS, EVENT_KINDS
from portal.demo.dossiers import demo_dossier
from procedures.models import Agency, Procedure, StepAction
from procedures.services import procedures_import
from tests.factories import StaffRoleFactory, UserFactory
from tests.onestop.conftest import result_pdf
from tests.procedures.records import record

pytestmark = pytest.mark.django_db

WARD, DEPARTMENT = "000.20.01.H12", "000.00.19.H12"


@pytest.fixture
def liaison(db, settings, tmp_path):
    """A ward procedure whose head transfers to a department (liên thông), which approves; the ward's
    desk returns the result."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    Agency.objects.create(code=DEPARTMENT, name="Công an Thành phố")
    steps = [
        {"TEN": "Tiếp nhận", "MADONVI": WARD, "VAITRO": "receptionist", "SOGIO": 1, "HANHDONG": ["forward"]},
        {"TEN": "Thẩm định", "MADONVI": WARD, "VAITRO": "specialist", "SOGIO": 2, "HANHDONG": ["forward"]},
        {"TEN": "Ký chuyển", "MADONVI": WARD, "VAITRO": "approver", "SOGIO": 1, "HANHDONG": ["transfer"]},
        {"TEN": "Xử lý", "MADONVI": DEPARTMENT, "VAITRO": "specialist", "SOGIO": 2, "HANHDONG": ["forward"]},
        {"TEN": "Phê duyệt", "MADONVI": DEPARTMENT, "VAITRO": "approver", "SOGIO": 1, "HANHDONG": ["approve"]},
        {"TEN": "Trả kết quả", "MADONVI": WARD, "VAITRO": "receptionist", "SOGIO": 1, "HANHDONG": ["return_result"]},
    ]
    report = procedures_import(records=[record(MOTCUA_QUYTRINH=steps, MOTCUA_TRAKETQUA=["online"])])
    assert not report.rejected, report.rejected
    ward, department = Agency.objects.get(code=WARD), Agency.objects.get(code=DEPARTMENT)

    def staff(role, where):
        return StaffRoleFactory(agency=where, role=role).user

    return {
        "procedure": Procedure.objects.get(code="1.001193"),
        "citizen": UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678"),
        "desk": staff(Role.RECEPTIONIST, ward),
        "ward_specialist": staff(Role.SPECIALIST, ward),
        "ward_head": staff(Role.APPROVER, ward),
        "dept_specialist": staff(Role.SPECIALIST, department),
        "dept_head": staff(Role.APPROVER, department),
        "department": department,
    }


def test_inter_agency_transfer_keeps_the_code_and_the_desk_returns_the_result(client, liaison):
    x = liaison
    dossier = demo_dossier(procedure=x["procedure"], applicant=x["citizen"])
    code = dossier.code
    dossier = workflow.dossier_receive(dossier=dossier, actor=x["desk"])
    dossier = workflow.dossier_forward(dossier=dossier, actor=x["desk"])
    dossier = workflow.dossier_forward(dossier=dossier, actor=x["ward_specialist"])
    assert workflow.allowed_actions(dossier=dossier, user=x["ward_head"]) == ["assign", "transfer", "extend", "stop"]
    with pytest.raises(workflow.TransitionError):  # the ward head's step lists only the transfer
        workflow.dossier_resolve(dossier=dossier, actor=x["ward_head"], result_file=result_pdf())
    dossier = workflow.dossier_transfer(
        dossier=dossier, actor=x["ward_head"], to_agency=x["department"], note="Chuyển Công an Thành phố"
    )
    assert (dossier.code, dossier.current_step, dossier.step_agency) == (code, 4, x["department"])
    # The department's staff now see and act on it; the ward's specialist no longer holds it.
    client.force_login(x["dept_specialist"])
    assert client.get(reverse("onestop:dossier", args=[dossier.pk])).status_code == 200
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_forward(dossier=dossier, actor=x["ward_specialist"])
    dossier = workflow.dossier_forward(dossier=dossier, actor=x["dept_specialist"])
    dossier = workflow.dossier_resolve(dossier=dossier, actor=x["dept_head"], result_file=result_pdf())
    assert dossier.status == DossierStatus.RESOLVED and dossier.step_agency.code == WARD  # back at the desk
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_return_result(dossier=dossier, actor=x["dept_head"], method="online")
    dossier = workflow.dossier_return_result(dossier=dossier, actor=x["desk"], method="online")
    assert dossier.status == DossierStatus.RETURNED and dossier.code == code
    transfer = dossier.events.get(action="transfer")
    assert transfer.data["to_agency"] == "Công an Thành phố" and transfer.public


def test_the_workflow_records_what_statistics_count_resolved_at_and_each_events_unit(liaison):
    """Statistics read columns, never event JSON: the resolve time on the dossier, the unit holding the
    dossier after each event (onestop.statistics.selectors)."""
    import datetime as dt

    from onestop.statistics.selectors import processing_times

    x = liaison
    dossier = workflow.dossier_receive(dossier=demo_dossier(procedure=x["procedure"], applicant=x["citizen"]),
                                       actor=x["desk"])  # fmt: skip
    dossier = workflow.dossier_forward(dossier=dossier, actor=x["desk"])
    dossier = workflow.dossier_forward(dossier=dossier, actor=x["ward_specialist"])
    dossier = workflow.dossier_transfer(dossier=dossier, actor=x["ward_head"], to_agency=x["department"], note="LT")
    dossier = workflow.dossier_forward(dossier=dossier, actor=x["dept_specialist"])
    assert dossier.resolved_at is None
    dossier = workflow.dossier_resolve(dossier=dossier, actor=x["dept_head"], result_file=result_pdf())
    resolve = dossier.events.get(action="resolve")
    assert dossier.resolved_at == resolve.created_at or abs(dossier.resolved_at - resolve.created_at) < dt.timedelta(
        seconds=1
    )
    units = list(dossier.events.order_by("created_at", "pk").values_list("action", "unit__code"))
    assert units[-4:] == [("forward", WARD), ("transfer", DEPARTMENT), ("forward", DEPARTMENT), ("resolve", WARD)]
    times = processing_times(
        agency_ids=[dossier.agency_id], start=dossier.resolved_at - dt.timedelta(hours=1),
        end=dossier.resolved_at + dt.timedelta(hours=1),
    )  # fmt: skip
    assert {r["unit_id"] for r in times["units"]} == {dossier.agency_id, x["department"].pk}


def _at_a_step_that_asks_for_payment(office) -> Dossier:
    dossier = office.submitted()
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    process = dossier.snapshot["process"]
    process[1]["actions"] = [*process[1]["actions"], "request_payment"]  # the specialist's step may ask
    Dossier.objects.filter(pk=dossier.pk).update(snapshot={**dossier.snapshot, "process": process})
    dossier.refresh_from_db()
    return dossier


def test_a_dossier_asked_to_pay_goes_back_where_it_was_when_paid(office):
    dossier = _at_a_step_that_asks_for_payment(office)
    dossier = workflow.dossier_request_payment(dossier=dossier, actor=office.specialist, amount=30_000)
    assert dossier.status == DossierStatus.AWAITING_PAYMENT and dossier.national_status == 6
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_confirm_payment(dossier=dossier, actor=office.citizen, reference="BL-1")  # not the owner
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_confirm_payment(dossier=dossier, actor=office.specialist, reference="BL-1")
    dossier = workflow.dossier_confirm_payment(dossier=dossier, system=True, amount=30_000, method="vnpay")
    assert dossier.status == DossierStatus.PROCESSING and dossier.current_step == 2
    event = dossier.events.get(action="confirm_payment")
    assert event.actor is None and event.data["amount"] == 30_000


def test_the_desk_records_cash_through_the_page(client, office):
    dossier = _at_a_step_that_asks_for_payment(office)
    dossier = workflow.dossier_request_payment(dossier=dossier, actor=office.specialist)
    client.force_login(office.receptionist)
    page = client.get(reverse("onestop:dossier", args=[dossier.pk]), {"hanh-dong": "confirm_payment"}).content.decode()
    assert reverse("onestop:dossier_action", args=[dossier.pk, "confirm_payment"]) in page
    url = reverse("onestop:dossier_action", args=[dossier.pk, "confirm_payment"])
    response = client.post(url, {"confirm": "on", "expected_version": dossier.version, "amount": "15000"})
    assert response.status_code == 200  # the receipt number is missing: the form says so
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    client.post(url, {"confirm": "on", "expected_version": dossier.version, "amount": "15000", "reference": "BL-7"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.events.get(action="confirm_payment").data["reference"] == "BL-7"


def test_a_step_that_does_not_list_an_action_refuses_it_on_the_page_and_in_the_service(client, office):
    dossier = office.submitted()
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    Dossier.objects.filter(pk=dossier.pk).update(
        snapshot={**dossier.snapshot, "process": [{**s, "actions": ["forward"]} for s in dossier.snapshot["process"]]}
    )
    dossier.refresh_from_db()
    client.force_login(office.specialist)
    html = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert 'id="hanh-dong-forward"' in html and "hanh-dong-request_supplement" not in html
    html = client.get(
        reverse("onestop:dossier", args=[dossier.pk]), {"hanh-dong": "request_supplement"}
    ).content.decode()
    assert "thao-tac/request_supplement" not in html  # not rendered, whatever the link asks
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_request_supplement(
            dossier=dossier, actor=office.specialist, items=[{"name": "Bản sao"}], reason="Thiếu"
        )


def test_import_maps_the_old_word_approve_to_resolve(db):
    procedures_import(records=[record()])  # the test record's approver step says "approve"
    step = Procedure.objects.get(code="1.001193").process.steps.get(role="approver")
    assert "resolve" in step.actions and "approve" not in step.actions


def test_one_vocabulary(db):
    assert set(StepAction.values) <= set(ACTIONS), "a step may only list actions of the workflow"
    assert set(ACTION_FORMS) == set(BACK_OFFICE_ACTIONS), "every action the page offers has its form"
    for name, spec in ACTIONS.items():
        assert spec.function.__name__.startswith("dossier_"), name
        assert spec.staff_label, name
    assert not set(ACTIONS) & set(EVENT_KINDS)


def test_every_event_goes_through_the_hook_inside_the_transaction(office):
    seen = []

    def receiver(sender, *, event, dossier, **kwargs):
        from django.db import connection

        seen.append((event.action, dossier.status, connection.in_atomic_block))

    event_recorded.connect(receiver)
    try:
        dossier = office.submitted()
        workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
        workflow.dossier_record_event(dossier=dossier, kind="payment_attempt", actor=office.citizen, data={"n": 1})
    finally:
        event_recorded.disconnect(receiver)
    assert seen == [
        ("submit", "submitted", True),
        ("receive", "received", True),
        ("payment_attempt", "received", True),
    ]
    attempt = DossierEvent.objects.get(action="payment_attempt")
    assert (attempt.from_status, attempt.to_status, attempt.public) == ("received", "received", False)
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_record_event(dossier=dossier, kind="payment_attempt", actor=office.receptionist)


@pytest.mark.django_db(transaction=True)  # committed data: the calendar's process cache is then shared
def test_listing_the_allowed_actions_costs_no_query_once_the_scope_is_read(office, django_assert_num_queries):
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    dossier = Dossier.objects.select_related("agency", "step_agency").get(pk=dossier.pk)
    from onestop.access import access_scope

    access_scope(office.approver)  # read once per request
    workflow.allowed_actions(dossier=dossier, user=office.approver)  # warms the process's calendar cache
    with django_assert_num_queries(0):
        allowed = workflow.allowed_actions(dossier=dossier, user=office.approver)
    assert {"assign", "extend", "stop"} <= set(allowed)
