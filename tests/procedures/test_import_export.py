"""import_procedures / export_procedures: national shape, idempotent, bad records reported."""

import json

import pytest
from django.core.management import call_command

from portal.demo.accounts import seed_accounts
from portal.demo.agencies import seed_agencies
from procedures.interchange import procedure_to_record
from procedures.models import Agency, FeeBasis, Procedure, ProcedureStatus, Sector, TimeUnit
from procedures.selectors import procedures_for_export
from procedures.services import procedures_import
from tests.procedures.records import record

pytestmark = pytest.mark.django_db


def test_import_creates_the_procedure_with_everything():
    report = procedures_import(records=[record()])
    assert [(line.outcome, line.code) for line in report.lines] == [("created", "1.001193")]
    p = Procedure.objects.get(code="1.001193")
    assert p.name == "Đăng ký kết hôn"
    assert p.status == ProcedureStatus.PUBLISHED
    assert p.sector.code == "G09-TP03"
    assert p.receiving_agency.code == "000.20.01.H12"
    # Unknown agencies and sectors are created from the record.
    assert Agency.objects.get(code="000.20.01.H12").name == "Ủy ban nhân dân phường Thủ Dầu Một"
    assert {c.channel: (c.time_amount, c.time_unit) for c in p.channels.all()} == {
        1: (5, TimeUnit.WORKING_DAYS),
        2: (3, TimeUnit.WORKING_DAYS),
    }
    assert [(f.channel, f.amount, f.basis) for f in p.fees.all()] == [
        (1, 30000, FeeBasis.PER_DOSSIER),
        (2, 15000, FeeBasis.PER_DOSSIER),
        (2, 2000, FeeBasis.PER_COPY),
    ]
    docs = list(p.documents.all())
    assert [d.code for d in docs] == ["GT01", "GT02"]
    assert docs[1].required is False and docs[1].condition.startswith("Khi đăng ký")
    assert docs[0].accepted_types == ["pdf", "jpg"] and docs[0].max_size_mb == 5
    assert [f.key for f in p.form_fields.all()] == ["ho_ten_chong", "ngay_dang_ky", "hinh_thuc"]
    assert [(s.order, s.role, float(s.duration_hours)) for s in p.process.steps.all()] == [
        (1, "receptionist", 4.0),
        (2, "specialist", 12.0),
        (3, "approver", 4.5),
    ]
    assert p.search_text == "dang ky ket hon 1.001193 1.001193.000.20.01.h12"


def test_reimport_updates_and_never_duplicates():
    procedures_import(records=[record()])
    counts = (Procedure.objects.count(), Sector.objects.count(), Agency.objects.count())
    changed = record(name="Đăng ký kết hôn (sửa đổi)")
    changed["THANHPHANHOSO"][0]["GIAYTO"].pop()
    report = procedures_import(records=[changed])
    assert report.lines[0].outcome == "updated"
    assert (Procedure.objects.count(), Sector.objects.count(), Agency.objects.count()) == counts
    p = Procedure.objects.get(code="1.001193")
    assert p.name == "Đăng ký kết hôn (sửa đổi)"
    assert p.documents.count() == 1
    assert p.fees.count() == 3 and p.channels.count() == 2 and p.process.steps.count() == 3


