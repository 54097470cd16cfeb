"""Satisfaction evaluation (issue #12): only the applicant, only after the return, once, revisable
for 7 days; the desk records a counter evaluation; the agency answers a comment; the figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onestop import workflow
from onestop.models import (
    CRITERIA,
    DossierEvent,
    Notification,
    Role,
    SatisfactionEvaluation,
    SatisfactionHandler,
)
from onestop.satisfaction import services
from onestop.satisfaction.selectors import (
    satisfaction_summary,
    satisfaction_summary_by_officer,
    satisfaction_summary_by_unit,
)
from onestop.workflow import TransitionError
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory
from tests.onestop.conftest import result_pdf

pytestmark = pytest.mark.django_db

# One answer per criterion (the first, "best" one) and a mixed set.
BEST = {c.key: c.answers[0].code for c in CRITERIA}


def answers(**overrides) -> dict[str, str]:
    return {**BEST, **overrides}


def returned(office, *, citizen=None):
    """A dossier walked by the office's staff from submission to the result returned online."""
    from portal.demo.dossiers import demo_dossier

    dossier = office.submitted() if citizen is None else demo_dossier(procedure=office.procedure, applicant=citizen)
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())
    return workflow.dossier_return_result(dossier=dossier, actor=office.receptionist, method="online")


def resolved(office):
    dossier = office.submitted()
    workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    workflow.dossier_forward(dossier=dossier, actor=office.specialist)
    return workflow.dossier_resolve(dossier=dossier, actor=office.approver, result_file=result_pdf())


# ---------------------------------------------------------------------------- the services


def test_the_applicant_evaluates_a_returned_dossier_once_and_it_is_in_the_timeline(office):
    dossier = returned(office)
    evaluation = services.evaluation_submit(
        dossier=dossier, actor=office.citizen, answers=answers(overall="satisfied"), comment="Cán bộ nhiệt tình."
    )
    assert (evaluation.source, evaluation.recorded_by, evaluation.overall) == ("online", office.citizen, "satisfied")
    assert evaluation.agency == dossier.agency and evaluation.revisions == 0
    event = DossierEvent.objects.get(dossier=dossier, action="satisfaction_evaluated")
    assert event.public and event.actor == office.citizen and event.data["source"] == "online"
    assert event.to_status == event.from_status == "returned"
    # The officers who acted on it, at the unit where they hold their role (here all one agency).
    handlers = set(SatisfactionHandler.objects.values_list("unit_id", "officer_id", "overall"))
    assert handlers == {
        (office.agency.pk, None, "satisfied"),
        (None, office.receptionist.pk, "satisfied"),
        (None, office.specialist.pk, "satisfied"),
        (None, office.approver.pk, "satisfied"),
    }
    assert {h.created_at for h in SatisfactionHandler.objects.all()} == {evaluation.created_at}
    dossier.refresh_from_db()
    assert dossier.status == "returned"  # an evaluation changes no status


@pytest.mark.parametrize("who", ["receptionist", "approver", "specialist", "postal_clerk", "outsider"])
def test_nobody_but_the_applicant_evaluates(office, who):
    dossier = returned(office)
    with pytest.raises(TransitionError):
        services.evaluation_submit(dossier=dossier, actor=getattr(office, who), answers=answers())
    with pytest.raises(TransitionError):
        services.evaluation_submit(dossier=dossier, actor=UserFactory(), answers=answers())
    assert not SatisfactionEvaluation.objects.exists()
    assert not DossierEvent.objects.filter(action__startswith="satisfaction").exists()


def test_only_after_the_result_is_returned(office):
    dossier = resolved(office)
    with pytest.raises(TransitionError, match="chỉ được đánh giá mức độ hài lòng sau khi đã trả kết quả"):
        services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers())
    with pytest.raises(TransitionError):
        services.evaluation_record_at_counter(
            dossier=dossier, actor=office.receptionist, source="paper", answers=answers()
        )
    assert not SatisfactionEvaluation.objects.exists()


