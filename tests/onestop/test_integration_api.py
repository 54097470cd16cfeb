"""Issue #13, the partner API: token clients with scopes, limited to their agencies; every call
logged and throttled; dossiers read, and added to only through the workflow's actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from onestop import workflow
from onestop.models import (
    ApiCallLog,
    ApiClient,
    ApiScope,
    DocumentRole,
    DossierDocument,
    DossierEvent,
    NationalSyncRecord,
    Notification,
    Role,
)
from onestop.submission.selectors import vault_of
from payments.models import Payment, PaymentStatus
from portal.submission.labels import citizen_events
from procedures.models import Agency
from tests.factories import StaffRoleFactory
from tests.onestop.integration_helpers import partner, processing
from tests.portal.submission_helpers import minimal_pdf

pytestmark = pytest.mark.django_db
NOTE = "GHI-CHU-DOI-TAC: chờ ý kiến Sở Tài chính"


def _pdf(name="y-kien.pdf"):
    return SimpleUploadedFile(name, minimal_pdf("Y kien"), content_type="application/pdf")


def _endpoints(dossier):
    base = f"/api/v1/dossiers/{dossier.public_id}/"
    return [
        # (method, url, scope, data, format, success)
        ("get", "/api/v1/dossiers/", "dossiers:read", None, None, 200),
        ("get", base, "dossiers:read", None, None, 200),
        ("post", base + "notes/", "dossiers:write", {"note": NOTE}, "json", 201),
        ("post", base + "documents/", "dossiers:write", lambda: {"file": _pdf(), "name": "Ý kiến"}, "multipart", 201),
        ("post", base + "interagency-results/", "dossiers:write",
         {"agency_code": "000.00.00.STC", "outcome": "agreed", "reference": "123/STC"}, "json", 201),
        ("get", "/api/v1/payments/", "payments:read", None, None, 200),
        ("get", "/api/v1/shipments/", "shipments:read", None, None, 200),
    ]  # fmt: skip


def _call(api, method, url, data, fmt):
    data = data() if callable(data) else data
    return getattr(api, method)(url, data, format=fmt) if method == "post" else api.get(url)


def test_the_token_matrix_on_every_endpoint(office):
    """Wrong or missing token 401; expired or revoked 401; missing scope 403; another agency's
    dossier 404 (lists: empty); the right client 2xx."""
    dossier = processing(office)
    other_agency = Agency.objects.get(code="000.20.09.H12")
    for method, url, scope, data, fmt, success in _endpoints(dossier):
        anonymous = APIClient()
        assert _call(anonymous, method, url, data, fmt).status_code == 401, url
        wrong = APIClient()
        wrong.credentials(HTTP_AUTHORIZATION="Bearer dvc_not-a-token")
        response = _call(wrong, method, url, data, fmt)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer"), url
        lacking, _ = partner(office.agency, [s for s in ApiScope.values if s != scope])
        assert _call(lacking, method, url, data, fmt).status_code == 403, url
        expired, _ = partner(office.agency, expires_at=timezone.now() - dt.timedelta(seconds=1))
        assert _call(expired, method, url, data, fmt).status_code == 401, url
        revoked, record = partner(office.agency)
        ApiClient.objects.filter(pk=record.pk).update(revoked_at=timezone.now())
        assert _call(revoked, method, url, data, fmt).status_code == 401, url
        inactive, record = partner(office.agency)
        ApiClient.objects.filter(pk=record.pk).update(active=False)
        assert _call(inactive, method, url, data, fmt).status_code == 401, url
        stranger, _ = partner(other_agency)
        response = _call(stranger, method, url, data, fmt)
        if url.endswith(("/api/v1/dossiers/", "/payments/", "/shipments/")):
            assert response.status_code == 200 and response.json()["results"] == [], url
        else:
            assert response.status_code == 404, url
        right, _ = partner(office.agency, [scope])
        assert _call(right, method, url, data, fmt).status_code == success, url
    # The tokens open only the partner endpoints: the citizen's API keeps its session.
    assert right.get("/api/v1/me/dossiers/").status_code in (401, 403)


def test_a_missing_dossier_and_a_malformed_id_answer_404(office):
    api, _ = partner(office.agency)
    assert api.get("/api/v1/dossiers/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api.get("/api/v1/dossiers/not-a-uuid/").status_code == 404
    assert api.post("/api/v1/dossiers/not-a-uuid/notes/", {"note": "x"}, format="json").status_code == 404


def test_drafts_are_nobody_s_business(office):
    from onestop.workflow import dossier_draft_create

    draft = dossier_draft_create(procedure=office.procedure, applicant=office.citizen)
    api, _ = partner(office.agency)
    assert api.get(f"/api/v1/dossiers/{draft.public_id}/").status_code == 404
    assert all(row["id"] != str(draft.public_id) for row in api.get("/api/v1/dossiers/").json()["results"])


def test_a_client_acts_for_its_agency_and_the_agencies_below_it(office):
    dossier = office.submitted()  # received by office.agency
    parent = Agency.objects.create(code="000.20.00.H12", name="UBND Thành phố")
    Agency.objects.filter(pk=office.agency.pk).update(parent=parent)
    subtree, _ = partner(parent)
    only_itself, _ = partner(parent, include_subtree=False)
    assert subtree.get(f"/api/v1/dossiers/{dossier.public_id}/").status_code == 200
    assert only_itself.get(f"/api/v1/dossiers/{dossier.public_id}/").status_code == 404


def test_the_summary_carries_no_personal_data_beyond_the_name(office):
    dossier = processing(office)
    api, _ = partner(office.agency, ["dossiers:read"])
    body = api.get(f"/api/v1/dossiers/{dossier.public_id}/").json()
    assert body["code"] == dossier.code and body["status"] == "processing" and body["national_status"] == 4
    assert body["applicant_name"] == "Nguyễn Văn An" and body["unit"] == dossier.step_agency.code
    text = str(body)
    for secret in ("074090001234", "0912345678", "Thủ Dầu Một"):
        assert secret not in text


def test_the_list_filters_and_pages_with_a_cursor_in_constant_queries(office, django_assert_max_num_queries):
    dossiers = [office.submitted() for _ in range(3)]
    received = workflow.dossier_receive(dossier=dossiers[0], actor=office.receptionist)
    api, _ = partner(office.agency, ["dossiers:read"])
    assert [r["code"] for r in api.get("/api/v1/dossiers/?status=received").json()["results"]] == [received.code]
    assert api.get("/api/v1/dossiers/?status=draft").status_code == 400
    assert api.get("/api/v1/dossiers/?updated_since=yesterday").status_code == 400
    assert api.get("/api/v1/dossiers/?updated_since=2026-02-31T00:00:00").status_code == 400
    since = (received.updated_at - dt.timedelta(microseconds=1)).isoformat()
    assert [r["code"] for r in api.get("/api/v1/dossiers/", {"updated_since": since}).json()["results"]] == [
        received.code
    ]
    seen, url = [], "/api/v1/dossiers/?page_size=1"
    while url:
        with django_assert_max_num_queries(6):  # token, last use, agency tree, page, log row (+savepoint)
            page = api.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(str(d.public_id) for d in dossiers)
    for _ in range(10):
        office.submitted()
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/dossiers/").json()["results"]) == 13


def test_a_note_is_recorded_by_the_workflow_and_never_reaches_the_applicant(office):
    dossier = processing(office)
    api, client = partner(office.agency, ["dossiers:write"])
    notifications = Notification.objects.count()
    national = NationalSyncRecord.objects.count()
    response = api.post(f"/api/v1/dossiers/{dossier.public_id}/notes/", {"note": NOTE}, format="json")
    assert response.status_code == 201
    event = DossierEvent.objects.get(dossier=dossier, action="note_added")
    assert event.note == NOTE and event.actor is None and event.data["client"] == client.pk and not event.public
    assert NOTE not in " ".join(str(e["note"]) for e in citizen_events(dossier))
    assert Notification.objects.count() == notifications and NationalSyncRecord.objects.count() == national
    assert api.post(f"/api/v1/dossiers/{dossier.public_id}/notes/", {"note": " "}, format="json").status_code == 400
    # The feed shows the dossier as changed.
    dossier.refresh_from_db()
    assert dossier.updated_at >= event.created_at


def test_a_document_is_checked_stored_and_kept_from_the_applicant(office):
    dossier = processing(office)
    api, _ = partner(office.agency, ["dossiers:write"])
    url = f"/api/v1/dossiers/{dossier.public_id}/documents/"
    response = api.post(url, {"file": _pdf(), "name": "Ý kiến Sở Tài chính"}, format="multipart")
    assert response.status_code == 201, response.content
    document = DossierDocument.objects.get(pk=response.json()["id"])
    assert document.role == DocumentRole.ADDED and document.requirement_name == "Ý kiến Sở Tài chính"
    assert DossierEvent.objects.filter(dossier=dossier, action="document_added", data__document=document.pk).exists()
    assert document.file not in vault_of(user=office.citizen)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert api.post(url, {"file": fake}, format="multipart").status_code == 400
    assert api.post(url, {"file": _pdf(), "requirement_code": "NO-SUCH"}, format="multipart").status_code == 400


def test_an_inter_agency_result_needs_a_dossier_being_processed(office):
    received = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    dossier = processing(office)
    api, _ = partner(office.agency, ["dossiers:write"])
    body = {"agency_code": "000.00.00.STC", "outcome": "agreed", "reference": "123/STC",
            "issued_at": "2026-12-01T09:00:00+07:00"}  # fmt: skip
    refused = api.post(f"/api/v1/dossiers/{received.public_id}/interagency-results/", body, format="json")
    assert refused.status_code == 409
    assert not DossierEvent.objects.filter(dossier=received, action="interagency_result").exists()
    response = api.post(f"/api/v1/dossiers/{dossier.public_id}/interagency-results/", body, format="json")
    assert response.status_code == 201
    event = DossierEvent.objects.get(dossier=dossier, action="interagency_result")
    assert event.data["outcome"] == "agreed" and event.data["reference"] == "123/STC"
    bad = api.post(f"/api/v1/dossiers/{dossier.public_id}/interagency-results/", {**body, "outcome": "x"},
                   format="json")  # fmt: skip
    assert bad.status_code == 400


def test_officers_of_the_unit_may_add_notes_too_and_outsiders_may_not(office):
    dossier = processing(office)
    event = workflow.dossier_note_add(dossier=dossier, actor=office.receptionist, note="Đã gọi điện")
    assert event.actor == office.receptionist
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_note_add(dossier=dossier, actor=office.outsider, note="x")
    with pytest.raises(workflow.TransitionError):
        workflow.dossier_note_add(dossier=dossier, actor=office.citizen, note="x")


def test_payments_of_the_client_agencies_only(office):
    dossier = processing(office)
    Payment.objects.create(dossier=dossier, amount=50000, provider="counter", txn_ref="T-1",
                           status=PaymentStatus.PAID, method="cash", payer=office.citizen)  # fmt: skip
    api, _ = partner(office.agency, ["payments:read"])
    rows = api.get("/api/v1/payments/").json()["results"]
    assert [(r["txn_ref"], r["dossier"], r["amount"]) for r in rows] == [("T-1", str(dossier.public_id), 50000)]
    assert "payer" not in rows[0]
    assert api.get("/api/v1/payments/?status=paid").json()["results"][0]["txn_ref"] == "T-1"
    assert api.get("/api/v1/payments/?status=nope").status_code == 400
    stranger, _ = partner(Agency.objects.get(code="000.20.09.H12"), ["payments:read"])
    assert stranger.get("/api/v1/payments/").json()["results"] == []


def test_every_call_is_logged_once(office):
    dossier = processing(office)
    api, client = partner(office.agency)
    api.get(f"/api/v1/dossiers/{dossier.public_id}/")
    api.post(f"/api/v1/dossiers/{dossier.public_id}/notes/", {"note": "x"}, format="json")
    partner(office.agency, ["payments:read"])[0].get(f"/api/v1/dossiers/{dossier.public_id}/")  # 403
    APIClient().get("/api/v1/dossiers/")  # 401: no client to log
    rows = list(ApiCallLog.objects.order_by("pk").values_list("client_id", "scope", "method", "object_id", "status"))
    assert rows[:2] == [
        (client.pk, "dossiers:read", "GET", str(dossier.public_id), 200),
        (client.pk, "dossiers:write", "POST", str(dossier.public_id), 201),
    ]
    assert rows[2][1:] == ("dossiers:read", "GET", str(dossier.public_id), 403) and len(rows) == 3


def test_the_call_log_is_purged_after_its_retention(office, settings):
    from onestop.integration.services import api_call_log_purge

    settings.API_CALL_LOG_RETENTION_DAYS = 30
    _, client = partner(office.agency)
    old = ApiCallLog.objects.create(client=client, method="GET", path="/", status=200,
                                    at=timezone.now() - dt.timedelta(days=31))  # fmt: skip
    recent = ApiCallLog.objects.create(client=client, method="GET", path="/", status=200)
    assert api_call_log_purge() == 1
    assert list(ApiCallLog.objects.all()) == [recent] and old.pk != recent.pk


def test_each_client_has_its_own_rate(office, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_CLIENT_THROTTLE_RATE = "3/min"
    first, _ = partner(office.agency)
    second, _ = partner(office.agency)
    assert [first.get("/api/v1/dossiers/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/v1/dossiers/").status_code == 200
    assert first.get("/api/v1/shipments/").status_code == 429  # the same rate on every partner endpoint


def test_the_agency_admin_creates_a_client_for_their_subtree_and_sees_the_token_once(client, office):
    from django.contrib.auth.models import Permission

    admin = StaffRoleFactory(agency=office.agency, role=Role.AGENCY_ADMIN).user
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(codename__in=["add_apiclient", "change_apiclient",
                                                                       "view_apiclient"]))  # fmt: skip
    client.force_login(admin)
    other = Agency.objects.get(code="000.20.09.H12")
    form = {"name": "Hệ thống LGSP", "scopes": ["dossiers:read"], "active": "on", "include_subtree": "on"}
    refused = client.post("/admin/onestop/apiclient/add/", {**form, "agency": other.pk})
    assert refused.status_code == 200 and not ApiClient.objects.exists()  # not an agency of theirs
    response = client.post("/admin/onestop/apiclient/add/", {**form, "agency": office.agency.pk}, follow=True)
    record = ApiClient.objects.get()
    assert record.created_by == admin and record.agency == office.agency
    token = next(w for m in response.context["messages"] for w in str(m).split() if w.startswith("dvc_"))
    assert token not in record.token_hash and token not in str(record.__dict__)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/dossiers/").status_code == 200
    assert token not in client.get(f"/admin/onestop/apiclient/{record.pk}/change/").content.decode()
    listing = client.get("/admin/onestop/apiclient/").content.decode()
    assert token not in listing
    assert "Xem hồ sơ của các cơ quan" in listing and '["dossiers:read"]' not in listing  # the scopes' names


def test_the_schema_documents_the_partner_api_and_its_security_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    for path in ("/api/v1/dossiers/", "/api/v1/dossiers/{dossier_id}/", "/api/v1/dossiers/{dossier_id}/notes/",
                 "/api/v1/dossiers/{dossier_id}/documents/", "/api/v1/dossiers/{dossier_id}/interagency-results/",
                 "/api/v1/payments/", "/api/v1/shipments/"):  # fmt: skip
        operations = schema["paths"][path]
        for operation in operations.values():
            assert {"apiToken": []} in operation["security"], path
            assert {"401", "403", "429"} <= set(operation["responses"]), path


def test_the_guards_of_the_additions_walk_every_status_and_actor(office):
    """note_added: any non-draft status; document_added: while the office handles it; the
    inter-agency result: while processed — for the unit's staff and the agency's client only."""
    from onestop.integration.auth import ClientPrincipal
    from onestop.models import Dossier, DossierStatus

    S = DossierStatus
    expected = {
        "note_added": set(S.values) - {S.DRAFT},
        "document_added": {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
        "interagency_result": {S.PROCESSING},
    }
    _, mine = partner(office.agency, ["dossiers:write"])
    _, theirs = partner(Agency.objects.get(code="000.20.09.H12"), ["dossiers:write"])
    actors = {
        "receptionist": (office.receptionist, True),
        "client of the agency": (ClientPrincipal(mine), True),
        "outsider": (office.outsider, False),
        "client of another agency": (ClientPrincipal(theirs), False),
        "applicant": (office.citizen, False),
    }
    for kind, statuses in expected.items():
        for status in S.values:
            dossier = Dossier(status=status, agency=office.agency, applicant=office.citizen)
            for name, (actor, may) in actors.items():
                allowed = workflow.event_allowed(dossier=dossier, kind=kind, user=actor)
                assert allowed == (may and status in statuses), (kind, status, name)


def test_the_catalogue_stays_public_and_a_token_there_needs_catalogue_read(office):
    assert APIClient().get("/api/v1/procedures/").status_code == 200
    reader, client = partner(office.agency, ["catalogue:read"])
    assert reader.get("/api/v1/procedures/1.001193/").status_code == 200
    assert reader.get("/api/v1/sectors/").status_code == 200
    lacking, _ = partner(office.agency, ["dossiers:read"])
    assert lacking.get("/api/v1/procedures/").status_code == 403
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer dvc_not-a-token")
    assert wrong.get("/api/v1/agencies/").status_code == 401
    assert ApiCallLog.objects.filter(client=client, scope="catalogue:read", object_id="1.001193", status=200).exists()


def test_a_partner_reads_its_errors_in_vietnamese(office):
    """The portal is Vietnamese first, its API too: the token, scope, cursor and parameter errors
    (ours and Django REST framework's, vendored in locale_vendor/) are not left in English."""
    url = "/api/v1/dossiers/"
    answers = {
        "no credentials": APIClient().get(url),
        "wrong token": APIClient(HTTP_AUTHORIZATION="Bearer dvc_wrong").get(url),
        "no scope": partner(office.agency, scopes=[ApiScope.PAYMENTS_READ])[0].get(url),
        "bad time": partner(office.agency)[0].get(url, {"updated_since": "yesterday"}),
        "bad cursor": partner(office.agency)[0].get(url, {"cursor": "xyz"}),
    }
    expected = {
        "no credentials": (401, "Chưa cung cấp thông tin xác thực."),
        "wrong token": (401, "Token không hợp lệ."),
        "no scope": (403, "Ứng dụng này không có phạm vi quyền dossiers:read."),
        "bad time": (400, "ISO 8601"),
        "bad cursor": (404, "Con trỏ phân trang không hợp lệ"),
    }
    for name, response in answers.items():
        status, text = expected[name]
        body = response.content.decode()
        assert response.status_code == status and text in body, (name, body)
    assert "Cần ngày giờ theo ISO 8601" in answers["bad time"].content.decode()
