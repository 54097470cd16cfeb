"""Issue #15, vague messages: a pattern error names the format, a label ending in a full stop is not
followed by ".:", and a fee's name does not repeat the amount printed beside it."""

import pathlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from onestop.workflow.fields import application_form_class
from portal.templatetags.dvc_format import fee_name
from procedures.display import fee_label
from procedures.services import procedures_import
from tests.factories import UserFactory
from tests.portal.submission_helpers import fill_until_review, start, wizard_url
from tests.procedures.records import record

VAGUE = "Giá trị này không đúng định dạng yêu cầu"


@pytest.mark.parametrize(
    ("kind", "rules", "value", "expected"),
    [
        ("id_number", {"regex": r"^\d{12}$"}, "12345", "12 chữ số"),
        ("text", {"regex": r"^0\d{9}$"}, "912345678", "10 chữ số, bắt đầu bằng số 0"),
        ("text", {"regex": r"^\d{10}(-\d{3})?$"}, "12345", "mã số thuế"),
        ("text", {"regex": r"^\d{6,19}$"}, "12", "từ 6 đến 19 chữ số"),
        ("text", {"regex": r"^\d{4}.*$"}, "bán lẻ", "mã ngành 4 chữ số"),
        ("text", {"regex": r"^[A-Z]\d$", "message": "Một chữ in hoa rồi một chữ số."}, "zz", "Một chữ in hoa"),
        ("date", {}, "31/31/2020", "dd/mm/yyyy"),
        ("number", {}, "mười", "chỉ gồm chữ số"),
    ],
)
def test_a_format_error_says_which_format(kind, rules, value, expected):
    form_class = application_form_class([{"key": "x", "label": "Trường", "kind": kind, "validation": rules}])
    with translation.override("vi"):
        form = form_class(data={"x": value})
        assert not form.is_valid()
        message = " ".join(form.errors["x"])
    assert expected in message and VAGUE not in message


def test_an_unknown_pattern_points_to_the_hint():
    definition = {
        "key": "x",
        "label": "Mã",
        "kind": "text",
        "validation": {"regex": r"^Q\d$"},
        "help_text": "Q và 1 số",
    }
    with translation.override("vi"):
        form = application_form_class([definition])(data={"x": "1"})
        form.is_valid()
        assert "Ghi theo hướng dẫn: Q và 1 số" in form.errors["x"][0]


def test_the_vague_message_is_gone_from_the_catalogue_of_messages():
    po = pathlib.Path(settings.BASE_DIR, "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert VAGUE not in po


@pytest.mark.django_db
def test_the_declaration_error_has_no_full_stop_before_the_colon(client):
    procedures_import(records=[record(MOTCUA_TRAKETQUA=["counter", "online", "post"])])
    user = UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678", address="Số 12")
    client.force_login(user)
    dossier = start(client)
    fill_until_review(client, dossier)
    html = client.post(wizard_url(dossier, "review"), {"submit": "1"}).content.decode()
    assert "trước pháp luật: Vui lòng" in html or "trước pháp luật: Đánh dấu" in html
    assert "pháp luật.:" not in html


def test_no_error_summary_joins_a_raw_label_with_a_colon():
    """Siblings: every template that writes "label: error" strips the label's own punctuation."""
    offenders = [
        str(path)
        for path in pathlib.Path(settings.BASE_DIR, "templates").rglob("*.html")
        if "{{ field.label }}: {{ error" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("name", "amount", "expected"),
    [
        ("Phí cấp bản sao Trích lục hộ tịch: 8.000 đồng/bản", 8000, "Phí cấp bản sao Trích lục hộ tịch"),
        ("Phí chứng thực chữ ký: 10.000 đồng/trường hợp", "10.000", "Phí chứng thực chữ ký"),
        (
            "Từ trang thứ ba trở lên: 1.000 đồng/trang, tối đa không quá 200.000 đồng/bản",
            1000,
            "Từ trang thứ ba trở lên, tối đa không quá 200.000 đồng/bản",
        ),
        ("Lệ phí đăng ký kết hôn", 30000, "Lệ phí đăng ký kết hôn"),
        # The PDFs pass the amount already written with its unit (form 01, the confirmation).
        ("Phí cấp bản sao Trích lục hộ tịch: 8.000 đồng/bản", "8.000 đồng/bản", "Phí cấp bản sao Trích lục hộ tịch"),
        ("Phí: 5.000 đồng/Phiếu", 8000, "Phí: 5.000 đồng/Phiếu"),  # another amount stays
    ],
)
def test_fee_label_drops_only_the_repeated_amount(name, amount, expected):
    assert fee_label(name, amount) == expected
    assert fee_name({"name": name, "amount": amount}) == expected


@pytest.mark.django_db
def test_the_procedure_page_does_not_print_the_fee_twice(client):
    fee = {"MAPHILEPHI": "P1", "SOTIEN": "8000", "MOTA": "Phí cấp bản sao Trích lục hộ tịch: 8.000 đồng/bản"}
    channel = {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "5", "DONVITINH": "Ngày làm việc", "PHILEPHI": [fee]}]}
    report = procedures_import(records=[record(CACHTHUCTHUCHIEN=[channel], MOTCUA_MUCDOTRUCTUYEN="mot_phan")])
    assert not report.rejected, report.rejected
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert "Phí cấp bản sao Trích lục hộ tịch: <strong>8.000 đồng</strong>" in html
    assert "8.000 đồng/bản: " not in html


@pytest.mark.django_db
def test_the_profile_says_which_date_format(client):
    client.force_login(UserFactory(full_name="Nguyễn Văn An"))
    html = client.post(
        reverse("portal:profile"), {"full_name": "Nguyễn Văn An", "date_of_birth": "31-31-1990", "address": "x"}
    ).content.decode()
    assert "dd/mm/yyyy" in html


def test_no_translation_starts_or_ends_with_stray_whitespace():
    """A Vietnamese text with a tab or space its English does not have shows as a gap on the page
    (it happened: 100 labels once began with a tab after a bad merge of translation lists)."""
    po = pathlib.Path(settings.BASE_DIR, "locale", "vi", "LC_MESSAGES", "django.po").read_text(encoding="utf-8")
    stray = []
    for block in po.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? "(.*)"$', block, re.M)
        if not msgid or not msgstr or not msgstr.group(1):
            continue
        for edge in (lambda t: t[:2], lambda t: t[-2:]):
            if edge(msgstr.group(1)) in ("\\t", "\\n") and edge(msgstr.group(1)) != edge(msgid.group(1)):
                stray.append(msgid.group(1))
        if msgstr.group(1)[:1] == " " and msgid.group(1)[:1] != " ":
            stray.append(msgid.group(1))
    assert stray == []