def test_every_criterion_must_be_answered_with_one_of_its_answers(office):
    dossier = returned(office)
    with pytest.raises(ValidationError):
        services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(publicity=""))
    with pytest.raises(ValidationError):
        services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="excellent"))
    with pytest.raises(ValidationError):
        services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(), comment="x" * 2001)
    assert not SatisfactionEvaluation.objects.exists()


def test_revisable_for_seven_days_then_refused_in_vietnamese(office, settings):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="dissatisfied"))
    revised = services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(), comment="Sửa lại")
    assert SatisfactionEvaluation.objects.count() == 1
    assert (revised.overall, revised.revisions, revised.comment) == ("very_satisfied", 1, "Sửa lại")
    assert set(SatisfactionHandler.objects.values_list("overall", flat=True)) == {"very_satisfied"}
    assert list(
        DossierEvent.objects.filter(action="satisfaction_evaluated").values_list("data__revision", flat=True)
    ) == [0, 1]
    # Eight days after the first evaluation: read-only.
    SatisfactionEvaluation.objects.update(created_at=timezone.now() - dt.timedelta(days=7, minutes=1))
    with pytest.raises(TransitionError) as refused:
        services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="dissatisfied"))
    assert "chỉ có thể sửa trong 7 ngày" in str(refused.value) and "không thể thay đổi" in str(refused.value)
    assert SatisfactionEvaluation.objects.get().overall == "very_satisfied"


def test_the_tracking_page_path_records_for_the_applicant(office):
    dossier = returned(office)
    evaluation = services.evaluation_submit(dossier=dossier, verified=True, answers=answers())
    assert (evaluation.source, evaluation.recorded_by) == ("tracking", None)
    assert DossierEvent.objects.get(action="satisfaction_evaluated").actor is None


def test_the_desk_records_a_counter_evaluation_once(office):
    dossier = returned(office)
    with pytest.raises(ValidationError):
        services.evaluation_record_at_counter(dossier=dossier, actor=office.receptionist, source="online", answers=BEST)
    for who in ("specialist", "approver", "postal_clerk", "outsider", "citizen"):
        with pytest.raises(TransitionError):
            services.evaluation_record_at_counter(
                dossier=dossier, actor=getattr(office, who), source="paper", answers=BEST
            )
    evaluation = services.evaluation_record_at_counter(
        dossier=dossier, actor=office.receptionist, source="kiosk", answers=answers(overall="satisfied")
    )
    assert (evaluation.source, evaluation.recorded_by) == ("kiosk", office.receptionist)
    event = DossierEvent.objects.get(action="satisfaction_recorded")
    assert event.actor == office.receptionist and event.data["source"] == "kiosk"
    with pytest.raises(TransitionError, match="đã được đánh giá"):
        services.evaluation_record_at_counter(dossier=dossier, actor=office.receptionist, source="paper", answers=BEST)
    assert DossierEvent.objects.filter(action="satisfaction_recorded").count() == 1
    # The applicant's own answer may still replace the transcription within the window.
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="very_satisfied"))
    assert SatisfactionEvaluation.objects.get().source == "online"


def test_the_desk_cannot_overwrite_an_online_evaluation(office):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="dissatisfied"))
    with pytest.raises(TransitionError):
        services.evaluation_record_at_counter(dossier=dossier, actor=office.receptionist, source="paper", answers=BEST)
    assert SatisfactionEvaluation.objects.get().overall == "dissatisfied"


