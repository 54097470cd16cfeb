"""Workbook → records: the rows of each sheet gathered back into national records by MATTHC."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from ..models import DocumentKind, FeeBasis, FieldKind
from .tables import MAX_ROWS_PER_SHEET, Row, load_tables

# The applicant names procedure_to_record writes for each DOITUONGTHUCHIEN code.
_APPLICANTS = {"1": "Công dân Việt Nam", "2": "Tổ chức, doanh nghiệp"}


def workbook_to_records(data: bytes | IO[bytes]) -> list[dict]:
    """The national records of a workbook made by records_to_workbook (and edited by hand)."""
    return [record for _, record in read_workbook(data)]


def read_workbook(data: bytes | IO[bytes]) -> list[tuple[int, dict]]:
    """Each record with the number of its row in ThuTuc, in sheet order; raise SpreadsheetError."""
    tables = load_tables(data)
    records: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for row in tables["ThuTuc"]:
        code = row.code()
        if code in records:
            row.fail(f"MATTHC {code} đã có ở dòng {first_row[code]}")
        records[code], first_row[code] = _procedure(row), row.number

    def owner(row: Row) -> dict:
        code = row.code()
        if code not in records:
            row.fail(f"MATTHC {code} không có trong trang tính ThuTuc")
        return records[code]

    groups: dict[tuple[str, str, str], dict] = {}
    for row in tables["TrinhTu"]:
        record, case = owner(row), row.text("TRUONGHOP")
        group = groups.get(("TrinhTu", row.code(), case))
        if group is None:
            group = groups[("TrinhTu", row.code(), case)] = {"TRUONGHOP": case, "TRINHTU": []}
            record["TRINHTUTHUCHIEN"].append(group)
        if row.text("BUOC"):
            group["TRINHTU"].append({"TENTRINHTU": row.text("BUOC")})

    times: dict[tuple[str, str], tuple[dict, int]] = {}
    for row in tables["CachThuc"]:
        record, channel = owner(row), row.text("KENH")
        if (row.code(), channel) in times:
            row.fail(f"KENH {channel} của thủ tục {row.code()} đã có ở dòng {times[(row.code(), channel)][1]}")
        time = {
            "THOIGIANGIAIQUYET": format(row.decimal("THOIGIAN").normalize(), "f"),
            "DONVITINH": row.text("DONVITINH"),
            "MOTA": row.text("MOTA"),
            "PHILEPHI": [],
        }
        times[(row.code(), channel)] = (time, row.number)
        record["CACHTHUCTHUCHIEN"].append({"KENH": channel, "THOIGIAN": [time]})

    for row in tables["PhiLePhi"]:
        owner(row)
        channel = row.text("KENH")
        if (row.code(), channel) not in times:
            row.fail(f"thủ tục {row.code()} chưa có KENH {channel!r} trong trang tính CachThuc")
        basis = row.text("CACHTINH")
        fee = {
            "MAPHILEPHI": row.text("MAPHILEPHI"),
            "SOTIEN": row.money("SOTIEN"),
            "DONVI": "Đồng",
            "MOTA": row.text("MOTA"),
        }
        if basis and basis != FeeBasis.PER_DOSSIER:
            fee["MOTCUA_CACHTINH"] = basis
        if row.text("TRUONGSOLUONG"):
            fee["MOTCUA_TRUONGSOLUONG"] = row.text("TRUONGSOLUONG")
        if row.text("TRUONGNHAN"):
            fee["MOTCUA_TRUONGNHAN"] = row.text("TRUONGNHAN")
        for column in ("TUDONVI", "DENDONVI"):
            if row.text(column):
                fee[f"MOTCUA_{column}"] = row.integer(column, default=0)
        times[(row.code(), channel)][0]["PHILEPHI"].append(fee)

    for row in tables["GiayTo"]:
        record, case = owner(row), row.text("TRUONGHOP")
        group = groups.get(("GiayTo", row.code(), case))
        if group is None:
            group = groups[("GiayTo", row.code(), case)] = {"TRUONGHOP": case, "GIAYTO": []}
            record["THANHPHANHOSO"].append(group)
        group["GIAYTO"].append(
            {
                "MAGIAYTO": row.text("MAGIAYTO"),
                "TENGIAYTO": row.text("TENGIAYTO"),
                "TENMAUDON": row.text("TENMAUDON"),
                "URL": row.text("URL"),
                "SOBANCHINH": str(row.integer("SOBANCHINH", default=1)),
                "SOBANSAO": str(row.integer("SOBANSAO", default=0)),
                "MOTCUA_LOAI": row.text("LOAI") or DocumentKind.ORIGINAL.value,
                "MOTCUA_BATBUOC": row.flag("BATBUOC", default=True),
                "MOTCUA_DIEUKIEN": row.text("DIEUKIEN"),
                "MOTCUA_DINHDANG": [t.lower().lstrip(".") for t in row.items("DINHDANG")],
                "MOTCUA_DUNGLUONGMB": row.integer("DUNGLUONGMB", default=10),
            }
        )

    for row in tables["TruongDon"]:
        owner(row)["MOTCUA_TRUONGDON"].append(
            {
                "MA": row.text("MA"),
                "NHAN": row.text("NHAN"),
                "KIEU": row.text("KIEU") or FieldKind.TEXT.value,
                "BATBUOC": row.flag("BATBUOC", default=False),
                "GOIY": row.text("GOIY"),
                "LUACHON": row.choices("LUACHON"),
                "KIEMTRA": row.json_object("KIEMTRA"),
            }
        )

    steps: dict[str, list[tuple[Decimal, int, dict]]] = {}
    for row in tables["QuyTrinh"]:
        owner(row)
        order = row.decimal("TT") if row.text("TT") else Decimal(MAX_ROWS_PER_SHEET)
        hours = row.decimal("SOGIO")
        step = {
            "TEN": row.text("TEN"),
            "MADONVI": row.text("MADONVI"),
            "VAITRO": row.text("VAITRO"),
            "SOGIO": int(hours) if hours == hours.to_integral_value() else float(hours),
            "HANHDONG": row.items("HANHDONG"),
        }
        steps.setdefault(row.code(), []).append((order, row.number, step))
    for code, items in steps.items():
        records[code]["MOTCUA_QUYTRINH"] = [step for _, _, step in sorted(items, key=lambda i: (i[0], i[1]))]

    return [(first_row[code], record) for code, record in records.items()]


def _procedure(row: Row) -> dict:
    receiving = row.pairs("COQUANTIEPNHAN", "MADONVI", "TENDONVI", bare_is_code=True)
    if len(receiving) > 1:
        row.fail("COQUANTIEPNHAN chỉ ghi một cơ quan, dạng mã|tên")
    sector = {"MALINHVUC": row.text("MALINHVUC"), "TENLINHVUC": row.text("TENLINHVUC")}
    applicants = []
    for code in row.items("DOITUONG"):
        if code not in _APPLICANTS:
            row.fail(f"DOITUONG chỉ nhận 1 (công dân) và 2 (tổ chức), không nhận {code!r}")
        applicants.append({"MADOITUONG": code, "TENDOITUONG": _APPLICANTS[code]})
    return {
        "MATTHC": row.code(),
        "TENTTHC": row.text("TENTTHC"),
        "CAPTHUCHIEN": row.text("CAPTHUCHIEN"),
        "LOAITTHC": row.text("LOAITTHC"),
        "MUCDO": row.text("MUCDO"),
        "LINHVUCTHUCHIEN": [sector] if any(sector.values()) else [],
        "TRINHTUTHUCHIEN": [],
        "CACHTHUCTHUCHIEN": [],
        "YEUCAU": row.text("YEUCAU"),
        "DOITUONGTHUCHIEN": applicants,
        "MOTADOITUONGTHUCHIEN": row.text("MOTADOITUONG"),
        "KETQUATHUCHIEN": row.pairs("KETQUA", "MAKETQUA", "TENKETQUA"),
        "CANCUPHAPLY": row.pairs("CANCUPHAPLY", "SOVANBAN", "TENVANBAN"),
        "COQUANTHUCHIEN": row.pairs("COQUANTHUCHIEN", "MADONVI", "TENDONVI", bare_is_code=True),
        "THANHPHANHOSO": [],
        "TRANGTHAI": row.text("TRANGTHAI"),
        "MOTCUA_MALOCAL": row.text("MALOCAL"),
        "MOTCUA_COQUANTIEPNHAN": receiving[0] if receiving else None,
        "MOTCUA_MUCDOTRUCTUYEN": row.text("MUCDOTRUCTUYEN"),
        "MOTCUA_TRAKETQUA": row.items("TRAKETQUA"),
        "MOTCUA_GIOCHOT": row.clock("GIOCHOT"),
        "MOTCUA_THANHTOANKHINOP": row.flag("THANHTOANKHINOP", default=False),
        "MOTCUA_TRUONGDON": [],
        "MOTCUA_QUYTRINH": [],
    }
