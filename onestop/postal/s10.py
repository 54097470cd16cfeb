"""UPU S10 item numbers (DESIGN §4.5): two letters, eight digits, a check digit, the country ("VN").

The check digit: the eight digits weighted 8 6 4 2 3 5 9 7, summed; 11 − (sum mod 11); 10 → 0 and
11 → 5. `AA473124829GB` is the standard's own example.
"""

from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
ITEM = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")


def check_digit(serial: str) -> int:
    """The S10 check digit of an eight-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("An S10 serial number has eight digits.")
    check = 11 - sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def item_number(prefix: str, serial: int, country: str = "VN") -> str:
    """'RR', 47312482 → 'RR473124829VN'."""
    prefix, country = prefix.upper(), country.upper()
    if not re.fullmatch(r"[A-Z]{2}", prefix) or not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError("The service indicator and the country are two letters each.")
    if not 0 <= serial < 100_000_000:
        raise ValueError("An S10 serial number has eight digits.")
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{check_digit(digits)}{country}"


def normalize(text: str) -> str:
    """What a scanner or a person typed, as an item number is written (upper case, no spaces)."""
    return re.sub(r"[\s-]+", "", text or "").upper()


def is_valid(item: str) -> bool:
    match = ITEM.match(normalize(item))
    return bool(match) and check_digit(match.group(2)) == int(match.group(3))