def test_the_agency_answers_a_comment_and_the_applicant_is_told(office):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST)
    with pytest.raises(TransitionError, match="không có ý kiến"):  # no comment: nothing to answer
        services.evaluation_answer(dossier=dossier, actor=office.receptionist, reply="Cảm ơn")
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST, comment="Phải chờ lâu ở quầy.")
    for who in ("specialist", "postal_clerk", "outsider", "citizen"):
        with pytest.raises(TransitionError):
            services.evaluation_answer(dossier=dossier, actor=getattr(office, who), reply="x")
    with pytest.raises(ValidationError):
        services.evaluation_answer(dossier=dossier, actor=office.approver, reply="  ")
    evaluation = services.evaluation_answer(
        dossier=dossier, actor=office.approver, reply="Cơ quan đã bố trí thêm một quầy tiếp nhận."
    )
    assert evaluation.replied_by == office.approver and evaluation.replied_at is not None
    event = DossierEvent.objects.get(action="satisfaction_answered")
    rows = Notification.objects.filter(recipient=office.citizen, kind="satisfaction.answered", event=event)
    assert rows.exists()
    assert all("bố trí thêm một quầy" in row.body for row in rows if row.channel != "sms")
    # The receptionist of the desk may answer too (and the later answer replaces the earlier one).
    services.evaluation_answer(dossier=dossier, actor=office.receptionist, reply="Bổ sung: quầy số 3.")
    assert SatisfactionEvaluation.objects.get().reply == "Bổ sung: quầy số 3."


def test_the_returned_message_links_to_the_evaluation_form(office, settings):
    settings.SITE_URL = "https://dichvucong.example.vn"
    dossier = returned(office)
    rows = Notification.objects.filter(recipient=office.citizen, kind="dossier.returned")
    assert rows.exists()
    link = f"https://dichvucong.example.vn/tra-cuu/danh-gia/?ma={dossier.code}"
    for row in rows:
        assert link in row.body, row.channel


# ------------------------------------------------------------------------------- the figures


def _evaluated(office, overall: str, *, at: dt.datetime, citizen=None):
    dossier = returned(office, citizen=citizen)
    evaluation = services.evaluation_submit(dossier=dossier, actor=dossier.applicant, answers=answers(overall=overall))
    # Back-date it (the handler rows carry the evaluation's first moment too).
    SatisfactionEvaluation.objects.filter(pk=evaluation.pk).update(created_at=at)
    SatisfactionHandler.objects.filter(evaluation=evaluation).update(created_at=at)
    return dossier


def test_summary_numbers_on_a_hand_built_set(office, django_assert_num_queries):
    tz = timezone.get_current_timezone()
    may = dt.datetime(2026, 5, 10, 9, 0, tzinfo=tz)
    june = dt.datetime(2026, 6, 2, 9, 0, tzinfo=tz)
    # May at the office: very satisfied, satisfied, dissatisfied, dissatisfied → 2 of 4 = 50 %.
    for overall in ("very_satisfied", "satisfied", "dissatisfied", "dissatisfied"):
        _evaluated(office, overall, at=may)
    # June: one satisfied; and one evaluation exactly at the end of May (excluded: end is exclusive).
    _evaluated(office, "satisfied", at=june)
    _evaluated(office, "dissatisfied", at=dt.datetime(2026, 6, 1, 0, 0, tzinfo=tz))
    # A second agency with its own desk and staff, and a dossier of it handled there.
    quiet = AgencyFactory(name="Ủy ban nhân dân xã Im Lặng")

    with django_assert_num_queries(1):
        may_figures = satisfaction_summary([office.agency.pk, quiet.pk], dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    assert may_figures == {
        office.agency.pk: {"count": 4, "satisfied_pct": 50.0},
        quiet.pk: {"count": 0, "satisfied_pct": None},
    }
    both = satisfaction_summary([office.agency.pk], dt.date(2026, 5, 1), dt.date(2026, 7, 1))
    assert both == {office.agency.pk: {"count": 6, "satisfied_pct": 50.0}}  # 3 of 6
    assert satisfaction_summary([], dt.date(2026, 5, 1), dt.date(2026, 7, 1)) == {}

    # Per officer: the receptionist, specialist and approver handled every one; the outsider none.
    officers = [office.receptionist.pk, office.specialist.pk, office.outsider.pk]
    with django_assert_num_queries(1):
        by_officer = satisfaction_summary_by_officer(officers, dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    assert by_officer == {
        office.receptionist.pk: {"count": 2, "satisfied_pct": 50.0},
        office.specialist.pk: {"count": 2, "satisfied_pct": 50.0},
        office.outsider.pk: {"count": 0, "satisfied_pct": None},
    }
    with django_assert_num_queries(1):
        by_unit = satisfaction_summary_by_unit([office.agency.pk, quiet.pk], may, june)
    assert by_unit[office.agency.pk] == {"count": 5, "satisfied_pct": 40.0}  # May's four + 1 June at 00:00
    assert by_unit[quiet.pk] == {"count": 0, "satisfied_pct": None}


def test_a_revision_changes_the_figures_but_not_the_period(office):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="dissatisfied"))
    today = timezone.localdate()
    window = (today, today + dt.timedelta(days=1))
    assert satisfaction_summary([office.agency.pk], *window)[office.agency.pk]["satisfied_pct"] == 0.0
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="satisfied"))
    assert satisfaction_summary([office.agency.pk], *window)[office.agency.pk] == {"count": 1, "satisfied_pct": 100.0}


