"""The demo province's agency tree, on the administrative map in force since 1 July 2025: the former
Bình Dương province is part of Thành phố Hồ Chí Minh (Resolution 202/2025/QH15), local government has
two tiers — the city, then its wards and communes (phường Thủ Dầu Một, Dĩ An, Thuận An, xã Bàu
Bàng) — and the departments are those of the 2025 reorganisation (Sở Tài chính took over Kế hoạch và
Đầu tư, Sở Nông nghiệp và Môi trường took over Tài nguyên và Môi trường).

Codes follow the Decision 20/2020/QĐ-TTg electronic identifier style (000.00.00.Hxx) and are kept
from the first demo, so that every reference stays valid.
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

# Where each agency sits on the administrative map (province code, ward/commune code), for the
# postage zones. Illustrative codes in the shape of the national list of administrative units
# (two digits for the province, five for the ward): load the official list before going live.
PROVINCE_CODE = "74"
WARD_CODES = {THU_DAU_MOT: "25747", DI_AN: "25942", THUAN_AN: "25966", BAU_BANG: "25813"}
# The provincial offices are in the Thủ Dầu Một ward (ADDRESS).
SEAT_WARD = WARD_CODES[THU_DAU_MOT]

ADDRESS = "Tầng 1, Tháp A, Trung tâm Hành chính tập trung, phường Thủ Dầu Một, Thành phố Hồ Chí Minh"

# (code, name, short name, parent code, kind, phone, email)
AGENCIES: list[tuple[str, str, str, str | None, str, str, str]] = [
    (
        PROVINCE,
        "Ủy ban nhân dân Thành phố Hồ Chí Minh",
        "UBND Thành phố Hồ Chí Minh",
        None,
        AgencyKind.PROVINCE,
        "0274 3822 000",
        "ubnd@tphcm.gov.vn",
    ),
    (
        CENTRE,
        "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
        "TT PVHCC",
        PROVINCE,
        AgencyKind.SERVICE_CENTRE,
        "0274 3822 001",
        "ttpvhcc@tphcm.gov.vn",
    ),
    (SO_TU_PHAP, "Sở Tư pháp", "STP", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 014", "stp@tphcm.gov.vn"),
    (SO_XAY_DUNG, "Sở Xây dựng", "SXD", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 015", "sxd@tphcm.gov.vn"),
    (
        SO_TNMT,
        "Sở Nông nghiệp và Môi trường",
        "SNNMT",
        PROVINCE,
        AgencyKind.DEPARTMENT,
        "0274 3822 016",
        "stnmt@tphcm.gov.vn",
    ),
    (
        SO_KHDT,
        "Sở Tài chính",
        "STC",
        PROVINCE,
        AgencyKind.DEPARTMENT,
        "0274 3822 017",
        "skhdt@tphcm.gov.vn",
    ),
    (SO_Y_TE, "Sở Y tế", "SYT", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 018", "syt@tphcm.gov.vn"),
    # Departments the catalogue names (its import would create them without a parent): they belong to
    # the province, so that its leader oversees them (issue #12). Công an Thành phố (000.00.19) is not
    # under the city's People's Committee: it answers to the Ministry of Public Security.
    (SO_CONG_THUONG, "Sở Công Thương", "SCT", PROVINCE, AgencyKind.DEPARTMENT, "0274 3822 020", "sct@tphcm.gov.vn"),
    (
        SO_LDTBXH,
        "Sở Nội vụ",
        "SNV",
        PROVINCE,
        AgencyKind.DEPARTMENT,
        "0274 3822 021",
        "snv@tphcm.gov.vn",
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
                "province_code": PROVINCE_CODE,
                "ward_code": WARD_CODES.get(code, SEAT_WARD if code != PROVINCE else ""),
                "active": True,
            },
        )
        by_code[code] = agency
    return by_code
