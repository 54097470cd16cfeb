"""How catalogue values read beside each other on a page or on paper."""

from __future__ import annotations

import re
from typing import Any


def _digits(amount: Any) -> str:
    return re.sub(r"\D", "", str(amount if amount is not None else ""))


def fee_label(name: str, amount: Any) -> str:
    """A fee's name without the amount it repeats, since the amount is printed beside it.

    National records often write the amount into the description ("Phí cấp bản sao Trích lục hộ
    tịch: 8.000 đồng/bản"), which then read "…: 8.000 đồng/bản: 8.000 đồng". Only the same amount
    is removed (with its unit word, "/bản"); another amount in the text (a cap, a reduction) stays.
    """
    name = (name or "").strip()
    digits = _digits(amount)
    if not name or not digits:
        return name
    grouped = f"{int(digits):,}".replace(",", "[.,]?")
    money = rf"\s*[:\-–]?\s*{grouped}\s*(?:đồng|đ|VNĐ|VND)"
    word = r"[\wÀ-ỹ]+"
    # The unit ("/bản", "/trường hợp") up to the end of a clause, else one word ("/trang đối với…").
    for unit in (rf"(?:\s*/\s*{word}(?:\s+{word}){{0,2}})?(?=$|[,;.)])", rf"(?:\s*/\s*{word})?(?=$|[\s,;.)])"):
        cleaned, found = re.subn(money + unit, "", name, count=1, flags=re.IGNORECASE)
        if found:
            return cleaned.strip(" ,;:-–") or name
    return name
