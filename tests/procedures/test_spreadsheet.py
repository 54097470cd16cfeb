"""XLSX import and export of the catalogue (issue: agency admins import and export a spreadsheet)."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.demo.accounts import seed_accounts
from portal.demo.agencies import seed_agencies
from portal.models import User
from procedures import admin as procedure_admin
from procedures.interchange import procedure_to_record
from procedures.models import Procedure, ProcessDefinition
from procedures.selectors import procedures_for_export
from procedures.services import procedures_import
from procedures.spreadsheet import (
    SHEETS,
    XLSX_CONTENT_TYPE,
    SpreadsheetError,
    records_to_workbook,
    workbook_to_records,
)
from tests.procedures.records import record

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/procedures/procedure/import-xlsx/"
EXPORT_ALL_URL = "/admin/procedures/procedure/export-xlsx/"
CHANGELIST_URL = "/admin/procedures/procedure/"
JUSTICE_DEPARTMENT, JUSTICE_UNIT = "000.00.14.H12", "000.01.14.H12"  # quantri@demo.vn administers both


def _exported(codes=None) -> list[dict]:
    return [procedure_to_record(p) for p in procedures_for_export(codes=codes)]


def _imported(*records) -> list[dict]:
    report = procedures_import(records=list(records))
    assert not report.rejected, report.rejected
    return _exported([r["MATTHC"] for r in records])


def _edited(data: bytes, *changes) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for change in changes:
        change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column(sheet, name: str) -> int:
    return [cell.value for cell in sheet[1]].index(name) + 1


def _set(sheet_name: str, column: str, value, row: int = 2):
    def change(workbook):
        sheet = workbook[sheet_name]
        sheet.cell(row=row, column=_column(sheet, column)).value = value

    return change


def _justice_record(code: str, name: str, **overrides) -> dict:
    justice = {
        "COQUANTHUCHIEN": [{"MADONVI": JUSTICE_DEPARTMENT, "TENDONVI": "Sở Tư pháp"}],
        "MOTCUA_COQUANTIEPNHAN": {"MADONVI": JUSTICE_UNIT, "TENDONVI": "Phòng Hành chính tư pháp"},
        "MOTCUA_QUYTRINH": [],
    }
    return record(code=code, name=name, **{**justice, **overrides})


def _upload(data: bytes, name: str = "danh-muc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


# --- the workbook -----------------------------------------------------------------------------


def test_round_trip_of_the_example_record_gives_identical_exports():
    first = _imported(record())
    records = workbook_to_records(records_to_workbook(first))
    assert records == first

    Procedure.objects.all().delete()
    report = procedures_import(records=records)
    assert report.count("created") == 1
    assert _exported() == first


SEVERAL_GROUPS = record(
    code="1.000200",
    name="Cấp giấy phép xây dựng",
    MUCDO="",
    TRANGTHAI="0",
    YEUCAU="=1+1 là chữ, không phải công thức",
    DOITUONGTHUCHIEN=[{"MADOITUONG": "1"}, {"MADOITUONG": "2"}],
    TRINHTUTHUCHIEN=[
        {
            "TRUONGHOP": "Nhà ở riêng lẻ",
            "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp hồ sơ\n- Bản giấy hoặc bản điện tử"}, {"TENTRINHTU": "Bước 2"}],
        },
        {"TRUONGHOP": "Công trình khác", "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp hồ sơ tại Trung tâm"}]},
    ],
    CACHTHUCTHUCHIEN=[
        {
            "KENH": "1",
            "THOIGIAN": [
                {
                    "THOIGIANGIAIQUYET": "15",
                    "DONVITINH": "Ngày làm việc",
                    "PHILEPHI": [
                        {"MAPHILEPHI": "LP01", "SOTIEN": "75.000", "MOTA": "Lệ phí cấp phép nhà ở"},
                        {"MAPHILEPHI": "LP02", "SOTIEN": "150000", "MOTA": "Lệ phí công trình khác"},
                        {"MAPHILEPHI": "P01", "SOTIEN": "2000", "MOTA": "Phí sao", "MOTCUA_CACHTINH": "per_page"},
                    ],
                }
            ],
        },
        {
            "KENH": "2",
            "THOIGIAN": [
                {"THOIGIANGIAIQUYET": "12.5", "DONVITINH": "Ngày làm việc", "MOTA": "Trực tuyến", "PHILEPHI": []}
            ],
        },
        {"KENH": "3", "THOIGIAN": [{"THOIGIANGIAIQUYET": "15", "DONVITINH": "Ngày", "PHILEPHI": []}]},
    ],
    THANHPHANHOSO=[
        {
            "TRUONGHOP": "Nhà ở riêng lẻ",
            "GIAYTO": [
                {"MAGIAYTO": "GT01", "TENGIAYTO": "Đơn đề nghị", "MOTCUA_DINHDANG": ["pdf"]},
                {
                    "MAGIAYTO": "GT02",
                    "TENGIAYTO": "Bản vẽ thiết kế",
                    "SOBANCHINH": "2",
                    "SOBANSAO": "1",
                    "MOTCUA_LOAI": "certified_copy",
                    "MOTCUA_BATBUOC": False,
                    "MOTCUA_DIEUKIEN": "Khi xây mới",
                    "MOTCUA_DUNGLUONGMB": 20,
                },
            ],
        },
        {
            "TRUONGHOP": "Công trình khác",
            "GIAYTO": [{"MAGIAYTO": "GT03", "TENGIAYTO": "Giấy tờ đất", "URL": "https://dichvucong.gov.vn/mau.docx"}],
        },
    ],
    KETQUATHUCHIEN=[{"MAKETQUA": "KQ01", "TENKETQUA": "Giấy phép xây dựng"}, {"MAKETQUA": "", "TENKETQUA": "Bản vẽ"}],
    CANCUPHAPLY=[
        {"SOVANBAN": "50/2014/QH13", "TENVANBAN": "Luật Xây dựng"},
        {"SOVANBAN": "175/2024/NĐ-CP", "TENVANBAN": "Nghị định quy định chi tiết | hướng dẫn"},
    ],
    MOTCUA_TRUONGDON=[
        {"MA": "dien_tich", "NHAN": "Diện tích", "KIEU": "number", "KIEMTRA": {"min": 0, "max": 10000}},
        {"MA": "loai", "NHAN": "Loại", "KIEU": "choice", "BATBUOC": True, "LUACHON": ["Nhà ở; riêng lẻ", "Khác"]},
        {"MA": "ma_so", "NHAN": "Mã số", "KIEU": "text", "KIEMTRA": {"regex": "^[0-9]{6}$"}},
    ],
)


def test_round_trip_with_several_document_groups_fee_items_and_cases():
    first = _imported(SEVERAL_GROUPS, record())
    assert [len(r["THANHPHANHOSO"]) for r in first] == [2, 1]
    data = records_to_workbook(first)
    assert workbook_to_records(data) == first
    # A text that starts with "=" stays text: the workbook never carries a formula (formula injection).
    sheet = openpyxl.load_workbook(io.BytesIO(data))["ThuTuc"]
    cell = sheet.cell(row=2, column=_column(sheet, "YEUCAU"))
    assert cell.data_type == "s" and cell.value.startswith("=1+1")


def test_workbook_layout_a_civil_servant_can_edit():
    workbook = openpyxl.load_workbook(io.BytesIO(records_to_workbook(_imported(record()))))
    assert workbook.sheetnames == ["ThuTuc", "TrinhTu", "CachThuc", "PhiLePhi", "GiayTo", "TruongDon", "QuyTrinh"]
    for name, columns in SHEETS.items():
        sheet = workbook[name]
        assert [cell.value for cell in sheet[1]] == [c.name for c in columns]
        assert all(cell.font.b for cell in sheet[1]) and all(cell.comment for cell in sheet[1])
        assert sheet.freeze_panes == "B2"
        assert sheet.column_dimensions["A"].width == 12
    thu_tuc = workbook["ThuTuc"]
    row = {cell.value: thu_tuc.cell(row=2, column=cell.column).value for cell in thu_tuc[1]}
    assert row["COQUANTIEPNHAN"] == "000.20.01.H12|Ủy ban nhân dân phường Thủ Dầu Một"
    assert row["DOITUONG"] == "1" and row["TRAKETQUA"] == "counter;online"
    assert row["CANCUPHAPLY"] == "60/2014/QH13|Luật Hộ tịch"
    documents = workbook["GiayTo"]
    assert [documents.cell(row=r, column=_column(documents, "BATBUOC")).value for r in (2, 3)] == ["Có", "Không"]


def test_values_as_excel_gives_them_back_are_normalised():
    first = _imported(record(code="1.001190"))
    # Excel turns 1.001190 typed in a general cell into the number 1.00119, 15:00 into a time, and so on.
    data = _edited(
        records_to_workbook(first),
        *[_set(sheet_name, "MATTHC", 1.00119) for sheet_name in SHEETS],
        _set("ThuTuc", "MUCDO", 4),
        _set("ThuTuc", "TRANGTHAI", 1),
        _set("ThuTuc", "GIOCHOT", dt.time(15, 0)),
        _set("CachThuc", "KENH", 1),
        _set("CachThuc", "THOIGIAN", 5.0),
        _set("PhiLePhi", "KENH", 1.0),
        _set("PhiLePhi", "SOTIEN", "30.000 đ"),
        _set("GiayTo", "BATBUOC", "x"),
        _set("GiayTo", "SOBANCHINH", 1.0),
        _set("GiayTo", "DINHDANG", "PDF; .jpg"),
        _set("GiayTo", "BATBUOC", "không", row=3),
        _set("QuyTrinh", "SOGIO", "4,0"),
    )
    assert workbook_to_records(data) == first


def test_process_steps_follow_tt_and_blank_rows_are_skipped():
    first = _imported(record())

    def change(workbook):
        sheet = workbook["QuyTrinh"]
        column = _column(sheet, "TT")
        sheet.cell(row=2, column=column, value=3)
        sheet.cell(row=4, column=column, value=1)
        sheet.insert_rows(3)  # an empty row in the middle

    records = workbook_to_records(_edited(records_to_workbook(first), change))
    assert [s["TEN"] for s in records[0]["MOTCUA_QUYTRINH"]] == ["Phê duyệt", "Thẩm định", "Tiếp nhận"]


def _zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    return out.getvalue()


def _without_sheet(name):
    def change(workbook):
        del workbook[name]

    return change


def _without_column(sheet_name, column):
    def change(workbook):
        workbook[sheet_name].delete_cols(_column(workbook[sheet_name], column))

    return change


def _duplicate_procedure_row(workbook):
    sheet = workbook["ThuTuc"]
    sheet.append([cell.value for cell in sheet[2]])


BAD_WORKBOOKS = [
    ("not a workbook", None, None, "không phải bảng tính Excel (.xlsx)"),
    ("a zip of text", None, None, "không phải bảng tính Excel (.xlsx)"),
    (_without_sheet("GiayTo"), None, None, "thiếu trang tính “GiayTo”"),
    (_without_column("PhiLePhi", "SOTIEN"), "PhiLePhi", 1, "thiếu cột SOTIEN"),
    (_set("GiayTo", "MATTHC", "1.999999"), "GiayTo", 2, "MATTHC 1.999999 không có trong trang tính ThuTuc"),
    (_set("CachThuc", "THOIGIAN", "năm ngày"), "CachThuc", 2, "THOIGIAN không phải số hợp lệ: 'năm ngày'"),
    (_set("GiayTo", "SOBANSAO", "hai"), "GiayTo", 2, "SOBANSAO phải là số nguyên"),
    (_set("PhiLePhi", "SOTIEN", "ba mươi nghìn"), "PhiLePhi", 2, "SOTIEN không phải số tiền"),
    (_set("PhiLePhi", "KENH", "3"), "PhiLePhi", 2, "chưa có KENH '3' trong trang tính CachThuc"),
    (_set("TruongDon", "BATBUOC", "có lẽ"), "TruongDon", 2, "BATBUOC ghi “Có” hoặc “Không”"),
    (_set("TruongDon", "KIEMTRA", "{max_length: 100"), "TruongDon", 2, "KIEMTRA phải là JSON"),
    (_set("ThuTuc", "DOITUONG", "1;3"), "ThuTuc", 2, "DOITUONG chỉ nhận 1 (công dân) và 2 (tổ chức)"),
    (_set("ThuTuc", "MATTHC", None), "ThuTuc", 2, "thiếu MATTHC"),
    (_duplicate_procedure_row, "ThuTuc", 3, "MATTHC 1.001193 đã có ở dòng 2"),
]


@pytest.mark.parametrize(("change", "sheet", "row", "message"), BAD_WORKBOOKS)
def test_a_bad_workbook_gives_a_clear_error_with_sheet_and_row(change, sheet, row, message):
    good = records_to_workbook(_imported(record()))
    if change == "not a workbook":
        data = b"MATTHC;TENTTHC\n1.001193;Dang ky"
    elif change == "a zip of text":
        data = _zip_of_text()
    else:
        data = _edited(good, change)
    with pytest.raises(SpreadsheetError) as error:
        workbook_to_records(data)
    assert message in str(error.value)
    assert (error.value.sheet, error.value.row) == (sheet, row)
    if sheet:
        assert str(error.value).startswith(f"Trang tính {sheet}, dòng {row}: ")


def test_reading_accepts_an_uploaded_file_object():
    first = _imported(record())
    assert workbook_to_records(io.BytesIO(records_to_workbook(first))) == first


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def demo(db, settings):
    # What `seed_demo` loads, without its catalogue: the tests bring their own procedures.
    settings.AGENCY_ADMIN_SCOPE = "onestop.selectors.agencies_administered_by"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests log in with force_login
    agencies = seed_agencies()
    seed_accounts(agencies)
    return agencies


@pytest.fixture
def superuser(demo):
    return User.objects.get(email="admin@demo.vn")


@pytest.fixture
def agency_admin(demo):
    user = User.objects.get(email="quantri@demo.vn")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="procedures", codename__in=["view_procedure", "add_procedure", "change_procedure"]
        )
    )
    return user


def test_export_action_returns_a_workbook_of_the_selected_procedures(client, superuser):
    _imported(record(), record(code="1.001022", name="Đăng ký khai sinh"))
    chosen = Procedure.objects.get(code="1.001022")
    client.force_login(superuser)
    response = client.post(CHANGELIST_URL, {"action": "export_xlsx", "_selected_action": [chosen.pk]})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="danh-muc-thu-tuc-{today}.xlsx"'
    assert workbook_to_records(response.content) == _exported(["1.001022"])


def test_export_all_link_exports_every_procedure(client, superuser):
    _imported(record(), record(code="1.001022", name="Đăng ký khai sinh"))
    client.force_login(superuser)
    page = client.get(CHANGELIST_URL).content.decode()
    assert f'href="{IMPORT_URL}"' in page and f'href="{EXPORT_ALL_URL}"' in page
    response = client.get(EXPORT_ALL_URL)
    assert response.status_code == 200
    assert [r["MATTHC"] for r in workbook_to_records(response.content)] == ["1.001022", "1.001193"]


def test_import_page_imports_a_workbook_and_shows_the_report(client, superuser):
    good, bad = record(), record(code="1.000011", name="Giờ chốt sai", MOTCUA_GIOCHOT="25:00")
    data = records_to_workbook([good, bad])
    client.force_login(superuser)
    page = client.get(IMPORT_URL)
    assert (
        page.status_code == 200 and b'type="file"' in page.content and b'enctype="multipart/form-data"' in page.content
    )

    response = client.post(IMPORT_URL, {"file": _upload(data)})
    assert response.status_code == 200
    report = response.context["report"]
    assert response.context["counts"] == {"created": 1, "updated": 0, "rejected": 1}
    [rejected] = report.rejected
    assert (rejected.position, rejected.code) == (3, "1.000011")  # row 3 of ThuTuc
    content = response.content.decode()
    assert "1.000011" in content and "MOTCUA_GIOCHOT không phải giờ hợp lệ" in content
    assert " style=" not in content.split('id="content-main"')[1]  # strict CSP: no inline style
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001193"}
    entry = LogEntry.objects.get()
    assert (entry.object_repr.startswith("1.001193"), entry.action_flag, entry.user) == (True, ADDITION, superuser)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("danh-muc.xlsx", b"MATTHC,TENTTHC\n", "not_xlsx"),
        ("danh-muc.csv", None, "extension"),
        ("hong.xlsx", "zip", "unreadable"),
    ],
)
def test_import_page_refuses_what_is_not_a_workbook(client, superuser, name, content, code):
    if content is None:
        content = records_to_workbook([record()])
    elif content == "zip":
        content = _zip_of_text()
    client.force_login(superuser)
    response = client.post(IMPORT_URL, {"file": _upload(content, name)})
    assert response.status_code == 200 and response.context["report"] is None
    assert response.context["form"].has_error("file", code)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Procedure.objects.exists()


def test_import_page_caps_the_size(client, superuser, monkeypatch):
    monkeypatch.setattr(procedure_admin, "MAX_XLSX_UPLOAD_BYTES", 1000)
    client.force_login(superuser)
    response = client.post(IMPORT_URL, {"file": _upload(records_to_workbook([record()]))})
    assert response.context["report"] is None and response.context["form"].has_error("file", "too_large")
    assert not Procedure.objects.exists()


def test_citizens_and_visitors_get_no_access(client, demo):
    for url in (IMPORT_URL, EXPORT_ALL_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(User.objects.get(email="congdan@demo.vn"))
    for url in (IMPORT_URL, EXPORT_ALL_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(IMPORT_URL, {"file": _upload(records_to_workbook([record()]))})
    assert response.status_code == 302 and not Procedure.objects.exists()


def test_staff_without_the_add_permission_gets_403_on_import(client, demo):
    staff = User.objects.get(email="quantri@demo.vn")
    staff.groups.clear()
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": _upload(records_to_workbook([record()]))}).status_code == 403
    assert client.get(EXPORT_ALL_URL).status_code == 403
    assert not Procedure.objects.exists()


def test_agency_admin_sees_and_exports_only_the_procedures_their_agencies_receive(client, agency_admin):
    _imported(_justice_record("1.000101", "Cấp phiếu lý lịch tư pháp"), record())
    client.force_login(agency_admin)
    response = client.get(CHANGELIST_URL)
    assert [p.code for p in response.context["cl"].result_list] == ["1.000101"]
    # Another agency's procedure "does not exist" for them: the admin sends them back to its index.
    other = Procedure.objects.get(code="1.001193")
    assert client.get(reverse("admin:procedures_procedure_change", args=[other.pk]))["Location"] == "/admin/"
    exported = workbook_to_records(client.get(EXPORT_ALL_URL).content)
    assert [r["MATTHC"] for r in exported] == ["1.000101"]
    everything = Procedure.objects.values_list("pk", flat=True)
    response = client.post(CHANGELIST_URL, {"action": "export_xlsx", "_selected_action": list(everything)})
    assert [r["MATTHC"] for r in workbook_to_records(response.content)] == ["1.000101"]


def test_agency_admin_cannot_import_a_procedure_another_agency_receives(client, agency_admin):
    _imported(record())  # received by the People's Committee of Thủ Dầu Một ward
    before = _exported()
    ours = _justice_record("1.000102", "Chứng thực chữ ký")
    theirs = record(code="1.000103", name="Thủ tục của phường")
    takeover = _justice_record("1.001193", "Chiếm thủ tục của phường")
    client.force_login(agency_admin)
    response = client.post(IMPORT_URL, {"file": _upload(records_to_workbook([ours, theirs, takeover]))})
    assert response.status_code == 200
    lines = {line.code: line for line in response.context["report"].lines}
    assert lines["1.000102"].outcome == "created"
    assert lines["1.000103"].outcome == "rejected" and "000.20.01.H12" in lines["1.000103"].reason
    assert lines["1.001193"].outcome == "rejected" and lines["1.001193"].position == 4
    assert not Procedure.objects.filter(code="1.000103").exists()
    assert _exported(["1.001193"]) == before


def test_an_admin_without_change_permission_cannot_overwrite_by_import(client, agency_admin):
    _imported(_justice_record("1.000101", "Cấp phiếu lý lịch tư pháp"))
    agency_admin.groups.clear()
    agency_admin.user_permissions.remove(Permission.objects.get(codename="change_procedure"))
    client.force_login(agency_admin)
    changed = _justice_record("1.000101", "Tên mới")
    response = client.post(IMPORT_URL, {"file": _upload(records_to_workbook([changed]))})
    assert [line.outcome for line in response.context["report"].lines] == ["rejected"]
    assert Procedure.objects.get(code="1.000101").name == "Cấp phiếu lý lịch tư pháp"


def test_no_scope_setting_means_no_scoping(settings, agency_admin):
    del settings.AGENCY_ADMIN_SCOPE
    assert procedure_admin.admin_agency_scope(user=agency_admin) is None
    settings.AGENCY_ADMIN_SCOPE = "onestop.selectors.agencies_administered_by"
    assert len(procedure_admin.admin_agency_scope(user=agency_admin)) == 2


def test_agency_admin_may_only_choose_their_agencies_as_receiving_agency(client, agency_admin, demo):
    client.force_login(agency_admin)
    form = client.get(reverse("admin:procedures_procedure_add")).context["adminform"].form
    codes = set(form.fields["receiving_agency"].queryset.values_list("code", flat=True))
    assert codes == {JUSTICE_DEPARTMENT, JUSTICE_UNIT}


# --- process definitions in the admin ---------------------------------------------------------

PROCESS_CHANGELIST_URL = "/admin/procedures/processdefinition/"


def _change_form_data(page) -> dict:
    """What the browser posts back from a rendered change page: the form, each inline's management form and rows."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form[name].html_name] = value
    return data


