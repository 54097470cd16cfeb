"""Demo satisfaction evaluations (issue #12), through the real services (idempotent):

* congdan@demo.vn gets three dossiers walked to their return by the demo staff: two wait for an
  evaluation (the "Đánh giá mức độ hài lòng" button on the dossier page), one is evaluated with a
  comment that the desk (tiepnhan@demo.vn) has answered;
* about half of the other returned demo dossiers are evaluated — online, from the tracking page, or
  typed in at the counter by tiepnhan@ — so that the figures per agency, unit and officer have data.
"""

from __future__ import annotations

from onestop.models import CRITERIA, Dossier, DossierStatus, SatisfactionEvaluation
from onestop.satisfaction.services import evaluation_answer, evaluation_record_at_counter, evaluation_submit
from portal.models import User
from procedures.models import Procedure

from .clock import start_days_back, take_a_while
from .dossiers import demo_dossier
from .walk import DemoStaff, walk

CITIZEN_PROCEDURES = ("1.001193", "1.004873", "2.000720")  # the last one is evaluated and answered
OVERALL_CYCLE = ("very_satisfied", "satisfied", "satisfied", "dissatisfied", "very_satisfied", "satisfied")


def _answers(overall: str) -> dict[str, str]:
    answers = {c.key: c.answers[0].code for c in CRITERIA}
    answers["overall"] = overall
    if overall == "dissatisfied":
        answers.update(timeliness="dissatisfied", total_time="late", contacts="twice")
    return answers


def _citizen_dossiers(staff: DemoStaff) -> int:
    an = User.objects.get(email="congdan@demo.vn")
    if Dossier.objects.filter(applicant=an, status=DossierStatus.RETURNED).exists():
        return 0
    made = []
    for code in CITIZEN_PROCEDURES:
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            continue
        start_days_back(3, 10)  # the demo seed: a history of some days
        made.append(walk(demo_dossier(procedure=procedure, applicant=an), staff=staff))
    if made:
        answered = made[-1]
        take_a_while()
        evaluation_submit(
            dossier=answered,
            actor=an,
            answers=_answers("satisfied"),
            comment="Cán bộ hướng dẫn tận tình, nhưng phải chờ khá lâu ở quầy trả kết quả.",
        )
        take_a_while()
        evaluation_answer(
            dossier=answered,
            actor=staff.desk,
            reply=(
                "Cảm ơn Ông/Bà đã góp ý. Từ tháng này Trung tâm bố trí thêm một quầy trả kết quả vào giờ cao "
                "điểm và nhắn tin khi kết quả sẵn sàng."
            ),
        )
    return len(made)


def _other_evaluations(staff: DemoStaff) -> None:
    returned = (
        Dossier.objects.filter(status=DossierStatus.RETURNED, evaluation__isnull=True)
        .exclude(applicant__email__in=["congdan@demo.vn", "congdan2@demo.vn"])
        .select_related("agency")
        .order_by("pk")
    )
    if SatisfactionEvaluation.objects.exclude(dossier__applicant__email="congdan@demo.vn").exists():
        return
    for n, dossier in enumerate(returned):
        if n % 2:
            continue  # half of them stay without an evaluation
        overall = OVERALL_CYCLE[(n // 2) % len(OVERALL_CYCLE)]
        take_a_while(after=dossier.closed_at)  # the demo seed: evaluated after its return
        if n % 3 == 0 and staff.desk.staff_roles.filter(agency=dossier.agency, role="receptionist").exists():
            evaluation_record_at_counter(
                dossier=dossier, actor=staff.desk, source="paper" if n % 4 else "kiosk", answers=_answers(overall)
            )
        else:
            evaluation_submit(dossier=dossier, verified=True, answers=_answers(overall))


def seed_satisfaction() -> int:
    """Returns the number of dossiers created for congdan@demo.vn (0 when already there)."""
    staff = DemoStaff()
    made = _citizen_dossiers(staff)
    _other_evaluations(staff)
    return made
