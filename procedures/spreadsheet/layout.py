"""The workbook's layout: its sheets and columns, shared by the writer and the reader."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import DocumentKind, FeeBasis, FieldKind, OnlineLevel, StepRole

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES, NO = "Có", "Không"
_NATIONAL_UNITS = ("Ngày làm việc", "Giờ làm việc", "Ngày")


class SpreadsheetError(ValueError):
    """A workbook that cannot be read; the message names the sheet and row, in Vietnamese."""

    def __init__(self, reason: str, *, sheet: str | None = None, row: int | None = None) -> None:
        self.reason, self.sheet, self.row = reason, sheet, row
        where = f"Trang tính {sheet}" if sheet else ""
        if sheet and row:
            where += f", dòng {row}"
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True)
class Column:
    name: str
    width: int
    note: str  # shown as the header's comment
    wrap: bool = False
    number: bool = False
    choices: tuple[str, ...] = ()  # offered as a drop-down list
    optional: bool = False  # a workbook written before the column existed still reads (empty cells)


_LINES = "một mục mỗi dòng, dạng mã|tên"
SHEETS: dict[str, tuple[Column, ...]] = {
    "ThuTuc": (
        Column("MATTHC", 12, "Mã thủ tục hành chính, dạng 1.001234"),
        Column("TENTTHC", 45, "Tên thủ tục", wrap=True),
        Column("MALINHVUC", 12, "Mã lĩnh vực"),
        Column("TENLINHVUC", 22, "Tên lĩnh vực"),
        Column("CAPTHUCHIEN", 14, "Cấp thực hiện"),
        Column("LOAITTHC", 20, "Loại thủ tục"),
        Column("MUCDO", 8, "Mức độ cũ (2, 3, 4) hoặc để trống"),
        Column("MUCDOTRUCTUYEN", 14, "toan_trinh (toàn trình) hoặc mot_phan (một phần)", choices=tuple(OnlineLevel)),
        Column("COQUANTHUCHIEN", 40, f"Cơ quan thực hiện, {_LINES}", wrap=True),
        Column("COQUANTIEPNHAN", 40, "Cơ quan tiếp nhận hồ sơ, dạng mã|tên", wrap=True),
        Column("DOITUONG", 10, "1 = công dân, 2 = tổ chức; ví dụ 1;2"),
        Column("MOTADOITUONG", 30, "Mô tả đối tượng thực hiện", wrap=True),
        Column("YEUCAU", 40, "Yêu cầu, điều kiện", wrap=True),
        Column("TRAKETQUA", 18, "Cách trả kết quả: counter, online, post; ví dụ counter;online"),
        Column("GIOCHOT", 8, "Giờ chốt nhận hồ sơ trong ngày, dạng 15:00"),
        Column(
            "THANHTOANKHINOP",
            10,
            f"{YES} = nộp phí, lệ phí trực tuyến ngay khi nộp hồ sơ",
            choices=(YES, NO),
            optional=True,
        ),
        Column("TRANGTHAI", 10, "1 = công bố, 0 = nháp", choices=("1", "0")),
        Column("MALOCAL", 24, "Mã thủ tục của địa phương"),
        Column("KETQUA", 36, f"Kết quả thực hiện, {_LINES}", wrap=True),
        Column("CANCUPHAPLY", 45, "Căn cứ pháp lý, một văn bản mỗi dòng, dạng số|tên", wrap=True),
    ),
    "TrinhTu": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("TRUONGHOP", 30, "Trường hợp; để trống nếu chỉ có một", wrap=True),
        Column("BUOC", 80, "Nội dung một bước; có thể nhiều dòng", wrap=True),
    ),
    "CachThuc": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("KENH", 7, "1 = trực tiếp, 2 = trực tuyến, 3 = bưu chính công ích"),
        Column("THOIGIAN", 10, "Thời hạn giải quyết (số)", number=True),
        Column("DONVITINH", 15, "Ngày làm việc, Giờ làm việc hoặc Ngày", choices=_NATIONAL_UNITS),
        Column("MOTA", 40, "Mô tả", wrap=True),
    ),
    "PhiLePhi": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("KENH", 7, "Kênh (phải có trong trang CachThuc)"),
        Column("MAPHILEPHI", 12, "Mã phí, lệ phí"),
        Column("SOTIEN", 12, "Số tiền (đồng)", number=True),
        Column("MOTA", 40, "Tên, mô tả", wrap=True),
        Column("CACHTINH", 14, "Để trống = theo hồ sơ; per_copy, per_page, per_item", choices=tuple(FeeBasis)),
        Column(
            "TRUONGSOLUONG",
            16,
            "Mã trường đơn ghi số đơn vị (số trang, số bản…), với phí tính theo đơn vị",
            optional=True,
        ),
        Column(
            "TRUONGNHAN",
            14,
            "Mã trường đơn nhân với dòng phí (ví dụ số bản, với phí tính theo trang của mỗi bản)",
            optional=True,
        ),
        Column("TUDONVI", 8, "Tính từ đơn vị thứ (để trống = 1)", number=True, optional=True),
        Column("DENDONVI", 8, "Đến đơn vị thứ (để trống = không giới hạn)", number=True, optional=True),
    ),
    "GiayTo": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("TRUONGHOP", 25, "Trường hợp; để trống nếu chỉ có một", wrap=True),
        Column("MAGIAYTO", 10, "Mã giấy tờ, không trùng trong một thủ tục"),
        Column("TENGIAYTO", 45, "Tên giấy tờ", wrap=True),
        Column("LOAI", 14, "original, certified_copy hoặc copy", choices=tuple(DocumentKind)),
        Column("SOBANCHINH", 8, "Số bản chính", number=True),
        Column("SOBANSAO", 8, "Số bản sao", number=True),
        Column("BATBUOC", 9, f"{YES} hoặc {NO}", choices=(YES, NO)),
        Column("DIEUKIEN", 30, "Khi nào cần (bắt buộc nếu không bắt buộc nộp)", wrap=True),
        Column("DINHDANG", 18, "Định dạng tệp: pdf;jpg;png;docx;xlsx"),
        Column("DUNGLUONGMB", 9, "Dung lượng tối đa (MB)", number=True),
        Column("TENMAUDON", 25, "Tên mẫu đơn, tờ khai", wrap=True),
        Column("URL", 30, "Địa chỉ tải mẫu"),
    ),
    "TruongDon": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("MA", 18, "Mã trường: chữ không dấu, số, gạch dưới"),
        Column("NHAN", 30, "Nhãn hiển thị", wrap=True),
        Column("KIEU", 10, "Kiểu trường", choices=tuple(FieldKind)),
        Column("BATBUOC", 9, f"{YES} hoặc {NO}", choices=(YES, NO)),
        Column("GOIY", 30, "Gợi ý", wrap=True),
        Column("LUACHON", 30, "Các lựa chọn, cách nhau bởi dấu ; (hoặc mỗi lựa chọn một dòng)", wrap=True),
        Column("KIEMTRA", 25, 'Ràng buộc dạng JSON, ví dụ {"max_length": 100}'),
    ),
    "QuyTrinh": (
        Column("MATTHC", 12, "Mã thủ tục (có trong trang ThuTuc)"),
        Column("TT", 5, "Thứ tự bước", number=True),
        Column("TEN", 30, "Tên bước", wrap=True),
        Column("MADONVI", 16, "Mã đơn vị xử lý"),
        Column("VAITRO", 14, "Vai trò", choices=tuple(StepRole)),
        Column("SOGIO", 8, "Số giờ làm việc", number=True),
        Column("HANHDONG", 35, "Thao tác được phép, cách nhau bởi dấu ;"),
    ),
}
