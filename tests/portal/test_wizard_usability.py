"""Issue #15, citizens: the wizard asks nothing twice, says at once which required document is
missing, lets the owner delete a draft, and offers to resume a draft instead of adding another."""

import pytest
from django.urls import reverse

from onestop.models import Dossier, DossierStatus, StoredFile
from onestop.workflow import TransitionError, dossier_draft_delete
from procedures.services import procedures_import
from tests.factories import UserFactory
from tests.portal.submission_helpers import APPLICANT, FORM, fill_until_review, pdf_upload, start, submit, wizard_url
from tests.procedures.records import record

pytestmark = pytest.mark.django_db

OWN_FIELDS = [
    {"MA": "ho_ten", "NHAN": "Họ, chữ đệm và tên người yêu cầu", "KIEU": "text", "BATBUOC": True},
    {"MA": "so_dinh_danh", "NHAN": "Số định danh cá nhân", "KIEU": "id_number", "BATBUOC": True,
     "KIEMTRA": {"regex": r"^\d{12}$"}},
    {"MA": "ho_ten_chong", "NHAN": "Họ tên người chồng", "KIEU": "text", "BATBUOC": True},
    {"MA": "hinh_thuc", "NHAN": "Hình thức", "KIEU": "choice", "BATBUOC": True, "LUACHON": ["Tại trụ sở", "Lưu động"]},
]  # fmt: skip


@pytest.fixture
def citizen_client(client):
    report = procedures_import(
        records=[record(MOTCUA_TRAKETQUA=["counter", "online", "post"], MOTCUA_TRUONGDON=OWN_FIELDS)]
    )
    assert not report.rejected, report.rejected
    user = UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678", address="Số 12 đường Yersin")
    client.force_login(user)
    client.user = user
    return client


# ---------------------------------------------------------------- step 2 asks nothing twice