def test_which_answers_count_as_satisfied_is_a_setting(office, settings):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="satisfied"))
    today = timezone.localdate()
    window = (today, today + dt.timedelta(days=1))
    settings.SATISFACTION_SATISFIED_ANSWERS = ["very_satisfied"]
    assert satisfaction_summary([office.agency.pk], *window)[office.agency.pk]["satisfied_pct"] == 0.0


def test_units_of_a_transferred_dossier_count_each(office):
    """An officer counts at the unit where they hold a processing role among the dossier's units."""
    second_unit = AgencyFactory(name="Phòng Tư pháp")
    StaffRoleFactory(user=office.specialist, agency=second_unit, role=Role.SPECIALIST)
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST)
    # second_unit is not one of this dossier's units: the specialist counts at the office only.
    assert not SatisfactionHandler.objects.filter(unit=second_unit).exists()


# --------------------------------------------------------------------------- the back office


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_staff_page_shows_the_evaluation_and_answers_it(office):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST, comment="Nên có chỗ gửi xe.")
    page = reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})
    html = _client(office.approver).get(page).content.decode()
    assert "Đánh giá mức độ hài lòng" in html and "Nên có chỗ gửi xe." in html and "Rất hài lòng" in html
    assert reverse("onestop:evaluation_answer", args=[dossier.pk]) in html
    # The specialist reads it but is not offered the answer form.
    html = _client(office.specialist).get(page).content.decode()
    assert "Nên có chỗ gửi xe." in html and reverse("onestop:evaluation_answer", args=[dossier.pk]) not in html
    response = _client(office.approver).post(
        reverse("onestop:evaluation_answer", args=[dossier.pk]), {"reply": "Cơ quan sẽ bố trí bãi gửi xe."}
    )
    assert response.status_code == 302
    assert SatisfactionEvaluation.objects.get().reply == "Cơ quan sẽ bố trí bãi gửi xe."


