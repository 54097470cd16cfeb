"""Amounts in Vietnamese words, as receipts, invoices and postal slips print them ("Số tiền bằng chữ")."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu")


def _three(number: int, *, full: bool) -> list[str]:
    """A group of three digits; `full` reads its leading zeros ("không trăm linh năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5 and tens > 0:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _scale(index: int) -> list[str]:
    """The name of the index-th group of three digits: nghìn, triệu, tỷ, nghìn tỷ, triệu tỷ, tỷ tỷ…"""
    words = [GROUPS[index % 3]] if index % 3 else []
    return words + ["tỷ"] * (index // 3)


def number_in_words(number: int) -> str:
    if number < 0:
        return "âm " + number_in_words(-number)
    if number == 0:
        return DIGITS[0]
    groups: list[int] = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _three(value, full=index != len(groups) - 1)
        words += _scale(index)
    return " ".join(words)


def vnd_in_words(amount: int) -> str:
    """1250000 → 'Một triệu hai trăm năm mươi nghìn đồng'."""
    text = number_in_words(int(amount))
    return text[0].upper() + text[1:] + " đồng"
