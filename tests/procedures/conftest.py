import pytest

from procedures.services import procedures_import
from tests.procedures.records import record

CATALOGUE = [
    record(),
    record(code="1.001022", name="Đăng ký khai sinh", MUCDO="3", MOTCUA_MUCDOTRUCTUYEN="mot_phan"),
    record(
        code="1.004227",
        name="Đăng ký thành lập doanh nghiệp tư nhân",
        LINHVUCTHUCHIEN=[{"MALINHVUC": "G03-KH01", "TENLINHVUC": "Thành lập và hoạt động doanh nghiệp"}],
        DOITUONGTHUCHIEN=[{"MADOITUONG": "2", "TENDOITUONG": "Doanh nghiệp"}],
        COQUANTHUCHIEN=[{"MADONVI": "000.00.17.H12", "TENDONVI": "Sở Tài chính"}],
        MOTCUA_COQUANTIEPNHAN={"MADONVI": "000.00.01.H12", "TENDONVI": "Trung tâm Phục vụ hành chính công Thành phố"},
        MOTCUA_QUYTRINH=[],
    ),
    record(
        code="2.000908",
        name="Chứng thực bản sao từ bản chính",
        MOTCUA_QUYTRINH=[],
        LINHVUCTHUCHIEN=[{"MALINHVUC": "G09-TP01", "TENLINHVUC": "Chứng thực"}],
        CACHTHUCTHUCHIEN=[
            {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "8", "DONVITINH": "Giờ làm việc", "PHILEPHI": []}]}
        ],
    ),
    record(code="1.009999", name="Đăng ký đất đai (nháp)", TRANGTHAI="0"),
]


@pytest.fixture
def catalogue(db):
    report = procedures_import(records=CATALOGUE)
    assert not report.rejected, report.rejected
