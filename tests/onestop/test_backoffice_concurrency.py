"""Two officers acting on one dossier at once: one succeeds, the other gets a clear message and
nothing is half-done (row lock in the one transition service). PostgreSQL only (CI runs it)."""

import threading

import pytest
from django.db import connection, connections

from onestop import workflow as bo
from onestop.models import DossierEvent, DossierStatus, Role
from onestop.workflow import TransitionError
from tests.factories import StaffRoleFactory


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: row locks (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once(office):
    dossier = office.submitted()
    second_desk = StaffRoleFactory(agency=office.agency, role=Role.RECEPTIONIST).user
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(name, call):
        try:
            barrier.wait()
            call()
            outcomes[name] = "ok"
        except TransitionError as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act, args=("receive", lambda: bo.dossier_receive(dossier=dossier, actor=office.receptionist))
        ),
        threading.Thread(
            target=act,
            args=("refuse", lambda: bo.dossier_refuse(dossier=dossier, actor=second_desk, reasons="Sai thủ tục")),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(str(type(v).__name__) if v != "ok" else "ok" for v in outcomes.values()) == ["TransitionError", "ok"]
    loser = next(v for v in outcomes.values() if v != "ok")
    # The loser is told the dossier has moved on, in Vietnamese.
    assert "Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái" in str(loser)
    dossier.refresh_from_db()
    assert dossier.status in {DossierStatus.RECEIVED, DossierStatus.REJECTED}
    assert DossierEvent.objects.filter(dossier=dossier).exclude(action="submit").count() == 1
    assert dossier.version == 2
