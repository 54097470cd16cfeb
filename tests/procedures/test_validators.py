import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from procedures.validators import (
    cccd_birth_year,
    normalize_phone,
    validate_cccd,
    validate_cccd_matches_birth_date,
    validate_vn_mobile,
)


@pytest.mark.parametrize("value", ["074090001234", "001203000001", "096899123456", "0740 9000 1234"])
def test_valid_cccd(value):
    validate_cccd(value)


@pytest.mark.parametrize("value", ["", "12345678901", "1234567890123", "abcdefghijkl", "000090001234", "099090001234"])
def test_invalid_cccd(value):
    with pytest.raises(ValidationError):
        validate_cccd(value)


@pytest.mark.parametrize(
    ("cccd", "year"), [("074090001234", 1990), ("074195001234", 1995), ("074205001234", 2005), ("074899001234", 1899)]
)
def test_cccd_century_digit(cccd, year):
    assert cccd_birth_year(cccd) == year
    validate_cccd_matches_birth_date(cccd, dt.date(year, 1, 1))
    with pytest.raises(ValidationError):
        validate_cccd_matches_birth_date(cccd, dt.date(year + 1, 1, 1))


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 38 123 4567", "0381234567"),
        ("(070) 123-4567", "0701234567"),
    ],
)
def test_phone_normalisation(raw, normal):
    validate_vn_mobile(raw)
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize("value", ["0212345678", "091234567", "09123456789", "+1 912 345 6789", "0112345678"])
def test_invalid_phone(value):
    with pytest.raises(ValidationError):
        validate_vn_mobile(value)
