"""Issue #15 (officials): every form an action issues is one click away, the register opens without
a code and reads one access rule, and forms 01, 02, 04 and 05 print what they lacked (pdftotext)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onestop import workflow as bo
from onestop.models import Dossier, Role
from procedures.models import Agency, AgencyKind
from tests.factories import StaffRoleFactory, UserFactory
from tests.tools import require_tools

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    """The PDF's text as poppler lays it out (-layout keeps a table row on one line)."""
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.status_code
    tools = require_tools("pdftotext")
    done = subprocess.run(
        [tools["pdftotext"], "-layout", "-enc", "UTF-8", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_url(dossier: Dossier, form: str, event=None) -> str:
    url = reverse("onestop:form_pdf", args=[dossier.pk, form])
    return f"{url}?su-kien={event.pk}" if event is not None else url


def _timeline_entry(html: str, label: str) -> str:
    """The <li> of the history whose title is `label`."""
    history = html[html.index('id="history-title"') :]
    entries = re.findall(r"<li>\s*<strong>(.*?)</strong>(.*?)</li>\s*(?=<li>\s*<strong>|</ol>)", history, re.S)
    for title, body in entries:
        if title == label:
            return body
    raise AssertionError(f"no history entry {label!r} in {[t for t, _b in entries]}")


# ------------------------------------------------------------------------------ print links


def test_reception_offers_forms_01_06_and_07_on_the_page_and_in_its_history_entry(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier.refresh_from_db()
    event = dossier.events.get(action="receive")
    html = _page(_client(office.receptionist), reverse("onestop:dossier", args=[dossier.pk]))
    day = timezone.localdate(dossier.received_at).isoformat()
    register = f"{reverse('onestop:register')}?co-quan={office.agency.code}&amp;tu={day}&amp;den={day}"
    forms = html[html.index('id="forms-title"') : html.index('id="actions-title"')]
    for link in (form_url(dossier, "01", event), form_url(dossier, "06"), register):
        assert link.replace("&", "&amp;").replace("&amp;amp;", "&amp;") in forms, link
    entry = _timeline_entry(html, "Đã tiếp nhận")
    assert form_url(dossier, "01", event) in entry and form_url(dossier, "06") in entry and register in entry
    assert "Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ" in entry


def test_a_supplement_request_offers_form_02_at_once_for_the_applicant(office):
    dossier = office.submitted()
    response = _client(office.receptionist).post(
        reverse("onestop:dossier_action", args=[dossier.pk, "request_supplement"]),
        {
            "reason": "Bản chụp bị mờ",
            "item_name_1": "Giấy xác nhận tình trạng hôn nhân",
            "item_requirement_1": "original",
            "confirm": "on",
            "expected_version": dossier.version,
        },
        follow=True,
    )
    event = dossier.events.get(action="request_supplement")
    html = response.content.decode()
    offered = html[html.index('id="in-phieu"') : html.index('id="forms-title"')]
    assert "In cho người nộp hồ sơ" in offered and form_url(dossier, "02", event) in offered
    assert form_url(dossier, "02", event) in _timeline_entry(html, "Yêu cầu bổ sung hồ sơ (mẫu số 02)")
    # A plain visit of the page lists the form, without the "print now" box.
    html = _page(_client(office.receptionist), reverse("onestop:dossier", args=[dossier.pk]))
    assert 'id="in-phieu"' not in html and form_url(dossier, "02", event) in html


def test_a_refusal_offers_form_03_at_once(office):
    dossier = office.submitted()
    response = _client(office.receptionist).post(
        reverse("onestop:dossier_action", args=[dossier.pk, "refuse"]),
        {"reasons": "Không thuộc thẩm quyền", "confirm": "on", "expected_version": dossier.version},
        follow=True,
    )
    event = dossier.events.get(action="refuse")
    html = response.content.decode()
    offered = html[html.index('id="in-phieu"') : html.index('id="forms-title"')]
    assert form_url(dossier, "03", event) in offered
    assert "Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ" in offered
    assert pdf_text(_client(office.receptionist).get(form_url(dossier, "03", event))).count("Không thuộc thẩm quyền")


def test_extension_and_stop_offer_forms_04_and_05(office):
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    bo.dossier_forward(dossier=dossier, actor=office.receptionist)
    dossier.refresh_from_db()
    bo.dossier_extend(
        dossier=dossier, actor=office.approver, reason="Chờ xác minh", new_due_at=dossier.due_at + dt.timedelta(days=3)
    )
    bo.dossier_stop(dossier=dossier, actor=office.approver, reason="Có tranh chấp", legal_basis="Luật Hộ tịch 2014")
    extend, stop = dossier.events.get(action="extend"), dossier.events.get(action="stop")
    html = _page(_client(office.approver), reverse("onestop:dossier", args=[dossier.pk]))
    forms = html[html.index('id="forms-title"') : html.index('id="actions-title"')]
    assert form_url(dossier, "04", extend) in forms and form_url(dossier, "05", stop) in forms
    assert form_url(dossier, "04", extend) in _timeline_entry(html, "Gia hạn kèm văn bản xin lỗi (mẫu số 04)")
    assert form_url(dossier, "05", stop) in _timeline_entry(html, "Dừng xử lý (mẫu số 05)")


def test_form_links_follow_the_access_rule(office):
    """The links lead to forms the same people may open: another agency's staff get 404 on them."""
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    event = dossier.events.get(action="receive")
    for url in (form_url(dossier, "01", event), form_url(dossier, "06"), reverse("onestop:dossier", args=[dossier.pk])):
        assert _client(office.outsider).get(url).status_code == 404
        assert _client(office.postal_clerk).get(url).status_code == 404
        assert _client(office.citizen).get(url).status_code == 403
        assert Client().get(url).status_code == 302


# ------------------------------------------------------------------------------- the register


def test_the_register_opens_without_an_agency_code(office):
    url = reverse("onestop:register")
    html = _page(_client(office.receptionist), url)
    assert f'<option value="{office.agency.code}" selected>' in html and "Ủy ban nhân dân xã Khác" not in html
    # The outsider chooses among their own agencies only.
    html = _page(_client(office.outsider), url)
    assert 'value="000.20.09.H12" selected' in html and office.agency.code not in html
    assert _client(office.citizen).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    # An approver of the desk and of a unit that receives nothing: the desk is the default choice.
    unit = Agency.objects.create(code="000.20.01.H12.02", name="A Phòng thử", kind=AgencyKind.UNIT)
    StaffRoleFactory(agency=unit, role=Role.APPROVER, user=office.approver)
    html = _page(_client(office.approver), url)
    assert f'<option value="{office.agency.code}" selected>' in html and 'value="000.20.01.H12.02">' in html
    # A postal clerk holds no register.
    assert _client(office.postal_clerk).get(url).status_code == 404
    assert _client(office.postal_clerk).get(url, {"co-quan": office.agency.code}).status_code == 404


@pytest.mark.parametrize("who", ["receptionist", "specialist", "approver", "leader"])
def test_home_links_the_register_exactly_to_whom_the_register_opens(office, who):
    """One rule (onestop.access.may_read_register) behind the home page's links, the navigation and the view."""
    if who == "leader":
        user = StaffRoleFactory(agency=office.agency, role=Role.LEADER, user__full_name="Lãnh đạo").user
    else:
        user = getattr(office, who)
    client = _client(user)
    html = _page(client, reverse("onestop:home"))
    assert f"{reverse('onestop:register')}?co-quan={office.agency.code}" in html
    assert f'href="{reverse("onestop:register")}">Sổ theo dõi hồ sơ (mẫu 07)</a>' in html  # the navigation
    assert client.get(reverse("onestop:register"), {"co-quan": office.agency.code}).status_code == 200
    other = Agency.objects.get(code="000.20.09.H12")
    assert client.get(reverse("onestop:register"), {"co-quan": other.code}).status_code == 404


def test_the_postal_clerk_is_not_offered_the_register(office):
    html = _page(_client(office.postal_clerk), reverse("onestop:home"))
    assert reverse("onestop:register") not in html


# ----------------------------------------------------------------------------- form contents


def _received(office, name: str, at: dt.datetime) -> Dossier:
    dossier = office.submitted()
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name=name)
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    Dossier.objects.filter(pk=dossier.pk).update(received_at=at)
    dossier.refresh_from_db()
    return dossier


def test_form_01_prints_the_register_book_and_line_that_form_07_shows(office):
    tz = timezone.get_current_timezone()
    year = timezone.localdate().year
    january = _received(office, "Trần Văn Một", dt.datetime(year, 1, 5, 9, 0, tzinfo=tz))
    first = _received(office, "Lê Thị Hai", dt.datetime(year, 2, 2, 8, 0, tzinfo=tz))
    second = _received(office, "Phạm Văn Ba", dt.datetime(year, 2, 2, 10, 30, tzinfo=tz))
    client = _client(office.receptionist)
    text = pdf_text(client.get(form_url(second, "01")))
    assert re.search(rf"Quyển số: 01/{year}\s+Số thứ tự: 3\b", text), text
    text = pdf_text(client.get(form_url(january, "01")))
    assert re.search(rf"Quyển số: 01/{year}\s+Số thứ tự: 1\b", text), text
    # Form 07 of that day alone keeps the book's numbering (not 1, 2).
    day = dt.date(year, 2, 2).isoformat()
    register = pdf_text(client.get(reverse("onestop:register"), {"co-quan": office.agency.code, "tu": day, "den": day}))
    assert f"Quyển số: 01/{year}" in register
    lines = {name: number for number, name in re.findall(r"^\s*(\d+)\s+\S+.*?(Lê Thị Hai|Phạm Văn Ba)", register, re.M)}
    assert lines == {"Lê Thị Hai": "2", "Phạm Văn Ba": "3"}, register
    assert "Trần Văn Một" not in register
    assert first.code


def test_form_02_prints_what_each_document_is_required_as(office):
    dossier = office.submitted()
    _client(office.receptionist).post(
        reverse("onestop:dossier_action", args=[dossier.pk, "request_supplement"]),
        {
            "reason": "Thiếu giấy tờ",
            "item_name_1": "Giấy xác nhận tình trạng hôn nhân",
            "item_requirement_1": "original",
            "item_name_2": "Căn cước công dân",
            "item_requirement_2": "certified_copy",
            "item_detail_2": "hai mặt",
            "item_name_3": "Sổ hộ khẩu",
            "item_requirement_3": "copy",
            "confirm": "on",
            "expected_version": dossier.version,
        },
    )
    text = pdf_text(_client(office.receptionist).get(form_url(dossier, "02")))
    assert re.search(r"Giấy xác nhận tình trạng hôn nhân\s+Bản chính", text), text
    assert re.search(r"Căn cước công dân\s+Bản chứng thực\s+hai mặt", text), text
    assert re.search(r"Sổ hộ khẩu\s+Bản photo", text), text


def test_a_wrong_requirement_is_refused(office):
    dossier = office.submitted()
    response = _client(office.receptionist).post(
        reverse("onestop:dossier_action", args=[dossier.pk, "request_supplement"]),
        {
            "reason": "x",
            "item_name_1": "Tờ khai",
            "item_requirement_1": "forged",
            "confirm": "on",
            "expected_version": 0,
        },
    )
    assert response.status_code == 200 and not dossier.events.filter(action="request_supplement").exists()


def test_forms_04_and_05_go_out_in_the_name_of_the_unit_whose_head_acted(office):
    """The header and the signatory follow the issuing agency (Decree 30/2020 layout): a unit's head
    signs for the unit under its header, not under the receiving agency's."""
    Agency.objects.filter(pk=office.agency.pk).update(kind=AgencyKind.COMMUNE)
    unit = Agency.objects.create(
        code="000.20.01.H12.01", name="Phòng Tư pháp thử", kind=AgencyKind.UNIT, parent=office.agency
    )
    head = StaffRoleFactory(agency=unit, role=Role.APPROVER, user__full_name="Đỗ Văn Trưởng").user
    dossier = office.submitted()
    bo.dossier_receive(dossier=dossier, actor=office.receptionist)
    bo.dossier_forward(dossier=dossier, actor=office.receptionist)
    Dossier.objects.filter(pk=dossier.pk).update(step_agency=unit)
    dossier.refresh_from_db()
    bo.dossier_extend(
        dossier=dossier, actor=head, reason="Chờ xác minh", new_due_at=dossier.due_at + dt.timedelta(days=3)
    )
    text = pdf_text(_client(head).get(form_url(dossier, "04")))
    header = text[: text.index("Số:")]
    assert "PHÒNG TƯ PHÁP THỬ" in header, header
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "THỦ TRƯỞNG CƠ QUAN" not in text and "Đỗ Văn Trưởng" in text
    # The desk still received it: the letter says who received it and who processes it.
    body = " ".join(text.split())
    assert "Ủy ban nhân dân phường Thủ Dầu Một tiếp nhận hồ sơ của Ông/Bà (do Phòng Tư pháp thử giải quyết)" in body
    # The desk's own head stops it: the ward's header, its chairman's title.
    dossier.refresh_from_db()
    bo.dossier_stop(dossier=dossier, actor=office.approver, reason="Có tranh chấp", legal_basis="Luật Hộ tịch 2014")
    Dossier.objects.filter(pk=dossier.pk).update(step_agency=office.agency)
    text = pdf_text(_client(office.approver).get(form_url(dossier, "05")))
    header = text[: text.index("Số:")]
    assert "PHÒNG TƯ PHÁP THỬ" not in header and "ỦY BAN NHÂN DÂN PHƯỜNG" in header, header
    assert "THỦ DẦU MỘT" in header
    assert "CHỦ TỊCH" in text and "Hoàng Văn Em" in text and "THỦ TRƯỞNG CƠ QUAN" not in text


def test_an_unknown_user_gets_nothing(office):
    client = _client(UserFactory())
    assert client.get(reverse("onestop:register")).status_code == 403
