"""The demo gives lanhdao@demo.vn something to oversee (issue #12): late and nearly late dossiers
in several agencies of the province, with the reasons their officers recorded."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from onestop.access import access_scope
from onestop.backoffice.oversight import reasons_for
from onestop.backoffice.queue_reads import queue_counts
from onestop.backoffice.queues import QUEUES_BY_KEY, queue_dossiers
from portal.models import User

pytestmark = pytest.mark.django_db


def test_the_leader_of_the_province_has_late_and_due_soon_dossiers_with_reasons(client):
    call_command("seed_demo")
    leader = User.objects.get(email="lanhdao@demo.vn")
    scope = access_scope(leader)
    overdue = list(
        queue_dossiers(queue=QUEUES_BY_KEY["overdue"], scope=scope).values_list("pk", "agency_id", "step_agency_id")
    )
    places = {step or agency for _pk, agency, step in overdue}
    assert len(places) >= 4  # the centre, departments' units, wards
    reasons = reasons_for(pk for pk, _a, _s in overdue)
    assert sum("Gia hạn, xin lỗi" in text for text in reasons.values()) >= 4  # extensions with apology
    assert any("trả lại" in text.lower() for text in reasons.values())  # a send-back
    counts = queue_counts(scope=scope)
    assert counts["due_soon"] > 0 and counts["in_progress"] > counts["overdue"] > 0
    client.force_login(leader)
    html = client.get(reverse("onestop:home")).content.decode()
    assert f'<span class="figure-value">{counts["overdue"]}</span>' in html