def test_the_counter_recording_page(office):
    dossier = returned(office)
    url = reverse("onestop:evaluation_counter", args=[dossier.pk])
    desk = _client(office.receptionist)
    page = desk.get(reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})).content.decode()
    assert url in page and "Ghi nhận đánh giá tại quầy" in page
    form = desk.get(url).content.decode()
    assert 'type="radio"' in form and "Tại quầy, phiếu giấy" in form and "Tận tình, chu đáo" in form
    missing = desk.post(url, {**BEST, "source": "paper", "overall": ""})
    assert missing.status_code == 200 and not SatisfactionEvaluation.objects.exists()
    response = desk.post(url, {**BEST, "source": "paper", "comment": "Ghi theo phiếu số 12"})
    assert response.status_code == 302
    evaluation = SatisfactionEvaluation.objects.get()
    assert (evaluation.source, evaluation.recorded_by, evaluation.comment) == (
        "paper",
        office.receptionist,
        "Ghi theo phiếu số 12",
    )
    page = desk.get(reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})).content.decode()
    assert "Tại quầy, phiếu giấy" in page and "Lê Thị Cúc" in page
    # Recorded once: the form is no longer offered; the link leads back to the dossier, told why.
    again = desk.get(url, follow=True)
    assert again.redirect_chain[-1][0].endswith(reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk}))
    assert "Hồ sơ này đã được đánh giá" in again.content.decode()
    assert desk.post(url, {**BEST, "source": "kiosk"}).status_code == 302
    assert SatisfactionEvaluation.objects.get().source == "paper"


def test_wrong_users_on_the_staff_urls(office):
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST, comment="Ý kiến")
    other = returned(office)
    counter = reverse("onestop:evaluation_counter", args=[other.pk])
    reply = reverse("onestop:evaluation_answer", args=[dossier.pk])
    # Another agency's receptionist: the dossier does not exist for them.
    for url in (counter, reply):
        assert _client(office.outsider).get(url).status_code in (404, 405)
        assert _client(office.outsider).post(url, {**BEST, "source": "paper", "reply": "x"}).status_code == 404
    # The postal clerk of the desk sees only the delivery of a dossier by post: 404 here.
    assert _client(office.postal_clerk).post(reply, {"reply": "x"}).status_code == 404
    # Staff who see the dossier but may not do this: 403 — the specialist, and a leader (read-only).
    leader = StaffRoleFactory(agency=office.agency, role=Role.LEADER).user
    for user in (office.specialist, leader):
        refused = _client(user).get(counter)
        # The official's refusal, not the citizen's ("the back office is for officials only").
        assert refused.status_code == 403 and "Vai trò của bạn không cho phép" in refused.content.decode()
        assert _client(user).post(counter, {**BEST, "source": "paper"}).status_code == 403
        assert _client(user).post(reply, {"reply": "x"}).status_code == 403
    assert (
        "Ý kiến" in _client(leader).get(reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})).content.decode()
    )
    # Citizens (the applicant included) are not staff: 403; anonymous: to the login page.
    assert _client(office.citizen).post(reply, {"reply": "x"}).status_code == 403
    assert _client(UserFactory()).get(counter).status_code == 403
    anonymous = Client().post(reply, {"reply": "x"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert SatisfactionEvaluation.objects.get(dossier=dossier).reply == ""
    assert not SatisfactionEvaluation.objects.filter(dossier=other).exists()


def test_the_staff_page_runs_a_constant_number_of_queries(office, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST, comment="Tốt")
    client = _client(office.approver)
    page = reverse("onestop:dossier", kwargs={"dossier_id": dossier.pk})
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    # Many more evaluated dossiers of the agency: the same page costs the same.
    for _ in range(3):
        other = returned(office)
        services.evaluation_submit(dossier=other, actor=office.citizen, answers=BEST, comment="Tốt")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page).status_code == 200


def test_my_dossiers_says_which_returned_dossiers_wait_for_an_evaluation(office):
    """A citizen with several returned dossiers sees in "Hồ sơ của tôi" which ones still wait for
    their evaluation, with the form one click away; once evaluated, the link is gone."""
    waiting, evaluated = returned(office), returned(office)
    services.evaluation_submit(dossier=evaluated, actor=office.citizen, answers=BEST, comment="")
    still_processing = resolved(office)
    html = _client(office.citizen).get(reverse("portal:my_dossiers")).content.decode()
    links = re.findall(r'href="(/ho-so/[^"]+/danh-gia/)"', html)
    assert links == [reverse("portal:evaluate", args=[waiting.public_id])], links
    assert "Đánh giá mức độ hài lòng" in html and str(still_processing.public_id) in html
