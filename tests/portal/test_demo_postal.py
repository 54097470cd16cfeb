"""The demo: buudien@demo.vn has shipments in every state (seeded through the workflow; idempotent)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from onestop.models import Shipment, ShipmentState
from portal.demo.postal import seed_postal_shipments
from portal.models import User

pytestmark = pytest.mark.django_db


def test_the_postal_clerk_has_shipments_in_every_state(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--without-dossiers", verbosity=0)
    made = seed_postal_shipments()
    assert made >= len(ShipmentState.values)
    assert seed_postal_shipments() == 0  # idempotent
    assert set(Shipment.objects.values_list("state", flat=True)) == set(ShipmentState.values)
    client.force_login(User.objects.get(email="buudien@demo.vn"))
    response = client.get(reverse("onestop:postal_list"))
    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert all(counts[state] >= 1 for state in ShipmentState.values), counts
