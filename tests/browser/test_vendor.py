"""The vendored axe-core is the published file its README names (version and checksum)."""

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).parent / "vendor" / "axe-core"


def test_vendored_axe_core_matches_its_readme():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    version = re.search(r"^# axe-core (\d+\.\d+\.\d+)", readme, re.M).group(1)
    checksum = re.search(r"sha256\s+([0-9a-f]{64})\s+axe\.min\.js", readme).group(1)
    source = (VENDOR / "axe.min.js").read_bytes()
    assert hashlib.sha256(source).hexdigest() == checksum
    assert source.startswith(f"/*! axe v{version}".encode())
    assert "Mozilla Public License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
