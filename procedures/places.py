"""The provincial level of the 2025 administrative map (two tiers: province → commune/ward).

Resolution 202/2025/QH15 (12 June 2025, in force 1 July 2025) rearranged the 63 provinces into 34:
6 centrally-run cities and 28 provinces. Below them there is no district any more: an address is
street (house number, street, hamlet), ward or commune, province (Resolution 190/2025/QH15 and the
Standing Committee's resolutions on the communes). Written as the units are officially named.
"""

from __future__ import annotations

import unicodedata

CITIES_2025 = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
PROVINCES_2025 = (
    "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Tĩnh", "Hưng Yên", "Khánh Hòa", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Nghệ An", "Ninh Bình",
    "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sơn La", "Tây Ninh", "Thái Nguyên", "Thanh Hóa",
    "Tuyên Quang", "Vĩnh Long",
)  # fmt: skip


def province_choices() -> list[tuple[str, str]]:
    """The 34 province-level units as an address writes them ("Thành phố Hà Nội", "Tỉnh An Giang")."""
    cities = [f"Thành phố {name}" for name in CITIES_2025]
    provinces = [f"Tỉnh {name}" for name in PROVINCES_2025]
    return [(name, name) for name in sorted(cities + provinces, key=_sort_key)]


def _sort_key(name: str) -> str:
    bare = name.removeprefix("Thành phố ").removeprefix("Tỉnh ").replace("Đ", "D~")
    return unicodedata.normalize("NFD", bare).encode("ascii", "ignore").decode()
