import pytest

pytestmark = pytest.mark.django_db


def test_procedure_list_and_search(client, catalogue):
    body = client.get("/api/v1/procedures/").json()
    assert body["count"] == 4
    body = client.get("/api/v1/procedures/", {"search": "DANG KY KET HON"}).json()
    assert [p["code"] for p in body["results"]] == ["1.001193"]
    item = body["results"][0]
    assert item["sector"] == {"code": "G09-TP03", "name": "Hộ tịch"}
    assert item["online_level"] == "toan_trinh"
    assert {c["channel"] for c in item["channels"]} == {1, 2}


def test_procedure_filters(client, catalogue):
    body = client.get("/api/v1/procedures/", {"applicant": "organisation"}).json()
    assert [p["code"] for p in body["results"]] == ["1.004227"]
    body = client.get("/api/v1/procedures/", {"sector": "G09-TP01"}).json()
    assert [p["code"] for p in body["results"]] == ["2.000908"]


def test_procedure_detail(client, catalogue):
    body = client.get("/api/v1/procedures/1.001193/").json()
    assert body["name"] == "Đăng ký kết hôn"
    assert [d["code"] for d in body["documents"]] == ["GT01", "GT02"]
    assert [f["amount"] for f in body["fees"]] == [30000, 15000, 2000]
    assert [s["role"] for s in body["process_steps"]] == ["receptionist", "specialist", "approver"]
    assert body["form_fields"][2]["choices"] == ["Tại trụ sở", "Lưu động"]


def test_draft_is_not_in_the_api(client, catalogue):
    assert client.get("/api/v1/procedures/1.009999/").status_code == 404
    assert "1.009999" not in client.get("/api/v1/procedures/").content.decode()


def test_sectors_and_agencies(client, catalogue):
    codes = {s["code"] for s in client.get("/api/v1/sectors/").json()["results"]}
    assert {"G09-TP03", "G03-KH01", "G09-TP01"} <= codes
    agency = client.get("/api/v1/agencies/000.00.17.H12/").json()
    assert agency["name"] == "Sở Tài chính"


def test_api_is_read_only(client, catalogue):
    assert client.post("/api/v1/procedures/", {}).status_code in (403, 405)
    assert client.delete("/api/v1/procedures/1.001193/").status_code in (403, 405)


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/procedures/" in schema["paths"]
    assert "/api/v1/procedures/{code}/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"search", "sector", "agency", "online_level", "applicant", "page"} <= params
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
