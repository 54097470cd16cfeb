"""The applicant's evaluation pages (issue #12): from the dossier page when signed in, or from the
public tracking page with the code + verifier (the same limits as /tra-cuu/) — and nobody else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onestop.models import CRITERIA, DossierEvent, SatisfactionEvaluation
from onestop.satisfaction import services
from onestop.satisfaction.tokens import tracking_pass
from tests.factories import UserFactory
from tests.onestop.conftest import office  # noqa: F401 — the back-office fixture, shared
from tests.onestop.test_satisfaction import BEST, answers, resolved, returned

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _form(**overrides) -> dict[str, str]:
    return {**BEST, "comment": "", **overrides}


def test_the_dossier_page_of_a_returned_dossier_offers_the_evaluation(office):  # noqa: F811
    dossier = returned(office)
    owner = _client(office.citizen)
    html = owner.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    evaluate = reverse("portal:evaluate", args=[dossier.public_id])
    assert "Đánh giá mức độ hài lòng" in html and evaluate in html
    pending = resolved(office)
    html = owner.get(reverse("portal:dossier", args=[pending.public_id])).content.decode()
    assert reverse("portal:evaluate", args=[pending.public_id]) not in html


def test_the_applicant_evaluates_sees_it_and_revises_within_seven_days(office):  # noqa: F811
    dossier = returned(office)
    owner = _client(office.citizen)
    url = reverse("portal:evaluate", args=[dossier.public_id])
    form = owner.get(url).content.decode()
    assert form.count('type="radio"') == sum(len(c.answers) for c in CRITERIA)
    assert "Tổng thời gian giải quyết thủ tục hành chính" in form and "Chất lượng dịch vụ công trực tuyến" in form
    incomplete = owner.post(url, _form(overall=""))
    assert incomplete.status_code == 400 and "Hãy chọn một câu trả lời." in incomplete.content.decode()
    # The error summary links to the unanswered question's group.
    html = incomplete.content.decode()
    assert 'href="#id_overall_0"' in html and 'id="id_overall_0"' in html  # the summary leads to the first option
    response = owner.post(url, _form(overall="satisfied", comment="Thủ tục nhanh gọn."))
    assert response.status_code == 302 and response["Location"] == reverse("portal:dossier", args=[dossier.public_id])
    page = owner.get(response["Location"]).content.decode()
    assert "Ông/Bà đã đánh giá hồ sơ này" in page and "Thủ tục nhanh gọn." in page and "Hài lòng" in page
    assert "Ông/Bà đã đánh giá mức độ hài lòng" in page  # the timeline
    assert "Sửa đánh giá" in page
    # Revise: the form comes back with the answers given.
    again = owner.get(url).content.decode()
    assert re.search(r'name="overall" value="satisfied"[^>]*checked', again)
    assert not re.search(r'name="overall" value="very_satisfied"[^>]*checked', again)
    assert "Thủ tục nhanh gọn." in again
    owner.post(url, _form(overall="very_satisfied"))
    evaluation = SatisfactionEvaluation.objects.get()
    assert (evaluation.overall, evaluation.revisions, evaluation.source) == ("very_satisfied", 1, "online")
    # After seven days: read-only, and a late POST is refused with a clear message.
    SatisfactionEvaluation.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    late_form = owner.get(url).content.decode()
    assert "không thể thay đổi được nữa" in late_form and 'type="radio"' not in late_form
    refused = owner.post(url, _form(overall="dissatisfied"))
    assert refused.status_code == 400
    assert "Đánh giá chỉ có thể sửa trong 7 ngày" in refused.content.decode()
    assert SatisfactionEvaluation.objects.get().overall == "very_satisfied"
    page = owner.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Đánh giá không thể thay đổi được nữa." in page and "Sửa đánh giá" not in page


def test_not_before_the_result_is_returned(office):  # noqa: F811
    dossier = resolved(office)
    owner = _client(office.citizen)
    url = reverse("portal:evaluate", args=[dossier.public_id])
    assert "chỉ được đánh giá mức độ hài lòng sau khi đã trả kết quả" in owner.get(url).content.decode()
    refused = owner.post(url, _form())
    assert refused.status_code == 400 and not SatisfactionEvaluation.objects.exists()


def test_the_applicant_sees_the_agencys_answer(office):  # noqa: F811
    dossier = returned(office)
    services.evaluation_submit(dossier=dossier, actor=office.citizen, answers=BEST, comment="Nên mở cửa thứ Bảy.")
    owner = _client(office.citizen)
    page = owner.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Cơ quan chưa trả lời ý kiến của Ông/Bà." in page
    services.evaluation_answer(dossier=dossier, actor=office.receptionist, reply="Từ tháng 7 mở cửa sáng thứ Bảy.")
    page = owner.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Trả lời của cơ quan" in page and "Từ tháng 7 mở cửa sáng thứ Bảy." in page
    assert "Cơ quan đã trả lời ý kiến của Ông/Bà" in page  # the timeline


def test_wrong_users_on_the_applicants_url(office):  # noqa: F811
    dossier = returned(office)
    url = reverse("portal:evaluate", args=[dossier.public_id])
    for user in (UserFactory(), office.receptionist, office.approver, office.outsider, office.postal_clerk):
        client = _client(user)
        assert client.get(url).status_code == 404
        assert client.post(url, _form()).status_code == 404
    anonymous = _client()
    for response in (anonymous.get(url), anonymous.post(url, _form())):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not SatisfactionEvaluation.objects.exists()
    assert not DossierEvent.objects.filter(action__startswith="satisfaction").exists()


# ---------------------------------------------------------------- the public tracking door


def test_from_the_tracking_page_with_the_code_and_verifier(office):  # noqa: F811
    dossier = returned(office)
    anonymous = _client()
    found = anonymous.post(reverse("portal:track"), {"code": dossier.code, "verifier": "0912345678"})
    html = found.content.decode()
    assert 'name="pass"' in html and reverse("portal:track_evaluate") in html
    token = html.split('name="pass" value="')[1].split('"')[0]
    form = anonymous.post(reverse("portal:track_evaluate"), {"pass": token}).content.decode()
    assert 'type="radio"' in form and "0912345678" not in form  # the verifier is not carried along
    done = anonymous.post(reverse("portal:track_evaluate"), {"pass": token, "save": "1", **_form(comment="Tốt")})
    assert done.status_code == 200 and "đánh giá đã được ghi nhận" in done.content.decode()
    evaluation = SatisfactionEvaluation.objects.get()
    assert (evaluation.source, evaluation.recorded_by, evaluation.comment) == ("tracking", None, "Tốt")


def test_the_link_in_the_message_asks_for_the_verifier_or_opens_the_owners_form(office):  # noqa: F811
    dossier = returned(office)
    url = reverse("portal:track_evaluate") + f"?ma={dossier.code}"
    anonymous = _client().get(url).content.decode()
    assert f'value="{dossier.code}"' in anonymous and 'name="verifier"' in anonymous
    owner = _client(office.citizen).get(url)
    assert owner.status_code == 302 and owner["Location"] == reverse("portal:evaluate", args=[dossier.public_id])
    someone = _client(UserFactory()).get(url)
    assert someone.status_code == 200 and 'name="verifier"' in someone.content.decode()
    # The last 4 ID digits work as on /tra-cuu/.
    form = _client().post(reverse("portal:track_evaluate"), {"code": dossier.code, "verifier": "1234"})
    assert 'type="radio"' in form.content.decode()


def test_without_the_verifier_nothing_is_shown_or_saved(office):  # noqa: F811
    dossier = returned(office)
    anonymous = _client()
    url = reverse("portal:track_evaluate")
    wrong = anonymous.post(url, {"code": dossier.code, "verifier": "0900000000"}).content.decode()
    assert "Không tìm thấy hồ sơ" in wrong and dossier.procedure.name not in wrong and 'type="radio"' not in wrong
    # A forged or foreign pass: nothing about the dossier, nothing saved.
    forged = anonymous.post(url, {"pass": "1:forged", "save": "1", **_form()})
    assert forged.status_code == 404 and dossier.code not in forged.content.decode()
    from django.core import signing

    other_salt = signing.dumps({"d": dossier.pk}, salt="another.purpose")
    assert anonymous.post(url, {"pass": other_salt, "save": "1", **_form()}).status_code == 404
    assert anonymous.post(url, {"pass": other_salt}).status_code == 404
    assert not SatisfactionEvaluation.objects.exists()


def test_an_expired_pass_is_refused(office, monkeypatch):  # noqa: F811
    dossier = returned(office)
    token = tracking_pass(dossier=dossier)
    from onestop.satisfaction import tokens

    monkeypatch.setattr(tokens, "MAX_AGE_SECONDS", -1)
    response = _client().post(reverse("portal:track_evaluate"), {"pass": token, "save": "1", **_form()})
    assert response.status_code == 302 and response["Location"] == reverse("portal:track_evaluate")
    assert not SatisfactionEvaluation.objects.exists()


def test_the_verifier_door_is_rate_limited_like_tracking(office):  # noqa: F811
    dossier = returned(office)
    url = reverse("portal:track_evaluate")
    client = _client()
    codes = [client.post(url, {"code": dossier.code, "verifier": f"09000000{i:02d}"}).status_code for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


def test_the_per_client_limit_is_shared_with_tracking(office):  # noqa: F811
    dossier = returned(office)
    client = _client()
    for i in range(6):
        client.post(reverse("portal:track"), {"code": "X", "verifier": f"09000000{i:02d}"})
    codes = [
        client.post(reverse("portal:track_evaluate"), {"code": "X", "verifier": "0900000000"}).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    assert dossier.code  # (the dossier exists; the limit applies whatever the code)


def test_wrong_verifiers_lock_the_code_for_tracking_too(office):  # noqa: F811
    """Five wrong verifiers on the evaluation door lock the code on /tra-cuu/ as well: one lock."""
    dossier = returned(office)
    for i in range(5):
        _client().post(reverse("portal:track_evaluate"), {"code": dossier.code, "verifier": f"09111111{i:02d}"})
    right = _client().post(reverse("portal:track"), {"code": dossier.code, "verifier": "0912345678"})
    assert "Không tìm thấy hồ sơ" in right.content.decode()
    right = _client().post(reverse("portal:track_evaluate"), {"code": dossier.code, "verifier": "0912345678"})
    assert 'type="radio"' not in right.content.decode()


def test_a_not_yet_returned_dossier_cannot_be_evaluated_from_tracking(office):  # noqa: F811
    dossier = resolved(office)
    found = _client().post(reverse("portal:track"), {"code": dossier.code, "verifier": "0912345678"})
    assert 'name="pass"' not in found.content.decode()
    token = tracking_pass(dossier=dossier)
    refused = _client().post(reverse("portal:track_evaluate"), {"pass": token, "save": "1", **_form()})
    assert refused.status_code == 400 and not SatisfactionEvaluation.objects.exists()


# ------------------------------------------------------------------------------ query counts


def _count(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302), (url, response.status_code)
    return len(ctx.captured_queries)


def test_the_pages_run_a_constant_number_of_queries(office):  # noqa: F811
    first = returned(office)
    services.evaluation_submit(dossier=first, actor=office.citizen, answers=answers(), comment="Một")
    owner = _client(office.citizen)
    pages = [
        ("get", reverse("portal:dossier", args=[first.public_id]), None),
        ("get", reverse("portal:evaluate", args=[first.public_id]), None),
        ("post", reverse("portal:track_evaluate"), {"pass": tracking_pass(dossier=first)}),
    ]
    for method, url, data in pages:
        _count(owner, method, url, data)  # warm
    before = [_count(owner, method, url, data) for method, url, data in pages]
    # More evaluated dossiers of the same applicant and agency, with answers, change nothing.
    for n in range(3):
        other = returned(office)
        services.evaluation_submit(dossier=other, actor=office.citizen, answers=answers(), comment=f"Thêm {n}")
        services.evaluation_answer(dossier=other, actor=office.approver, reply="Cảm ơn")
    services.evaluation_answer(dossier=first, actor=office.approver, reply="Cảm ơn Ông/Bà")
    after = [_count(owner, method, url, data) for method, url, data in pages]
    assert after == before
    assert max(before) <= 15
