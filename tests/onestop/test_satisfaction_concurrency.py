"""Two evaluations of one dossier at the same moment (a double submit reaching two workers, or the
desk typing a paper answer while the applicant answers online): the dossier's row lock orders them;
there is one evaluation and each accepted write has its event."""

import threading

import pytest
from django.db import connection, connections

from onestop.models import DossierEvent, SatisfactionEvaluation
from onestop.satisfaction import services
from tests.onestop.test_satisfaction import BEST, answers, returned

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: SQLite serialises every writer anyway"
    ),
]


def test_the_applicant_and_the_desk_at_once_make_one_evaluation(office):
    dossier = returned(office)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def online():
        try:
            barrier.wait(timeout=10)
            services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall="satisfied"))
            outcomes.append("online")
        except Exception as exc:  # collected and asserted below
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    def counter():
        try:
            barrier.wait(timeout=10)
            services.evaluation_record_at_counter(
                dossier=dossier, actor=office.receptionist, source="paper", answers=BEST
            )
            outcomes.append("counter")
        except Exception as exc:  # collected and asserted below
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=online), threading.Thread(target=counter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert SatisfactionEvaluation.objects.count() == 1
    evaluation = SatisfactionEvaluation.objects.get()
    events = DossierEvent.objects.filter(dossier=dossier, action__startswith="satisfaction_")
    if sorted(outcomes) == ["TransitionError", "online"]:  # the desk came second: refused
        assert evaluation.source == "online" and events.count() == 1
    else:  # the desk first; the applicant's answer then revised the transcription
        assert sorted(outcomes) == ["counter", "online"]
        assert evaluation.source == "online" and evaluation.revisions == 1 and events.count() == 2


def test_two_first_evaluations_at_once_make_one_and_a_revision(office):
    dossier = returned(office)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def submit(overall):
        try:
            barrier.wait(timeout=10)
            services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=answers(overall=overall))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(o,)) for o in ("satisfied", "dissatisfied")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    evaluation = SatisfactionEvaluation.objects.get()
    assert evaluation.revisions == 1
    revisions = DossierEvent.objects.filter(dossier=dossier, action="satisfaction_evaluated")
    assert sorted(revisions.values_list("data__revision", flat=True)) == [0, 1]
