"""My dossiers, the dossier page, withdraw, supplement, vault, public tracking — and who may see what."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from onestop.models import Dossier, DossierStatus, Role, StoredFile
from onestop.workflow import dossier_request_supplement
from procedures.models import Agency
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory
from tests.portal.submission_helpers import fill_until_review, import_catalogue, pdf_upload, start, submit, wizard_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client):
    """A submitted dossier of one citizen; returns (client logged in as the owner, dossier)."""
    import_catalogue()
    owner = UserFactory(full_name="Nguyễn Văn An")
    client.force_login(owner)
    dossier = start(client)
    fill_until_review(client, dossier)
    submit(client, dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    return client, dossier


def _receptionist_of(dossier):
    return StaffRoleFactory(agency=dossier.agency, role=Role.RECEPTIONIST).user


def test_my_dossiers_lists_status_in_vietnamese(submitted):
    client, dossier = submitted
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert dossier.code in html and "Mới đăng ký, chờ kiểm tra" in html


def test_dossier_page_shows_timeline_documents_form_and_fees(submitted):
    client, dossier = submitted
    html = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    for text in [dossier.code, "Đã nộp trực tuyến", "to-khai.pdf", "Họ tên người chồng", "15.000 đồng"]:
        assert text in html, text


def test_withdraw_needs_a_reason_then_withdraws(submitted):
    client, dossier = submitted
    url = reverse("portal:withdraw", args=[dossier.public_id])
    client.post(url, {"reason": ""})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    client.post(url, {"reason": "Tôi nộp nhầm thủ tục"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.national_status == 7
    assert dossier.withdraw_reason == "Tôi nộp nhầm thủ tục"
    client.post(url, {"reason": "lần nữa"})  # already withdrawn: refused, nothing changes
    assert dossier.events.filter(action="withdraw").count() == 1


def test_supplement_request_is_shown_and_answered_keeping_the_code(submitted):
    client, dossier = submitted
    receptionist = _receptionist_of(dossier)
    dossier_request_supplement(
        dossier=dossier,
        actor=receptionist,
        reason="Bản chụp tờ khai bị mờ",
        items=[{"name": "Tờ khai đăng ký kết hôn", "detail": "bản chụp rõ nét"}],
    )
    page = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Bản chụp tờ khai bị mờ" in page and "bản chụp rõ nét" in page
    code = dossier.code
    response = client.post(
        reverse("portal:supplement", args=[dossier.public_id]),
        {"requirement": "GT01", "files": pdf_upload("to-khai-ro.pdf"), "note": "Đã chụp lại"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.code == code
    assert dossier.documents.filter(role="supplement", file__original_name="to-khai-ro.pdf").exists()


def test_vault_lists_documents_and_they_can_be_reused(submitted):
    client, dossier = submitted
    html = client.get(reverse("portal:vault")).content.decode()
    assert "to-khai.pdf" in html and dossier.code in html
    stored = StoredFile.objects.get(original_name="to-khai.pdf")
    second = start(client, token="second")
    from tests.portal.submission_helpers import APPLICANT, FORM

    client.post(wizard_url(second, "applicant"), {**APPLICANT, "next": "1"})
    client.post(wizard_url(second, "form"), {**FORM, "next": "1"})
    client.post(wizard_url(second, "documents"), {"vault-GT01": [str(stored.pk)], "next": "1"})
    assert second.documents.get().file == stored  # reused, not uploaded again
    assert StoredFile.objects.filter(original_name="to-khai.pdf").count() == 1


def test_tracking_by_code_and_phone_or_last_id_digits(submitted, client):
    _, dossier = submitted
    client.logout()
    cache.clear()
    url = reverse("portal:track")
    ok = client.post(url, {"code": dossier.code, "verifier": "0912 345 678"}).content.decode()
    assert "Đã nộp trực tuyến" in ok and dossier.procedure.name in ok
    ok = client.post(url, {"code": dossier.code.lower(), "verifier": "1234"}).content.decode()
    assert dossier.procedure.name in ok
    wrong_pair = client.post(url, {"code": dossier.code, "verifier": "0900000000"}).content.decode()
    unknown = client.post(url, {"code": "000.00.00.H12-000000-9999", "verifier": "0912345678"}).content.decode()
    message = "Không tìm thấy hồ sơ"
    assert message in wrong_pair and message in unknown
    assert dossier.procedure.name not in wrong_pair
    # Nothing but status, milestones and due date: no name, no phone, no documents.
    assert "Nguyễn Văn An" not in ok and "to-khai.pdf" not in ok


def test_tracking_is_rate_limited(submitted, client):
    _, dossier = submitted
    cache.clear()
    url = reverse("portal:track")
    codes = [client.post(url, {"code": dossier.code, "verifier": f"09000000{i:02d}"}).status_code for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


def test_every_dossier_url_checks_who_is_asking(submitted, client):
    owner_client, dossier = submitted
    document = dossier.documents.first()
    urls = [
        reverse("portal:dossier", args=[dossier.public_id]),
        reverse("portal:submitted", args=[dossier.public_id]),
        reverse("portal:confirmation_pdf", args=[dossier.public_id]),
        reverse("portal:dossier_document", args=[dossier.public_id, document.pk]),
        wizard_url(dossier, "applicant"),
        reverse("portal:vault_file", args=[document.file_id]),
    ]
    posts = [
        reverse("portal:withdraw", args=[dossier.public_id]),
        reverse("portal:supplement", args=[dossier.public_id]),
    ]
    for url in urls:
        assert owner_client.get(url).status_code in (200, 302), url

    from django.test import Client

    other = Client()
    other.force_login(UserFactory())
    stranger_staff = Client()
    stranger_staff.force_login(StaffRoleFactory(agency=AgencyFactory(), role=Role.RECEPTIONIST).user)
    anonymous = Client()
    for url in urls:
        assert other.get(url).status_code == 404, url
        assert stranger_staff.get(url).status_code == 404, url
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in posts:
        assert other.post(url, {"reason": "x"}).status_code == 404, url
        assert stranger_staff.post(url, {"reason": "x"}).status_code == 404, url
        assert anonymous.post(url, {"reason": "x"}).status_code == 302, url
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED

    # Staff of the dossier's own agency may open its documents (the back office needs them).
    agency_staff = Client()
    agency_staff.force_login(_receptionist_of(dossier))
    assert (
        agency_staff.get(reverse("portal:dossier_document", args=[dossier.public_id, document.pk])).status_code == 200
    )


def test_downloaded_file_is_the_uploaded_one(submitted):
    client, dossier = submitted
    document = dossier.documents.get(file__original_name="to-khai.pdf")
    response = client.get(reverse("portal:dossier_document", args=[dossier.public_id, document.pk]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-1.4")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_my_dossiers_api_shows_only_mine(submitted):
    client, dossier = submitted
    body = client.get("/api/v1/me/dossiers/").json()
    assert [d["code"] for d in body["results"]] == [dossier.code]
    assert body["results"][0]["national_status"] == 1
    from django.test import Client

    other = Client()
    other.force_login(UserFactory())
    assert other.get("/api/v1/me/dossiers/").json()["results"] == []
    assert Client().get("/api/v1/me/dossiers/").status_code in (401, 403)


def test_track_api(submitted, client):
    _, dossier = submitted
    cache.clear()
    ok = client.get("/api/v1/dossiers/track/", {"code": dossier.code, "verifier": "0912345678"})
    assert ok.status_code == 200 and ok.json()["national_status"] == 1
    assert ok.json()["milestones"][0]["action"] == "submit"
    assert client.get("/api/v1/dossiers/track/", {"code": dossier.code, "verifier": "1111"}).status_code == 404
    assert client.get("/api/v1/dossiers/track/", {"code": "X", "verifier": "0912345678"}).status_code == 404


def test_dossier_code_uses_the_receiving_agency(submitted):
    _, dossier = submitted
    assert dossier.code.startswith(Agency.objects.get(pk=dossier.agency_id).code + "-")
    assert Dossier.objects.filter(code=dossier.code).count() == 1
