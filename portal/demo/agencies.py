"""The demo province's agency tree (Bình Dương, the province of the architecture decision in seed/).

Codes follow the Decision 20/2020/QĐ-TTg electronic identifier style (000.00.00.Hxx).
"""

from __future__ import annotations

from procedures.models import Agency, AgencyKind

PROVINCE = "000.00.00.H12"
CENTRE = "000.00.01.H12"
SO_TU_PHAP = "000.00.14.H12"
SO_XAY_DUNG = "000.00.15.H12"
SO_TNMT = "000.00.16.H12"
SO_KHDT = "000.00.17.H12"
SO_Y_TE = "000.00.18.H12"
SO_CONG_THUONG = "000.00.20.H12"
SO_LDTBXH = "000.00.21.H12"
P_HCTP = "000.01.14.H12"
P_QLXD = "000.01.15.H12"
P_DATDAI = "000.01.16.H12"
P_DKKD = "000.01.17.H12"
P_NGHIEPVU_Y = "000.01.18.H12"
THU_DAU_MOT = "000.20.01.H12"
DI_AN = "000.20.02.H12"
THUAN_AN = "000.20.03.H12"
BAU_BANG = "000.20.04.H12"

ADDRESS = "Tầng 1, Tháp A, Trung tâm Hành chính tập trung tỉnh, phường Thủ Dầu Một, tỉnh Bình Dương"

# (code, name, short name, parent code, kind, phone, email)
AGENCIES: list[tuple[str, str, str, str | None, str, str, str]] = [
    (
        PROVINCE,
        "Ủy ban nhân dân tỉnh Bình Dương",
        "UBND tỉnh",
        None,
        AgencyKind.PROVINCE,
        "0274 3822 000",
        "ubnd@binhduong.gov.vn",
    ),
    (
        CENTRE,
        "Trung tâm Phục vụ hành chính công tỉnh Bình Dương",
        "TT PVHCC",
        PROVINCE,
        AgencyKind.SERVICE_CENTRE,
        "0274 3822 001",
        "ttpvhcc@binhduong.gov.vn",
    ),
    (SO_TU_PHAP, "Sở Tư pháp", "STP", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 014", "stp@binhduong.gov.vn"),
    (SO_XAY_DUNG, "Sở Xây dựng", "SXD", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 015", "sxd@binhduong.gov.vn"),
    (
        SO_TNMT,
        "Sở Tài nguyên và Môi trường",
        "STNMT",
        PROVINCE,
        AgencyKind.DEPARTMENT,
        "0274 3822 016",
        "stnmt@binhduong.gov.vn",
    ),
    (
        SO_KHDT,
        "Sở Kế hoạch và Đầu tư",
        "SKHĐT",
        PROVINCE,
        AgencyKind.DEPARTMENT,
        "0274 3822 017",
        "skhdt@binhduong.gov.vn",
    ),
    (SO_Y_TE, "Sở Y tế", "SYT", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 018", "syt@binhduong.gov.vn"),
    # Departments the catalogue names (its import would create them without a parent): they belong to
    # the province, so that its leader oversees them (issue #12). Công an tỉnh (000.00.19) is not
    # under UBND tỉnh: it answers to the Ministry of Public Security.
    (SO_CONG_THUONG, "Sở Công Thương", "SCT", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 020", "sct@binhduong.gov.vn"),
    (
        SO_LDTBXH,
        "Sở Lao động - Thương binh và Xã hội",
        "SLĐTBXH",
        PROVINCE,
        AgencyKind.DEPARTMENT,
        "0274 3822 021",
        "sldtbxh@binhduong.gov.vn",
    ),
    (P_HCTP, "Phòng Hành chính tư pháp", "P.HCTP", SO_TU_PHAP, AgencyKind.UNIT, "0274 3822 114", ""),
    (P_QLXD, "Phòng Quản lý hoạt động xây dựng", "P.QLHĐXD", SO_XAY_DUNG, AgencyKind.UNIT, "0274 3822 115", ""),
    (P_DATDAI, "Phòng Quản lý đất đai", "P.QLĐĐ", SO_TNMT, AgencyKind.UNIT, "0274 3822 116", ""),
    (P_DKKD, "Phòng Đăng ký kinh doanh", "P.ĐKKD", SO_KHDT, AgencyKind.UNIT, "0274 3822 117", ""),
    (P_NGHIEPVU_Y, "Phòng Nghiệp vụ Y", "P.NVY", SO_Y_TE, AgencyKind.UNIT, "0274 3822 118", ""),
    (
        THU_DAU_MOT,
        "Ủy ban nhân dân phường Thủ Dầu Một",
        "UBND P. Thủ Dầu Một",
        PROVINCE,
        AgencyKind.COMMUNE,
        "0274 3833 001",
        "",
    ),
    (DI_AN, "Ủy ban nhân dân phường Dĩ An", "UBND P. Dĩ An", PROVINCE, AgencyKind.COMMUNE, "0274 3833 002", ""),
    (
        THUAN_AN,
        "Ủy ban nhân dân phường Thuận An",
        "UBND P. Thuận An",
        PROVINCE,
        AgencyKind.COMMUNE,
        "0274 3833 003",
        "",
    ),
    (BAU_BANG, "Ủy ban nhân dân xã Bàu Bàng", "UBND X. Bàu Bàng", PROVINCE, AgencyKind.COMMUNE, "0274 3833 004", ""),
]


def seed_agencies() -> dict[str, Agency]:
    by_code: dict[str, Agency] = {}
    for code, name, short, parent, kind, phone, email in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "parent": by_code.get(parent) if parent else None,
                "kind": kind,
                "phone": phone,
                "email": email,
                "address": ADDRESS,
                "active": True,
            },
        )
        by_code[code] = agency
    return by_code
