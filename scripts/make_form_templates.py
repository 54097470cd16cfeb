#!/usr/bin/env python3
"""Write the demo catalogue's form templates (procedures/data/mau/*.docx) — small, genuine Word
documents in Vietnamese that the citizen downloads, fills in and attaches.

    .venv/bin/python scripts/make_form_templates.py     # rewrites the files (same words: same bytes)

The demo catalogue (procedures/data/demo_catalogue.json) names each file in MOTCUA_TEPMAU.DUONGDAN.
The hộ tịch forms follow the layout of the forms of Circular 04/2020/TT-BTP.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from procedures.docx import Document  # noqa: E402

OUT = ROOT / "procedures" / "data" / "mau"


def _heading(doc: Document, title: str, recipient: str) -> Document:
    doc.p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align="center", space_after=0)
    doc.p("Độc lập - Tự do - Hạnh phúc", bold=True, align="center")
    doc.p("───────────────", align="center")
    doc.p(title, bold=True, align="center", size=28)
    doc.p(f"Kính gửi: {recipient}", align="center")
    return doc


def _signature(doc: Document, who: str = "NGƯỜI YÊU CẦU") -> Document:
    doc.p(
        "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về "
        "cam đoan của mình.",
        italic=True,
    )
    doc.p("Làm tại: …………………, ngày …… tháng …… năm ……", align="right")
    doc.p(who, bold=True, align="right", space_after=0)
    doc.p("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, align="right")
    return doc


def _requester(doc: Document) -> Document:
    doc.blank("Họ, chữ đệm, tên người yêu cầu")
    doc.blank("Số định danh cá nhân")
    doc.blank("Nơi cư trú")
    doc.blank("Số điện thoại liên hệ")
    doc.blank("Quan hệ với người được đăng ký")
    return doc


def khai_sinh() -> Document:
    doc = _heading(
        Document("Tờ khai đăng ký khai sinh"), "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Ủy ban nhân dân phường/xã ……………………"
    )
    _requester(doc)
    doc.p("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", bold=True)
    for label in (
        "Họ, chữ đệm, tên",
        "Ngày, tháng, năm sinh (ghi bằng số và bằng chữ)",
        "Giới tính",
        "Dân tộc",
        "Quốc tịch",
        "Nơi sinh",
        "Quê quán",
    ):
        doc.blank(label)
    doc.p("Thông tin về cha, mẹ:", bold=True)
    doc.table(
        [
            ["", "Mẹ", "Cha"],
            ["Họ, chữ đệm, tên", "", ""],
            ["Năm sinh", "", ""],
            ["Dân tộc", "", ""],
            ["Quốc tịch", "", ""],
            ["Nơi cư trú", "", ""],
            ["Số định danh cá nhân", "", ""],
        ]
    )
    return _signature(doc)


def ket_hon() -> Document:
    doc = _heading(Document("Tờ khai đăng ký kết hôn"), "TỜ KHAI ĐĂNG KÝ KẾT HÔN", "Ủy ban nhân dân phường/xã ……………………")
    doc.table(
        [
            ["Thông tin", "Bên nữ", "Bên nam"],
            ["Họ, chữ đệm, tên", "", ""],
            ["Ngày, tháng, năm sinh", "", ""],
            ["Dân tộc", "", ""],
            ["Quốc tịch", "", ""],
            ["Nơi cư trú", "", ""],
            ["Số định danh cá nhân", "", ""],
            ["Kết hôn lần thứ mấy", "", ""],
        ]
    )
    doc.p(
        "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
        "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam. Chúng tôi chịu trách nhiệm trước pháp "
        "luật về cam đoan của mình.",
        italic=True,
    )
    doc.p("Làm tại: …………………, ngày …… tháng …… năm ……", align="right")
    doc.table([["BÊN NỮ", "BÊN NAM"], ["(Ký, ghi rõ họ, chữ đệm, tên)", "(Ký, ghi rõ họ, chữ đệm, tên)"]])
    doc.p("Đề nghị tổ chức lễ đăng ký kết hôn vào ngày …… tháng …… năm …… (nếu có).", italic=True)
    return doc


def khai_tu() -> Document:
    doc = _heading(Document("Tờ khai đăng ký khai tử"), "TỜ KHAI ĐĂNG KÝ KHAI TỬ", "Ủy ban nhân dân phường/xã ……………………")
    _requester(doc)
    doc.p("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", bold=True)
    for label in (
        "Họ, chữ đệm, tên",
        "Ngày, tháng, năm sinh",
        "Giới tính",
        "Dân tộc",
        "Quốc tịch",
        "Số định danh cá nhân",
        "Nơi cư trú cuối cùng",
        "Đã chết vào lúc: …… giờ …… phút, ngày …… tháng …… năm",
        "Nơi chết",
        "Nguyên nhân chết",
        "Số Giấy báo tử (hoặc giấy tờ thay thế) / ngày cấp / nơi cấp",
    ):
        doc.blank(label)
    return _signature(doc)


def xac_nhan_hon_nhan() -> Document:
    doc = _heading(
        Document("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"),
        "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        "Ủy ban nhân dân phường/xã ……………………",
    )
    _requester(doc)
    doc.p("Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:", bold=True)
    for label in (
        "Họ, chữ đệm, tên",
        "Ngày, tháng, năm sinh",
        "Giới tính",
        "Số định danh cá nhân",
        "Nơi cư trú",
        "Tình trạng hôn nhân (chưa kết hôn / đang có vợ, chồng / đã ly hôn / người có vợ, chồng đã chết)",
        "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
        "Số lượng Giấy xác nhận đề nghị cấp",
    ):
        doc.blank(label)
    return _signature(doc)


def ly_lich_tu_phap() -> Document:
    doc = _heading(
        Document("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
        "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
        "Sở Tư pháp Thành phố Hồ Chí Minh",
    )
    for label in (
        "Họ, chữ đệm, tên",
        "Tên gọi khác (nếu có)",
        "Giới tính",
        "Ngày, tháng, năm sinh",
        "Nơi sinh",
        "Quốc tịch",
        "Dân tộc",
        "Số định danh cá nhân / số Hộ chiếu",
        "Nơi thường trú",
        "Nơi tạm trú",
        "Số điện thoại, thư điện tử",
    ):
        doc.blank(label)
    doc.p("Họ, tên cha, mẹ, vợ/chồng:", bold=True)
    doc.table([["Quan hệ", "Họ, chữ đệm, tên", "Năm sinh"], ["Cha", "", ""], ["Mẹ", "", ""], ["Vợ/chồng", "", ""]])
    doc.p("Quá trình cư trú, học tập, làm việc (từ đủ 14 tuổi):", bold=True)
    doc.table([["Từ tháng, năm đến tháng, năm", "Nơi cư trú", "Nghề nghiệp, nơi làm việc"], ["", "", ""], ["", "", ""]])
    doc.blank("Loại Phiếu yêu cầu cấp (số 1 / số 2)")
    doc.blank("Số lượng Phiếu yêu cầu cấp")
    doc.blank("Mục đích sử dụng Phiếu")
    return _signature(doc, "NGƯỜI KHAI")


def ho_kinh_doanh() -> Document:
    doc = _heading(
        Document("Giấy đề nghị đăng ký hộ kinh doanh"),
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
        "Ủy ban nhân dân phường/xã ……………………",
    )
    doc.p("Tôi là (ghi họ tên bằng chữ in hoa): ………………………………………………", align="left")
    for label in ("Ngày, tháng, năm sinh", "Số định danh cá nhân", "Nơi cư trú", "Số điện thoại, thư điện tử"):
        doc.blank(label)
    doc.p("Đăng ký hộ kinh doanh do tôi là chủ hộ với các nội dung sau:", bold=True)
    for label in (
        "1. Tên hộ kinh doanh (ghi bằng chữ in hoa)",
        "2. Địa chỉ địa điểm kinh doanh",
        "3. Ngành, nghề kinh doanh (ghi tên và mã ngành cấp 4)",
        "4. Vốn kinh doanh (bằng số, bằng chữ; đồng)",
        "5. Số lượng lao động",
    ):
        doc.blank(label)
    doc.p("6. Thông tin về các thành viên hộ gia đình tham gia thành lập hộ kinh doanh (nếu có):", bold=True)
    doc.table([["STT", "Họ, chữ đệm, tên", "Số định danh cá nhân", "Chữ ký"], ["1", "", "", ""], ["2", "", "", ""]])
    doc.p(
        "Tôi cam kết bản thân không thuộc diện bị cấm thành lập hộ kinh doanh và chịu trách nhiệm trước pháp luật "
        "về tính hợp pháp, chính xác, trung thực của nội dung đăng ký trên.",
        italic=True,
    )
    doc.p("……………, ngày …… tháng …… năm ……", align="right")
    doc.p("CHỦ HỘ KINH DOANH", bold=True, align="right", space_after=0)
    doc.p("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, align="right")
    return doc


def doanh_nghiep_tu_nhan() -> Document:
    doc = _heading(
        Document("Giấy đề nghị đăng ký doanh nghiệp tư nhân"),
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ DOANH NGHIỆP TƯ NHÂN",
        "Phòng Đăng ký kinh doanh, Sở Tài chính Thành phố Hồ Chí Minh",
    )
    doc.p("Tôi là (ghi họ tên bằng chữ in hoa): ………………………………………………", align="left")
    doc.p("Đăng ký doanh nghiệp tư nhân do tôi làm chủ với các nội dung sau:", bold=True)
    for label in (
        "1. Tên doanh nghiệp viết bằng tiếng Việt (ghi bằng chữ in hoa)",
        "   Tên doanh nghiệp viết bằng tiếng nước ngoài (nếu có)",
        "2. Địa chỉ trụ sở chính (số nhà, đường, phường/xã, tỉnh/thành phố)",
        "   Điện thoại, thư điện tử",
        "3. Ngành, nghề kinh doanh (ghi tên và mã ngành cấp 4)",
        "4. Vốn đầu tư (bằng số, bằng chữ; đồng)",
        "5. Thông tin về chủ doanh nghiệp: số định danh cá nhân, ngày sinh, nơi cư trú",
        "6. Thông tin đăng ký thuế (kế toán trưởng, năm tài chính, hình thức hạch toán)",
    ):
        doc.blank(label)
    doc.p(
        "Tôi cam kết là người có đầy đủ năng lực hành vi dân sự, không thuộc diện bị cấm thành lập và quản lý "
        "doanh nghiệp, và chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của nội dung "
        "đăng ký doanh nghiệp trên.",
        italic=True,
    )
    doc.p("……………, ngày …… tháng …… năm ……", align="right")
    doc.p("CHỦ DOANH NGHIỆP", bold=True, align="right", space_after=0)
    doc.p("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, align="right")
    return doc


# file name → (writer, the procedures and document codes that offer it)
TEMPLATES = {
    "to-khai-dang-ky-khai-sinh.docx": (khai_sinh, [("1.001193", "GT01")]),
    "to-khai-dang-ky-ket-hon.docx": (ket_hon, [("1.000894", "GT01")]),
    "to-khai-dang-ky-khai-tu.docx": (khai_tu, [("1.000656", "GT01")]),
    "to-khai-cap-giay-xac-nhan-tinh-trang-hon-nhan.docx": (xac_nhan_hon_nhan, [("1.004873", "GT01")]),
    "to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap.docx": (ly_lich_tu_phap, [("2.000488", "GT01")]),
    "giay-de-nghi-dang-ky-ho-kinh-doanh.docx": (ho_kinh_doanh, [("2.000720", "GT01")]),
    "giay-de-nghi-dang-ky-doanh-nghiep-tu-nhan.docx": (doanh_nghiep_tu_nhan, [("2.001610", "GT01")]),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (writer, _uses) in TEMPLATES.items():
        content = writer().to_bytes()
        (OUT / name).write_bytes(content)
        print(f"{name}: {len(content)} bytes")


if __name__ == "__main__":
    main()
