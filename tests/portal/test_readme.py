"""The README's demo-account table matches the accounts seed_demo creates."""

import re
from pathlib import Path

from portal.demo.accounts import ACCOUNTS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_demo_account_has_exactly_one_row():
    # lanhdao@demo.vn had two rows saying different things ("UBND Thành phố" and "UBND tỉnh")
    rows = re.findall(r"^\| `([^`]+@demo\.vn)` \|", README.read_text(encoding="utf-8"), flags=re.MULTILINE)
    seeded = [account[0] for account in ACCOUNTS]
    assert sorted(rows) == sorted(seeded)
