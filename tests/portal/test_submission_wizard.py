"""The submission wizard through the Django client, step by step (issue: citizen online submission)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.models import Dossier, DossierCounter, DossierEvent, DossierStatus
from procedures.models import Procedure
from tests.factories import UserFactory
from tests.portal.submission_helpers import (
    APPLICANT,
    FORM,
    fill_until_review,
    import_catalogue,
    pdf_upload,
    start,
    submit,
    wizard_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_client(client):
    import_catalogue()
    user = UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678", address="Số 12 đường Yersin")
    client.force_login(user)
    client.user = user
    return client


def test_start_creates_one_draft_even_when_posted_twice(citizen_client):
    first = start(citizen_client, token="abc")
    second = start(citizen_client, token="abc")  # a double click / re-posted form
    assert first.pk == second.pk
    assert Dossier.objects.count() == 1
    assert first.status == DossierStatus.DRAFT and first.code is None
    citizen_client.post(reverse("portal:apply", args=["1.001193"]), {"token": "another", "new": "1"})
    assert Dossier.objects.count() == 2


def test_applicant_step_is_prefilled_from_the_profile(citizen_client):
    dossier = start(citizen_client)
    html = citizen_client.get(wizard_url(dossier, "applicant")).content.decode()
    assert 'value="Nguyễn Văn An"' in html and 'value="074090001234"' in html and 'value="0912345678"' in html


def test_bad_applicant_data_is_refused_in_vietnamese_and_kept(citizen_client):
    dossier = start(citizen_client)
    response = citizen_client.post(
        wizard_url(dossier, "applicant"), {**APPLICANT, "applicant_id_number": "12345", "next": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số CCCD phải có đúng 12 chữ số." in html
    assert 'value="Số 12 đường Yersin, phường Thủ Dầu Một"' in html


def test_organisation_needs_its_name_and_tax_code(citizen_client):
    dossier = start(citizen_client)
    response = citizen_client.post(
        wizard_url(dossier, "applicant"), {**APPLICANT, "applicant_kind": "organisation", "next": "1"}
    )
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.wizard_step == "applicant"


def test_steps_cannot_be_skipped(citizen_client):
    dossier = start(citizen_client)
    response = citizen_client.get(wizard_url(dossier, "review"))
    assert response["Location"] == wizard_url(dossier, "applicant")


def test_form_step_validates_the_procedure_fields(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    response = citizen_client.post(wizard_url(dossier, "form"), {"ho_ten_chong": "", "hinh_thuc": "Khác", "next": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Họ tên người chồng" in html and "Trường này là bắt buộc." in html


def test_going_back_keeps_what_was_typed(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    response = citizen_client.post(wizard_url(dossier, "form"), {"ho_ten_chong": "Trần Văn B", "back": "1"})
    assert response["Location"] == wizard_url(dossier, "applicant")
    html = citizen_client.get(wizard_url(dossier, "form")).content.decode()
    assert 'value="Trần Văn B"' in html


def test_full_journey_submits_with_code_snapshot_and_event(citizen_client):
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier)
    review = citizen_client.get(wizard_url(dossier, "review")).content.decode()
    assert "to-khai.pdf" in review and "15.000 đồng" in review  # the online fee preview

    response = submit(citizen_client, dossier)
    assert response["Location"] == reverse("portal:submitted", args=[dossier.public_id])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.national_status == 1
    assert dossier.channel == 2
    today = timezone.localdate().strftime("%y%m%d")
    assert dossier.code == f"000.20.01.H12-{today}-0001"
    assert dossier.snapshot["procedure"]["code"] == "1.001193"
    assert [d["code"] for d in dossier.snapshot["documents"]] == ["GT01", "GT02"]
    assert dossier.check_due_at > dossier.submitted_at
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (
        "submit", "draft", "submitted", citizen_client.user.pk,
    )  # fmt: skip
    page = citizen_client.get(response["Location"]).content.decode()
    assert dossier.code in page


def test_submitting_twice_never_makes_a_second_code(citizen_client):
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier)
    submit(citizen_client, dossier)
    again = submit(citizen_client, dossier)
    assert again.status_code == 302
    assert Dossier.objects.exclude(code=None).count() == 1
    assert DossierCounter.objects.get().last_value == 1
    assert DossierEvent.objects.filter(action="submit").count() == 1


def test_second_dossier_of_the_day_gets_the_next_number(citizen_client):
    for token in ("a", "b"):
        dossier = start(citizen_client, token=token)
        fill_until_review(citizen_client, dossier)
        submit(citizen_client, dossier)
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert [c[-4:] for c in codes] == ["0001", "0002"]


def test_incomplete_dossier_is_not_submitted_and_says_why(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    citizen_client.post(wizard_url(dossier, "documents"), {"file-GT01": pdf_upload(), "next": "1"})
    citizen_client.post(wizard_url(dossier, "delivery"), {"delivery_method": "online", "next": "1"})
    dossier.documents.all().delete()  # removed afterwards (another tab): review and submission refuse it again
    response = submit(citizen_client, dossier)
    assert response.status_code == 200
    assert "Thiếu giấy tờ: Tờ khai đăng ký kết hôn" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.code is None
    assert not DossierCounter.objects.exists()


def test_declaration_is_required(citizen_client):
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier)
    response = citizen_client.post(wizard_url(dossier, "review"), {"submit": "1"})
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_post_delivery_needs_address_and_phone(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    citizen_client.post(wizard_url(dossier, "documents"), {"file-GT01": pdf_upload(), "next": "1"})
    response = citizen_client.post(
        wizard_url(dossier, "delivery"), {"delivery_method": "post", "delivery_address": "", "next": "1"}
    )
    assert response.status_code == 200
    assert "Vui lòng sửa các mục sau" in response.content.decode()


def test_drafts_are_listed_and_resumed(citizen_client):
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    html = citizen_client.get(reverse("portal:my_dossiers")).content.decode()
    assert wizard_url(dossier, "form") in html
    assert citizen_client.get(wizard_url(dossier, "form")).status_code == 200


def test_editing_the_procedure_later_does_not_change_a_submitted_dossier(citizen_client):
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier)
    submit(citizen_client, dossier)
    procedure = Procedure.objects.get(code="1.001193")
    procedure.documents.filter(code="GT01").update(name="Tên mới của giấy tờ")
    procedure.fees.update(amount=999000)
    dossier.refresh_from_db()
    assert dossier.snapshot["documents"][0]["name"] == "Tờ khai đăng ký kết hôn"
    assert 999000 not in [f["amount"] for f in dossier.snapshot["fees"]]
    page = citizen_client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "999.000" not in page


def test_a_procedure_without_online_channel_cannot_be_started(citizen_client):
    response = citizen_client.post(reverse("portal:apply", args=["2.000908"]), {"token": "x"})
    assert response.status_code == 302
    assert not Dossier.objects.exists()


def test_confirmation_pdf(citizen_client):
    import io

    from pypdf import PdfReader

    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier)
    submit(citizen_client, dossier)
    dossier.refresh_from_db()
    response = citizen_client.get(reverse("portal:confirmation_pdf", args=[dossier.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert dossier.code in re.sub(r"\s+", "", text) or dossier.code in text
    assert "Nguyễn Văn An" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("giay-to.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "nội dung không phải"),
        ("trang.pdf", b"<html><script>alert(1)</script></html>", "nội dung không phải"),
        ("rong.pdf", b"", "rỗng"),
        ("hoso.pdf.exe", b"MZ" + b"\x00" * 100, "hoso.pdf.exe"),
    ],
)
def test_hostile_upload_through_the_wizard_is_refused_and_nothing_is_lost(citizen_client, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onestop.models import StoredFile

    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    response = citizen_client.post(
        wizard_url(dossier, "documents"),
        {"file-GT01": [SimpleUploadedFile(name, content), pdf_upload("hop-le.pdf")], "next": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert message in html
    assert response.redirect_chain == []  # stays on the documents step
    assert not StoredFile.objects.filter(original_name=name).exists()
    # The valid file sent with it is kept, and so is everything typed before.
    assert dossier.documents.get().file.original_name == "hop-le.pdf"
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten_chong"] == "Nguyễn Văn An"


def test_oversize_upload_is_refused_while_receiving(citizen_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_FILE_MB = 1
    dossier = start(citizen_client)
    citizen_client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    citizen_client.post(wizard_url(dossier, "form"), {**FORM, "next": "1"})
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = citizen_client.post(wizard_url(dossier, "documents"), {"file-GT01": big, "next": "1"})
    assert response.status_code == 200
    assert "lớn hơn 1 MB" in response.content.decode()
    assert not dossier.documents.exists()


def test_page_queries_do_not_grow_with_the_number_of_dossiers(citizen_client, django_assert_max_num_queries):
    from tests.portal.submission_helpers import fill_until_review

    def make(token):
        dossier = start(citizen_client, token=token)
        fill_until_review(citizen_client, dossier)
        submit(citizen_client, dossier)
        return Dossier.objects.get(pk=dossier.pk)

    first = make("a")
    with django_assert_max_num_queries(50) as captured:
        citizen_client.get(reverse("portal:my_dossiers"))
    list_queries = len(captured)
    with django_assert_max_num_queries(50) as captured:
        citizen_client.get(reverse("portal:dossier", args=[first.public_id]))
    page_queries = len(captured)
    for token in ("b", "c", "d"):
        last = make(token)
    citizen_client.post(reverse("portal:withdraw", args=[last.public_id]), {"reason": "Nộp nhầm"})
    with django_assert_max_num_queries(list_queries):
        citizen_client.get(reverse("portal:my_dossiers"))
    # A dossier with more events and documents costs no more queries than one with fewer.
    with django_assert_max_num_queries(page_queries):
        citizen_client.get(reverse("portal:dossier", args=[last.public_id]))


def test_by_post_the_ward_chosen_sets_the_postage_zone_shown_at_review(citizen_client):
    """The delivery step asks the ward (its codes); the review adds the zone's postage as its own line."""
    from onestop.models import PostageMode, PostageRule
    from procedures.models import Agency, AgencyKind

    desk = Procedure.objects.get(code="1.001193").receiving_agency
    Agency.objects.filter(pk=desk.pk).update(kind=AgencyKind.COMMUNE, province_code="74", ward_code="25747")
    Agency.objects.create(code="000.20.02.H12", name="Ủy ban nhân dân phường Dĩ An", kind=AgencyKind.COMMUNE,
                          province_code="74", ward_code="25942")  # fmt: skip
    PostageRule.objects.create(
        agency=desk, mode=PostageMode.ZONE, same_ward_amount=12_000, same_province_amount=20_000,
        elsewhere_amount=32_000,
    )  # fmt: skip
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier, delivery="post")
    page = citizen_client.get(wizard_url(dossier, "delivery")).content.decode()
    assert 'value="74:25942"' in page and "Phường Dĩ An" in page
    for area, postage in (("74:25942", "20.000"), ("74:25747", "12.000"), ("", "32.000")):
        response = citizen_client.post(
            wizard_url(dossier, "delivery"),
            {"delivery_method": "post", "delivery_address": "Số 5 Nguyễn An Ninh", "delivery_area": area,
             "delivery_phone": "0987654321", "next": "1"},
        )  # fmt: skip
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert (dossier.delivery_province_code, dossier.delivery_ward_code) == tuple((area or ":").split(":"))
        review = citizen_client.get(wizard_url(dossier, "review")).content.decode()
        assert f"{postage} đồng" in review, area
    submit(citizen_client, dossier)
    dossier.refresh_from_db()
    assert dossier.snapshot["postage"] == {"amount": 32_000, "zone": "elsewhere"}


def test_delivery_and_review_queries_do_not_grow_with_wards_and_postage_rules(
    citizen_client, django_assert_max_num_queries
):
    from onestop.models import PostageMode, PostageRule
    from procedures.models import Agency, AgencyKind

    desk = Procedure.objects.get(code="1.001193").receiving_agency
    PostageRule.objects.create(agency=desk, mode=PostageMode.FLAT, flat_amount=20_000)
    dossier = start(citizen_client)
    fill_until_review(citizen_client, dossier, delivery="post")
    pages = [wizard_url(dossier, "delivery"), wizard_url(dossier, "review")]
    counts = []
    for url in pages:
        with django_assert_max_num_queries(60) as captured:
            assert citizen_client.get(url).status_code == 200
        counts.append(len(captured))
    for n in range(30):
        ward = Agency.objects.create(code=f"000.21.{n:02d}.H12", name=f"Ủy ban nhân dân xã Số {n}",
                                     kind=AgencyKind.COMMUNE, province_code="74", ward_code=f"{26000 + n}")  # fmt: skip
        PostageRule.objects.create(agency=ward, mode=PostageMode.FLAT, flat_amount=10_000 + n)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert citizen_client.get(url).status_code == 200
