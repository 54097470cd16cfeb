import pytest
from django.core.management import call_command

from onestop.models import Role, StaffRole
from onestop.selectors import agencies_where_user_has_role
from portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from portal.models import User
from procedures.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_complete():
    from onestop.models import Dossier, DossierStatus

    call_command("seed_demo")
    counts = (Agency.objects.count(), User.objects.count(), StaffRole.objects.count(), Dossier.objects.count())
    call_command("seed_demo")
    assert (Agency.objects.count(), User.objects.count(), StaffRole.objects.count(), Dossier.objects.count()) == counts
    # The back office is alive: about 200 dossiers in every status, some overdue.
    assert Dossier.objects.count() >= 200
    assert set(Dossier.objects.values_list("status", flat=True)) == set(DossierStatus.values)
    from django.utils import timezone

    assert Dossier.objects.filter(status=DossierStatus.SUBMITTED, check_due_at__lt=timezone.now()).exists()
    assert Dossier.objects.filter(assignee__email="chuyenvien@demo.vn", status=DossierStatus.PROCESSING).exists()
    assert Dossier.objects.filter(applicant__email="congdan@demo.vn").count() >= 4
    # Satisfaction (issue #12): congdan@ has returned dossiers waiting for an evaluation, and one
    # evaluated with a comment the agency answered; other returned dossiers feed the figures.
    from onestop.models import SatisfactionEvaluation

    returned = Dossier.objects.filter(applicant__email="congdan@demo.vn", status=DossierStatus.RETURNED)
    assert returned.filter(evaluation__isnull=True).count() >= 2
    answered = SatisfactionEvaluation.objects.get(dossier__in=returned)
    assert answered.comment and answered.reply and answered.replied_by.email == "tiepnhan@demo.vn"
    sources = set(SatisfactionEvaluation.objects.values_list("source", flat=True))
    assert {"online", "tracking", "paper", "kiosk"} <= sources
    evaluations = SatisfactionEvaluation.objects.count()
    call_command("seed_demo")
    assert SatisfactionEvaluation.objects.count() == evaluations

    assert Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count() >= 4
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE).count() >= 3
    assert Agency.objects.get(kind=AgencyKind.SERVICE_CENTRE).parent.kind == AgencyKind.PROVINCE
    assert len(ACCOUNTS) == 9 and User.objects.filter(email__in=[a[0] for a in ACCOUNTS]).count() == 9
    for email, *_ in ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.emailaddress_set.get().verified

    receptionist = User.objects.get(email="tiepnhan@demo.vn")
    centre = Agency.objects.get(kind=AgencyKind.SERVICE_CENTRE)
    assert centre in agencies_where_user_has_role(user=receptionist, role=Role.RECEPTIONIST)
    assert User.objects.get(email="admin@demo.vn").is_superuser
    assert not User.objects.get(email="congdan@demo.vn").staff_roles.exists()


def test_demo_accounts_can_log_in(client):
    call_command("seed_demo", "--without-dossiers")
    response = client.post("/accounts/login/", {"login": "tiepnhan@demo.vn", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/mot-cua/"
    assert "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh" in response.content.decode()


def test_demo_catalogue_is_rich_enough():
    from procedures.models import OnlineLevel, Procedure, ProcedureStatus

    call_command("seed_demo", "--without-dossiers")
    published = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
    assert published.count() >= 40
    assert published.values("sector").distinct().count() >= 8
    assert published.filter(online_level=OnlineLevel.FULL).exists()
    assert published.filter(online_level=OnlineLevel.PARTIAL).exists()
    assert any("post" in p.delivery_methods for p in published)
    assert Procedure.objects.filter(status=ProcedureStatus.DRAFT).exists()
    for name in ["Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp Phiếu lý lịch tư pháp", "Đăng ký hộ kinh doanh"]:
        assert published.filter(name__startswith=name).exists(), name
    for procedure in published.prefetch_related("documents", "form_fields", "fees"):
        assert procedure.documents.exists(), procedure.code
        assert procedure.form_fields.exists(), procedure.code
        assert hasattr(procedure, "process"), procedure.code
