"""The demo citizen has a dossier waiting for payment, payable through the sandbox."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from onestop.models import Dossier, DossierStatus
from payments.models import Receipt
from portal.demo.dossiers import seed_dossier_awaiting_payment
from portal.models import User


@pytest.mark.django_db
def test_congdan_pays_the_demo_dossier_through_the_sandbox(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--without-dossiers")
    an = User.objects.get(email="congdan@demo.vn")
    assert seed_dossier_awaiting_payment(applicant=an) == 1
    dossier = Dossier.objects.get(applicant=an, status=DossierStatus.AWAITING_PAYMENT)
    client.force_login(an)
    assert "Thanh toán trực tuyến" in client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    gateway = client.post(reverse("payments:pay", args=[dossier.public_id]))["Location"]
    form = dict(parse_qsl(urlsplit(gateway).query))
    client.post(reverse("payments:sandbox_pay"), {**form, "choice": "pay"})
    dossier.refresh_from_db()
    assert dossier.status != DossierStatus.AWAITING_PAYMENT
    assert Receipt.objects.filter(payment__dossier=dossier).exists()
