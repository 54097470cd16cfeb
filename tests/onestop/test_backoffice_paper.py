"""The forms served to staff and to the citizen, from the events that issued them."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from onestop import workflow as bo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf", response.status_code
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_and_citizen_get_forms_01_02_and_06(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    bo.dossier_request_supplement(
        dossier=dossier, actor=office.receptionist, items=[{"name": "Tờ khai đăng ký kết hôn", "detail": "ký tên"}],
        reason="Tờ khai chưa ký",
    )  # fmt: skip
    dossier.refresh_from_db()
    staff = _client(office.receptionist)
    text = _text(staff.get(reverse("onestop:form_pdf", args=[dossier.pk, "01"])))
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text and "Nguyễn Văn An" in text and "Lê Thị Cúc" in text
    text = _text(staff.get(reverse("onestop:form_pdf", args=[dossier.pk, "02"])))
    assert "Tờ khai chưa ký" in text and "Tờ khai đăng ký kết hôn" in text
    text = _text(staff.get(reverse("onestop:form_pdf", args=[dossier.pk, "06"])))
    assert "PHIẾU KIỂM SOÁT" in text

    citizen = _client(office.citizen)
    page = citizen.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert reverse("portal:dossier_form", args=[dossier.public_id, "02"]) in page
    text = _text(citizen.get(reverse("portal:dossier_form", args=[dossier.public_id, "01"])))
    assert dossier.code in text.replace("\n", "")
    # Form 06 is internal; forms of actions that did not happen do not exist.
    assert citizen.get(reverse("portal:dossier_form", args=[dossier.public_id, "06"])).status_code == 404
    assert citizen.get(reverse("portal:dossier_form", args=[dossier.public_id, "03"])).status_code == 404


def test_forms_are_refused_to_others(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    for form in ("01", "06"):
        url = reverse("onestop:form_pdf", args=[dossier.pk, form])
        assert _client(office.outsider).get(url).status_code == 404
        assert _client(office.citizen).get(url).status_code == 403
        assert Client().get(url).status_code == 302
    url = reverse("portal:dossier_form", args=[dossier.public_id, "01"])
    assert _client(UserFactory()).get(url).status_code == 404
    assert _client(office.outsider).get(url).status_code == 404


def test_register_form_07(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    url = reverse("onestop:register")
    params = {"co-quan": office.agency.code}
    text = _text(_client(office.receptionist).get(url, params))
    assert "SỔ THEO DÕI HỒ SƠ" in text
    xlsx = _client(office.receptionist).get(url, {**params, "dinh-dang": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any(dossier.code in str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert _client(office.outsider).get(url, params).status_code == 404
