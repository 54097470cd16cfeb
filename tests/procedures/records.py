"""National-shape records for the catalogue tests (REFERENCE.md)."""

import copy


def record(code="1.001193", name="Đăng ký kết hôn", **overrides):
    base = {
        "MATTHC": code,
        "TENTTHC": name,
        "CAPTHUCHIEN": "Cấp Xã",
        "LOAITTHC": "TTHC được luật giao quy định chi tiết",
        "MUCDO": "4",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G09-TP03", "TENLINHVUC": "Hộ tịch"}],
        "TRINHTUTHUCHIEN": [
            {"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp hồ sơ"}, {"TENTRINHTU": "Bước 2: Nhận kết quả"}]}
        ],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "1",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": "5",
                        "DONVITINH": "Ngày làm việc",
                        "MOTA": "",
                        "PHILEPHI": [
                            {
                                "MAPHILEPHI": "LP01",
                                "SOTIEN": "30.000",
                                "DONVI": "Đồng",
                                "MOTA": "Lệ phí đăng ký kết hôn",
                            }
                        ],
                    }
                ],
            },
            {
                "KENH": "2",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": "3",
                        "DONVITINH": "Ngày làm việc",
                        "MOTA": "Trực tuyến",
                        "PHILEPHI": [
                            {"MAPHILEPHI": "LP01", "SOTIEN": "15000", "DONVI": "Đồng", "MOTA": "Lệ phí (giảm 50%)"},
                            {
                                "MAPHILEPHI": "LP02",
                                "SOTIEN": "2000",
                                "DONVI": "Đồng",
                                "MOTA": "Phí sao",
                                "MOTCUA_CACHTINH": "per_copy",
                            },
                        ],
                    }
                ],
            },
        ],
        "YEUCAU": "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi",
        "DOITUONGTHUCHIEN": [{"MADOITUONG": "1", "TENDOITUONG": "Công dân Việt Nam"}],
        "MOTADOITUONGTHUCHIEN": "Công dân Việt Nam",
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": "Giấy chứng nhận kết hôn"}],
        "CANCUPHAPLY": [{"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"}],
        "COQUANTHUCHIEN": [{"MADONVI": "000.20.01.H12", "TENDONVI": "Ủy ban nhân dân phường Thủ Dầu Một"}],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {
                        "MAGIAYTO": "GT01",
                        "TENGIAYTO": "Tờ khai đăng ký kết hôn",
                        "TENMAUDON": "Mẫu tờ khai",
                        "URL": "",
                        "SOBANCHINH": "1",
                        "SOBANSAO": "0",
                        "MOTCUA_LOAI": "original",
                        "MOTCUA_BATBUOC": True,
                        "MOTCUA_DIEUKIEN": "",
                        "MOTCUA_DINHDANG": ["pdf", "jpg"],
                        "MOTCUA_DUNGLUONGMB": 5,
                    },
                    {
                        "MAGIAYTO": "GT02",
                        "TENGIAYTO": "Giấy xác nhận tình trạng hôn nhân",
                        "TENMAUDON": "",
                        "URL": "",
                        "SOBANCHINH": "1",
                        "SOBANSAO": "0",
                        "MOTCUA_LOAI": "original",
                        "MOTCUA_BATBUOC": False,
                        "MOTCUA_DIEUKIEN": "Khi đăng ký tại nơi không thường trú",
                        "MOTCUA_DINHDANG": ["pdf"],
                        "MOTCUA_DUNGLUONGMB": 10,
                    },
                ],
            }
        ],
        "TRANGTHAI": "1",
        "MOTCUA_MALOCAL": f"{code}.000.20.01.H12",
        "MOTCUA_COQUANTIEPNHAN": {"MADONVI": "000.20.01.H12", "TENDONVI": "Ủy ban nhân dân phường Thủ Dầu Một"},
        "MOTCUA_MUCDOTRUCTUYEN": "toan_trinh",
        "MOTCUA_TRAKETQUA": ["counter", "online"],
        "MOTCUA_GIOCHOT": "15:00",
        "MOTCUA_TRUONGDON": [
            {
                "MA": "ho_ten_chong",
                "NHAN": "Họ tên người chồng",
                "KIEU": "text",
                "BATBUOC": True,
                "GOIY": "",
                "LUACHON": [],
                "KIEMTRA": {"max_length": 100},
            },
            {
                "MA": "ngay_dang_ky",
                "NHAN": "Ngày muốn đăng ký",
                "KIEU": "date",
                "BATBUOC": False,
                "GOIY": "",
                "LUACHON": [],
                "KIEMTRA": {},
            },
            {
                "MA": "hinh_thuc",
                "NHAN": "Hình thức",
                "KIEU": "choice",
                "BATBUOC": True,
                "GOIY": "",
                "LUACHON": ["Tại trụ sở", "Lưu động"],
                "KIEMTRA": {},
            },
        ],
        "MOTCUA_QUYTRINH": [
            {
                "TEN": "Tiếp nhận",
                "MADONVI": "000.20.01.H12",
                "VAITRO": "receptionist",
                "SOGIO": 4,
                "HANHDONG": ["forward", "request_supplement"],
            },
            {
                "TEN": "Thẩm định",
                "MADONVI": "000.20.01.H12",
                "VAITRO": "specialist",
                "SOGIO": 12,
                "HANHDONG": ["forward", "send_back"],
            },
            {
                "TEN": "Phê duyệt",
                "MADONVI": "000.20.01.H12",
                "VAITRO": "approver",
                "SOGIO": 4.5,
                "HANHDONG": ["approve", "send_back"],
            },
        ],
    }
    base.update(copy.deepcopy(overrides))
    return base