def _steps(definition: ProcessDefinition) -> list[tuple[str, float]]:
    return [(s.name, float(s.duration_hours)) for s in definition.steps.all()]


def test_process_step_inline_refuses_steps_longer_than_the_processing_time(client, superuser):
    _imported(record())  # three steps, 20.5 working hours; online in 3 working days = 24 hours
    definition = ProcessDefinition.objects.get(procedure__code="1.001193")
    client.force_login(superuser)
    url = reverse("admin:procedures_processdefinition_change", args=[definition.pk])
    page = client.get(url)
    [inline] = page.context["inline_admin_formsets"]
    prefix = inline.formset.prefix
    assert f'name="{prefix}-TOTAL_FORMS"' in page.content.decode()
    data = _change_form_data(page)
    assert data[f"{prefix}-TOTAL_FORMS"] == 3
    data[f"{prefix}-1-duration_hours"] = "20"  # 4 + 20 + 4.5 = 28.5 hours

    response = client.post(url, data)
    assert response.status_code == 200
    assert "vượt thời hạn giải quyết" in response.content.decode()
    assert _steps(definition) == [("Tiếp nhận", 4.0), ("Thẩm định", 12.0), ("Phê duyệt", 4.5)]


def test_agency_admin_sees_and_edits_only_their_process_definitions(client, agency_admin):
    step = {"TEN": "Tiếp nhận", "MADONVI": JUSTICE_UNIT, "VAITRO": "receptionist", "SOGIO": 4, "HANHDONG": []}
    _imported(_justice_record("1.000101", "Cấp phiếu lý lịch tư pháp", MOTCUA_QUYTRINH=[step]), record())
    ours = ProcessDefinition.objects.get(procedure__code="1.000101")
    theirs = ProcessDefinition.objects.get(procedure__code="1.001193")
    agency_admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="procedures", content_type__model="processstep")
    )
    client.force_login(agency_admin)

    response = client.get(PROCESS_CHANGELIST_URL)
    assert list(response.context["cl"].result_list) == [ours]
    # Another agency's process "does not exist" for them, to read or to write.
    theirs_url = reverse("admin:procedures_processdefinition_change", args=[theirs.pk])
    assert client.get(theirs_url)["Location"] == "/admin/"
    assert client.post(theirs_url, {"name": "Đã sửa"})["Location"] == "/admin/"
    assert ProcessDefinition.objects.get(pk=theirs.pk).name == theirs.name

    url = reverse("admin:procedures_processdefinition_change", args=[ours.pk])
    page = client.get(url)
    procedures = page.context["adminform"].form.fields["procedure"].queryset
    assert list(procedures.values_list("code", flat=True)) == ["1.000101"]
    [inline] = page.context["inline_admin_formsets"]
    agencies = inline.formset.forms[0].fields["agency"].queryset
    assert set(agencies.values_list("code", flat=True)) == {JUSTICE_DEPARTMENT, JUSTICE_UNIT}

    # A step may not be given to an agency outside their scope.
    ward = theirs.steps.first().agency
    refused = {**_change_form_data(page), f"{inline.formset.prefix}-0-agency": ward.pk}
    response = client.post(url, refused)
    assert response.status_code == 200
    assert "agency" in response.context["inline_admin_formsets"][0].formset.errors[0]
    assert ours.steps.get().agency.code == JUSTICE_UNIT

    response = client.post(url, {**_change_form_data(page), "name": "Quy trình lý lịch tư pháp"})
    assert response.status_code == 302
    assert ProcessDefinition.objects.get(pk=ours.pk).name == "Quy trình lý lịch tư pháp"