BAD = [
    ("not an object", "không phải một đối tượng"),
    (record(MATTHC="1-001193"), "MATTHC không hợp lệ"),
    (record(code="1.000002", TENTTHC=""), "thiếu TENTTHC"),
    (record(code="1.000003", LINHVUCTHUCHIEN=[]), "thiếu LINHVUCTHUCHIEN"),
    (record(code="1.000004", COQUANTHUCHIEN=[{"TENDONVI": "Không mã"}]), "thiếu MADONVI"),
    (record(code="1.000005", CACHTHUCTHUCHIEN=[{"KENH": "7", "THOIGIAN": []}]), "KENH phải là 1, 2 hoặc 3"),
    (
        record(
            code="1.000006",
            CACHTHUCTHUCHIEN=[{"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "năm", "DONVITINH": "Ngày"}]}],
        ),
        "THOIGIANGIAIQUYET không phải số",
    ),
    (
        record(
            code="1.000007",
            MOTCUA_QUYTRINH=[
                {"TEN": "Dài", "MADONVI": "000.20.01.H12", "VAITRO": "specialist", "SOGIO": 40, "HANHDONG": []}
            ],
        ),
        "vượt thời hạn giải quyết (24 giờ làm việc)",
    ),
    (
        record(
            code="1.000008",
            MOTCUA_QUYTRINH=[
                {"TEN": "X", "MADONVI": "999.99.99.Z99", "VAITRO": "specialist", "SOGIO": 1, "HANHDONG": []}
            ],
        ),
        "cơ quan '999.99.99.Z99' chưa có",
    ),
    (record(code="1.000009", MOTCUA_TRUONGDON=[{"MA": "x", "NHAN": "X", "KIEU": "choice", "LUACHON": []}]), "choices"),
    (record(code="1.000010", MOTCUA_TRAKETQUA=["drone"]), "delivery_methods"),
    (record(code="1.000011", MOTCUA_GIOCHOT="25:00"), "MOTCUA_GIOCHOT"),
]


def test_bad_records_are_reported_with_position_and_reason_and_do_not_stop_the_others():
    records = [record(code="1.000001")] + [bad for bad, _ in BAD] + [record(code="1.000099")]
    report = procedures_import(records=records)
    assert report.count("created") == 2
    rejected = {line.position: line.reason for line in report.rejected}
    assert sorted(rejected) == list(range(2, 2 + len(BAD)))
    for position, (_, reason) in enumerate(BAD, start=2):
        assert reason in rejected[position], (position, rejected[position])
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.000001", "1.000099"}


def test_a_rejected_record_leaves_nothing_half_imported():
    procedures_import(records=[record()])
    bad = record(
        name="Tên mới",
        MOTCUA_QUYTRINH=[{"TEN": "Dài", "MADONVI": "000.20.01.H12", "VAITRO": "specialist", "SOGIO": 99}],
    )
    report = procedures_import(records=[bad])
    assert report.rejected
    p = Procedure.objects.get(code="1.001193")
    assert p.name == "Đăng ký kết hôn" and p.process.steps.count() == 3


def test_command_exit_status(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([record()], ensure_ascii=False), encoding="utf-8")
    call_command("import_procedures", str(good))
    assert "1 thủ tục mới" in capsys.readouterr().out

    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([record(code="1.000001"), record(MATTHC="x")], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_procedures", str(mixed))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Bản ghi #2" in err and "MATTHC không hợp lệ" in err


def test_command_refuses_a_file_that_is_not_json(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("import_procedures", str(bad))


# --- scope: an agency admin writes only what their agencies receive (Decree 13/2023) -------------

WARD = "000.20.01.H12"  # receives record()
JUSTICE_DEPARTMENT, JUSTICE_UNIT = "000.00.14.H12", "000.01.14.H12"  # quantri@demo.vn administers both


def _justice(code: str, name: str, **overrides) -> dict:
    justice = {
        "COQUANTHUCHIEN": [{"MADONVI": JUSTICE_DEPARTMENT, "TENDONVI": "Sở Tư pháp"}],
        "MOTCUA_COQUANTIEPNHAN": {"MADONVI": JUSTICE_UNIT, "TENDONVI": "Phòng Hành chính tư pháp"},
        "MOTCUA_QUYTRINH": [],
    }
    return record(code=code, name=name, **{**justice, **overrides})


@pytest.fixture
def justice_scope() -> set[int]:
    """A ward procedure and a justice procedure exist; the scope is the two justice agencies."""
    report = procedures_import(records=[record(), _justice("1.000101", "Cấp phiếu lý lịch tư pháp")])
    assert not report.rejected, report.rejected
    return set(Agency.objects.filter(code__in=[JUSTICE_DEPARTMENT, JUSTICE_UNIT]).values_list("pk", flat=True))


def test_scope_refuses_a_record_received_outside_it_or_taking_over_another_agencys_procedure(justice_scope):
    before = _export()
    report = procedures_import(
        records=[
            _justice("1.000102", "Chứng thực chữ ký"),
            record(code="1.000103", name="Thủ tục của phường"),
            _justice("1.001193", "Chiếm thủ tục của phường"),
            _justice("1.000101", "Cấp phiếu lý lịch tư pháp (sửa đổi)"),
        ],
        scope=justice_scope,
    )
    assert [(line.position, line.code, line.outcome) for line in report.lines] == [
        (1, "1.000102", "created"),
        (2, "1.000103", "rejected"),
        (3, "1.001193", "rejected"),
        (4, "1.000101", "updated"),
    ]
    reasons = {line.code: line.reason for line in report.rejected}
    assert WARD in reasons["1.000103"]
    assert "1.001193" in reasons["1.001193"] and WARD in reasons["1.001193"]
    assert not Procedure.objects.filter(code="1.000103").exists()
    assert [r for r in _export() if r["MATTHC"] == "1.001193"] == [r for r in before if r["MATTHC"] == "1.001193"]


def test_scope_judges_the_receiving_agency_as_parse_record_does(justice_scope):
    # No MOTCUA_COQUANTIEPNHAN: the first COQUANTHUCHIEN receives.
    ward_first = [{"MADONVI": WARD, "TENDONVI": "Phường"}, {"MADONVI": JUSTICE_DEPARTMENT, "TENDONVI": "Sở Tư pháp"}]
    report = procedures_import(
        records=[
            _justice("1.000104", "Sở nhận hồ sơ", MOTCUA_COQUANTIEPNHAN=None),
            _justice("1.000105", "Phường nhận hồ sơ", MOTCUA_COQUANTIEPNHAN=None, COQUANTHUCHIEN=ward_first),
        ],
        scope=justice_scope,
    )
    assert [line.outcome for line in report.lines] == ["created", "rejected"]
    assert WARD in report.lines[1].reason
    assert Procedure.objects.get(code="1.000104").receiving_agency.code == JUSTICE_DEPARTMENT


def test_scope_refuses_an_agency_not_yet_in_the_catalogue_and_creates_nothing(justice_scope):
    agencies = Agency.objects.count()
    newcomer = _justice(
        "1.000106", "Cơ quan mới", MOTCUA_COQUANTIEPNHAN={"MADONVI": "000.99.99.H12", "TENDONVI": "Mới"}
    )
    report = procedures_import(records=[newcomer], scope=justice_scope)
    assert report.lines[0].outcome == "rejected" and "000.99.99.H12" in report.lines[0].reason
    assert Agency.objects.count() == agencies and not Procedure.objects.filter(code="1.000106").exists()


def test_an_empty_scope_refuses_everything_and_a_malformed_record_keeps_its_own_reason(justice_scope):
    report = procedures_import(records=[_justice("1.000107", "Thủ tục"), record(MATTHC="x")], scope=set())
    assert [line.outcome for line in report.lines] == ["rejected", "rejected"]
    assert JUSTICE_UNIT in report.lines[0].reason and "MATTHC không hợp lệ" in report.lines[1].reason
    assert not Procedure.objects.filter(code="1.000107").exists()


def test_without_updates_existing_procedures_are_refused_and_new_ones_created(justice_scope):
    report = procedures_import(
        records=[_justice("1.000101", "Tên mới"), _justice("1.000108", "Thủ tục mới")],
        scope=justice_scope,
        allow_updates=False,
    )
    assert [line.outcome for line in report.lines] == ["rejected", "created"]
    assert Procedure.objects.get(code="1.000101").name == "Cấp phiếu lý lịch tư pháp"


@pytest.fixture
def demo_accounts(settings):
    settings.AGENCY_ADMIN_SCOPE = "onestop.selectors.agencies_administered_by"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_accounts(seed_agencies())


def test_command_imports_everything_unless_an_agency_admin_is_named(tmp_path, capsys, demo_accounts):
    procedures_import(records=[record()])
    file = tmp_path / "records.json"
    records = [_justice("1.000102", "Chứng thực chữ ký"), _justice("1.001193", "Chiếm thủ tục của phường")]
    file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_procedures", str(file), "--agency-admin", "QuanTri@demo.vn")
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "1 thủ tục mới, 0 cập nhật, 1 bị từ chối" in captured.out
    assert "Bản ghi #2 (1.001193)" in captured.err and WARD in captured.err
    assert Procedure.objects.get(code="1.001193").receiving_agency.code == WARD

    # The operator tool, without the flag, writes everything (scope None).
    call_command("import_procedures", str(file))
    assert "0 thủ tục mới, 2 cập nhật" in capsys.readouterr().out
    assert Procedure.objects.get(code="1.001193").receiving_agency.code == JUSTICE_UNIT


def test_command_as_a_superuser_imports_everything(tmp_path, capsys, demo_accounts):
    procedures_import(records=[record()])
    file = tmp_path / "records.json"
    file.write_text(json.dumps([_justice("1.001193", "Đổi cơ quan")], ensure_ascii=False), encoding="utf-8")
    call_command("import_procedures", str(file), "--agency-admin", "admin@demo.vn")
    assert "0 thủ tục mới, 1 cập nhật" in capsys.readouterr().out


def test_command_refuses_an_unknown_agency_admin_or_a_missing_scope_rule(tmp_path, settings, demo_accounts):
    from django.core.management.base import CommandError

    file = tmp_path / "records.json"
    file.write_text(json.dumps([record()], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"nobody@demo\.vn"):
        call_command("import_procedures", str(file), "--agency-admin", "nobody@demo.vn")
    del settings.AGENCY_ADMIN_SCOPE
    with pytest.raises(CommandError, match="AGENCY_ADMIN_SCOPE"):
        call_command("import_procedures", str(file), "--agency-admin", "quantri@demo.vn")
    assert not Procedure.objects.exists()


def _export() -> list[dict]:
    return [procedure_to_record(p) for p in procedures_for_export()]


def test_export_then_import_round_trips(tmp_path):
    draft = record(code="1.000050", name="Thủ tục nháp", TRANGTHAI="0")
    procedures_import(records=[record(), draft])
    first = _export()
    out = tmp_path / "export.json"
    call_command("export_procedures", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported == first

    Procedure.objects.all().delete()
    report = procedures_import(records=exported)
    assert report.count("created") == 2
    assert _export() == first
    assert Procedure.objects.get(code="1.000050").status == ProcedureStatus.DRAFT


def test_export_keeps_the_national_keys():
    procedures_import(records=[record()])
    exported = _export()[0]
    for key in [
        "MATTHC",
        "TENTTHC",
        "LINHVUCTHUCHIEN",
        "TRINHTUTHUCHIEN",
        "CACHTHUCTHUCHIEN",
        "YEUCAU",
        "MOTADOITUONGTHUCHIEN",
        "KETQUATHUCHIEN",
        "CANCUPHAPLY",
        "COQUANTHUCHIEN",
        "THANHPHANHOSO",
        "TRANGTHAI",
    ]:
        assert key in exported
    online = next(c for c in exported["CACHTHUCTHUCHIEN"] if c["KENH"] == "2")
    assert online["THOIGIAN"][0]["THOIGIANGIAIQUYET"] == "3"
    assert online["THOIGIAN"][0]["DONVITINH"] == "Ngày làm việc"
    assert [f["SOTIEN"] for f in online["THOIGIAN"][0]["PHILEPHI"]] == ["15000", "2000"]