def test_form_step_does_not_ask_again_for_name_and_id_number(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    html = citizen_client.get(wizard_url(dossier, "form")).content.decode()
    assert 'name="ho_ten"' not in html and 'name="so_dinh_danh"' not in html
    assert 'name="ho_ten_chong"' in html  # a different person's name is still asked
    # What step 1 gave is shown, with the way back to change it.
    assert "Đã khai ở bước 1" in html and "Nguyễn Văn An" in html and "074090001234" in html
    assert wizard_url(dossier, "applicant") in html


def test_form_answers_copy_the_applicant_and_follow_a_change_in_step_1(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    response = citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn An" and dossier.form_data["so_dinh_danh"] == "074090001234"
    # Back to step 1, another name and number: the form's copies follow, never two versions.
    changed = {**APPLICANT, "applicant_name": "Nguyễn Văn Bình", "applicant_id_number": "079088001111"}
    citizen_client.post(wizard_url(dossier, "applicant"), {**changed, "next": "1"})
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn Bình" and dossier.form_data["so_dinh_danh"] == "079088001111"
    assert dossier.form_data["ho_ten_chong"] == FORM["ho_ten_chong"]  # other answers kept


def test_a_dossier_submitted_through_the_wizard_carries_the_copied_answers(citizen_client):
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier)
    assert submit(citizen_client, dossier).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.form_data["so_dinh_danh"] == "074090001234"


# ---------------------------------------------------------------- step 3 says what is missing at once


def test_documents_step_refuses_to_go_on_without_a_required_document(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    response = citizen_client.post(wizard_url(dossier, "documents"), {"next": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Còn thiếu giấy tờ bắt buộc" in html
    assert "Hãy đính kèm “Tờ khai đăng ký kết hôn”: đây là giấy tờ bắt buộc." in html
    # The conditional document is not demanded.
    assert "Hãy đính kèm “Giấy xác nhận tình trạng hôn nhân”" not in html
    dossier.refresh_from_db()
    assert dossier.wizard_step == "documents"
    assert citizen_client.get(wizard_url(dossier, "delivery")).status_code == 302  # still not reachable
    # Attached: it goes on.
    response = citizen_client.post(wizard_url(dossier, "documents"), {"file-GT01": pdf_upload(), "next": "1"})
    assert response.status_code == 302 and response["Location"] == wizard_url(dossier, "delivery")


def test_going_back_from_documents_needs_nothing_attached(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    response = citizen_client.post(wizard_url(dossier, "documents"), {"back": "1"})
    assert response.status_code == 302 and response["Location"] == wizard_url(dossier, "form")


# ---------------------------------------------------------------- deleting a draft


def test_the_owner_deletes_a_draft_after_confirming(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    citizen_client.post(wizard_url(dossier, "documents"), {"file-GT01": pdf_upload()})
    url = reverse("portal:draft_delete", args=[dossier.public_id])
    assert url in citizen_client.get(reverse("portal:my_dossiers")).content.decode()
    assert url in citizen_client.get(wizard_url(dossier, "documents")).content.decode()
    confirm = citizen_client.get(url)
    assert confirm.status_code == 200 and "Xoá hồ sơ nháp này?" in confirm.content.decode()
    assert Dossier.objects.filter(pk=dossier.pk).exists()  # asking deletes nothing
    response = citizen_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_dossiers")
    assert not Dossier.objects.filter(pk=dossier.pk).exists()
    assert StoredFile.objects.filter(owner=citizen_client.user).count() == 1  # the file stays in the vault
    assert citizen_client.post(url).status_code == 404  # gone


def test_nobody_else_deletes_a_draft_and_a_submitted_dossier_is_not_deleted(citizen_client, client):
    from django.test import Client

    dossier = start(citizen_client)
    url = reverse("portal:draft_delete", args=[dossier.public_id])
    assert Client().post(url).status_code == 302  # anonymous: to the login page
    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404 and other.post(url).status_code == 404
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    assert staff.post(url).status_code == 404
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    with pytest.raises(TransitionError):
        dossier_draft_delete(dossier=dossier, actor=UserFactory())

    fill_until_review(citizen_client, dossier)
    submit(citizen_client, dossier)
    assert citizen_client.post(url).status_code == 302
    assert Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.SUBMITTED).exists()
    dossier.refresh_from_db()
    with pytest.raises(TransitionError):
        dossier_draft_delete(dossier=dossier, actor=citizen_client.user)


# ---------------------------------------------------------------- resume instead of another draft


def test_starting_again_offers_the_existing_draft(citizen_client):
    dossier = start(citizen_client, token="t1")
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    html = citizen_client.get(reverse("portal:apply", args=["1.001193"])).content.decode()
    assert "Bạn đã có hồ sơ nháp của thủ tục này" in html
    assert wizard_url(dossier, "form") in html  # continue where it was left
    assert "Vẫn bắt đầu một hồ sơ mới khác" in html
    # The start button of an old page (no deliberate "new"): the draft is resumed, nothing is added.
    response = citizen_client.post(reverse("portal:apply", args=["1.001193"]), {"token": "t2"})
    assert response.status_code == 302 and response["Location"] == wizard_url(dossier, "form")
    assert Dossier.objects.count() == 1
    # Asked for deliberately: a second draft.
    response = citizen_client.post(reverse("portal:apply", args=["1.001193"]), {"token": "t3", "new": "1"})
    assert Dossier.objects.count() == 2
    assert response["Location"] != wizard_url(dossier, "applicant")


def test_a_detail_left_empty_in_step_1_is_asked_in_the_form(citizen_client):
    from procedures.models import FormField, Procedure

    FormField.objects.create(
        procedure=Procedure.objects.get(code="1.001193"), key="email", label="Thư điện tử", required=True, order=9
    )
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "applicant_email": "", "next": "1"})
    html = citizen_client.get(wizard_url(dossier, "form")).content.decode()
    assert 'name="email"' in html and 'name="ho_ten"' not in html
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "email": "an@example.vn", "next": "1"})
    dossier.refresh_from_db()
    assert dossier.form_data["email"] == "an@example.vn"  # kept, not emptied by the applicant's blank


def test_documents_step_and_start_page_queries_do_not_grow(client, django_assert_max_num_queries, settings, tmp_path):
    """More documents (each with a template) and more drafts cost no more queries."""
    import base64

    from django.db import reset_queries

    from portal.demo.files import minimal_pdf

    settings.MEDIA_ROOT = tmp_path
    pdf = {"TENTEP": "mau.pdf", "NOIDUNG": base64.b64encode(minimal_pdf("Mau")).decode()}

    def catalogue(code, count):
        rec = record(code=code, MOTCUA_TRAKETQUA=["counter", "online"])
        rec["THANHPHANHOSO"][0]["GIAYTO"] = [
            {"MAGIAYTO": f"GT{i:02d}", "TENGIAYTO": f"Giấy tờ {i}", "MOTCUA_TEPMAU": pdf} for i in range(count)
        ]
        return rec

    assert not procedures_import(records=[catalogue("1.001193", 1), catalogue("1.000894", 12)]).rejected
    client.force_login(UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678"))

    def documents_page(code):
        dossier = start(client, code=code, token=code)
        client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
        client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
        return wizard_url(dossier, "documents")

    small, big = documents_page("1.001193"), documents_page("1.000894")
    reset_queries()  # the connection's query log is bounded: measure from an empty one
    with django_assert_max_num_queries(60) as captured:
        assert "Tải mẫu: Giấy tờ 0" in client.get(small).content.decode()
    with django_assert_max_num_queries(len(captured)):
        assert "Tải mẫu: Giấy tờ 11" in client.get(big).content.decode()

    reset_queries()
    with django_assert_max_num_queries(60) as captured:
        client.get(reverse("portal:apply", args=["1.001193"]))
    start_queries = len(captured)  # read now: later requests clear the connection's log
    for token in ("n1", "n2", "n3"):
        client.post(reverse("portal:apply", args=["1.001193"]), {"token": token, "new": "1"})
    with django_assert_max_num_queries(start_queries):
        assert (
            "Vẫn bắt đầu một hồ sơ mới khác" in client.get(reverse("portal:apply", args=["1.001193"])).content.decode()
        )