TIERED = record(
    code="2.000815",
    name="Chứng thực bản sao từ bản chính",
    MOTCUA_THANHTOANKHINOP=True,
    CACHTHUCTHUCHIEN=[
        {
            "KENH": "2",
            "THOIGIAN": [
                {
                    "THOIGIANGIAIQUYET": "5",
                    "DONVITINH": "Ngày làm việc",
                    "MOTA": "",
                    "PHILEPHI": [
                        {"MAPHILEPHI": "LP01", "SOTIEN": "2000", "DONVI": "Đồng", "MOTA": "Trang 1–2",
                         "MOTCUA_CACHTINH": "per_page", "MOTCUA_TRUONGSOLUONG": "so_trang", "MOTCUA_DENDONVI": 2,
                         "MOTCUA_TRUONGNHAN": "so_ban"},
                        {"MAPHILEPHI": "LP02", "SOTIEN": "1000", "DONVI": "Đồng", "MOTA": "Từ trang 3",
                         "MOTCUA_CACHTINH": "per_page", "MOTCUA_TRUONGSOLUONG": "so_trang", "MOTCUA_TUDONVI": 3},
                    ],
                }
            ],
        }
    ],
)  # fmt: skip


def test_fee_units_and_payment_at_submission_round_trip_in_json_and_xlsx():
    first = _imported(TIERED)
    fees = first[0]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"]
    assert [(f.get("MOTCUA_TUDONVI"), f.get("MOTCUA_DENDONVI"), f["MOTCUA_TRUONGSOLUONG"]) for f in fees] == [
        (None, 2, "so_trang"),
        (3, None, "so_trang"),
    ]
    assert first[0]["MOTCUA_THANHTOANKHINOP"] is True
    procedure = Procedure.objects.get(code="2.000815")
    assert procedure.pay_at_submission
    assert [(f.from_unit, f.to_unit) for f in procedure.fees.all()] == [(1, 2), (3, None)]
    assert [f.multiplier_field for f in procedure.fees.all()] == ["so_ban", ""]
    records = workbook_to_records(records_to_workbook(first))
    assert records == first
    Procedure.objects.all().delete()
    procedures_import(records=records)
    assert _exported(["2.000815"]) == first


def test_a_workbook_written_before_the_fee_unit_columns_still_reads():
    first = _imported(record())
    data = _edited(
        records_to_workbook(first),
        *(_without_column("PhiLePhi", c) for c in ("TRUONGSOLUONG", "TRUONGNHAN", "TUDONVI", "DENDONVI")),
        _without_column("ThuTuc", "THANHTOANKHINOP"),
    )
    assert workbook_to_records(data) == first


def test_a_range_ending_before_it_starts_is_refused():
    bad = record(
        CACHTHUCTHUCHIEN=[{"KENH": "2", "THOIGIAN": [{"THOIGIANGIAIQUYET": "3", "DONVITINH": "Ngày làm việc",
                          "PHILEPHI": [{"SOTIEN": "1000", "MOTA": "x", "MOTCUA_CACHTINH": "per_page",
                                        "MOTCUA_TUDONVI": 3, "MOTCUA_DENDONVI": 2}]}]}]
    )  # fmt: skip
    report = procedures_import(records=[bad])
    assert "MOTCUA_DENDONVI" in report.rejected[0].reason
