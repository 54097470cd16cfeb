"""Issue #15: one English word with two meanings gets a translation context each — "Next" is the
next page in pagination and the next step on the citizen's pages, never "Trang sau" for both."""

import pathlib
import re

import pytest
from django.conf import settings
from django.urls import reverse

from procedures.services import procedures_import
from tests.factories import UserFactory
from tests.portal.submission_helpers import APPLICANT, fill_until_review, start, submit, wizard_url
from tests.procedures.records import record

pytestmark = pytest.mark.django_db


def _login(client):
    procedures_import(records=[record(MOTCUA_TRAKETQUA=["counter", "online", "post"])])
    user = UserFactory(full_name="Nguyễn Văn An", cccd="074090001234", phone="0912345678", address="Số 12")
    client.force_login(user)
    return user


def test_pagination_says_next_page(client):
    procedures_import(records=[record(code=f"1.{900000 + i:06d}", name=f"Thủ tục {i}") for i in range(25)])
    html = client.get(reverse("procedures:list")).content.decode()
    assert re.search(r'rel="next">Trang sau</a>', html)
    html = client.get(reverse("procedures:list"), {"page": 2}).content.decode()
    assert re.search(r'rel="prev">Trang trước</a>', html)
    assert "Bước tiếp theo" not in html


def test_my_dossiers_and_the_dossier_page_say_next_step(client):
    _login(client)
    dossier = start(client)
    fill_until_review(client, dossier)
    submit(client, dossier)
    for url in (reverse("portal:my_dossiers"), reverse("portal:dossier", args=[dossier.public_id])):
        html = client.get(url).content.decode()
        assert "Bước tiếp theo" in html, url
        assert "Trang sau" not in html, url


def test_the_wizard_goes_back_a_step_not_a_page(client):
    _login(client)
    dossier = start(client)
    client.post(wizard_url(dossier, "applicant"), {**APPLICANT, "next": "1"})
    html = client.get(wizard_url(dossier, "form")).content.decode()
    assert ">Quay lại bước trước</button>" in html
    assert "Trang sau" not in html and "Trang trước" not in html


def test_ambiguous_words_are_never_translated_without_a_context():
    """Siblings: each of these bare msgids has two meanings in this portal; only contexts may carry them."""
    po = pathlib.Path(settings.BASE_DIR, "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")
    bare = set()
    for entry in entries:
        match = re.search(r'^msgid "([^"]*)"$', entry, re.M)
        if match and "msgctxt" not in entry:
            bare.add(match.group(1))
    assert not bare & {"Next", "Previous", "Back", "Result"}
    for context, word, vietnamese in [
        ("pagination", "Next", "Trang sau"),
        ("next step", "Next", "Bước tiếp theo"),
        ("wizard step", "Back", "Quay lại bước trước"),
        ("procedure outcome", "Result", "Kết quả thực hiện"),
        ("result document", "Result", "Kết quả giải quyết"),
    ]:
        assert f'msgctxt "{context}"\nmsgid "{word}"\nmsgstr "{vietnamese}"' in po
