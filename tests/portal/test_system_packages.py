"""scripts/system-packages: the one list of Debian packages, installed by make run / make test / CI.

The script runs for real against fake `dpkg`, `apt-get` and `id` on PATH, so that root and non-root
behaviour are both exercised without touching the machine's packages.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages"


def listed() -> list[str]:
    out = subprocess.run([SCRIPT, "--list"], capture_output=True, text=True, check=True).stdout
    return out.split()


def fake_bin(tmp_path: Path, *, uid: int, installed: set[str]) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    scripts = {
        "id": f'#!/bin/sh\n[ "$1" = -u ] && echo {uid} || echo uid={uid}\n',
        "dpkg": '#!/bin/sh\ncase " $INSTALLED " in *" $2 "*) echo \'Status: install ok installed\';; '
        "*) echo \"dpkg-query: package '$2' is not installed\" >&2; exit 1;; esac\n",
        "apt-get": f'#!/bin/sh\necho "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> {log}\n',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "INSTALLED": " ".join(sorted(installed)),
        "LOG": str(log),
    }


def test_the_list_holds_every_tool_the_tests_and_papers_need():
    packages = listed()
    for needed in ["libpango-1.0-0", "fonts-liberation2", "gettext", "libmagic1", "poppler-utils", "zbar-tools"]:
        assert needed in packages
    assert "chromium" in packages
    assert len(packages) == len(set(packages))


def test_one_list_make_and_ci_call_the_script():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^setup: system-packages ", makefile, re.M)
    assert "\tscripts/system-packages" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/system-packages" in ci
    assert "apt-get" not in ci and "zbar-tools" not in ci and "libpango" not in ci  # no second list


def test_nothing_missing_on_this_machine():
    """make test runs it first; here every package is installed, so it does nothing and succeeds."""
    result = subprocess.run([SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_not_root_stops_with_the_exact_command(tmp_path):
    env = fake_bin(tmp_path, uid=1000, installed=set(listed()) - {"zbar-tools", "gettext"})
    result = subprocess.run([SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "missing Debian packages: gettext zbar-tools" in result.stderr
    assert "sudo apt-get install -y --no-install-recommends gettext zbar-tools" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_root_updates_then_installs_only_the_missing_ones(tmp_path):
    env = fake_bin(tmp_path, uid=0, installed=set(listed()) - {"zbar-tools"})
    result = subprocess.run([SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls == [
        "DEBIAN_FRONTEND=noninteractive -o DPkg::Lock::Timeout=300 update -qq",
        "DEBIAN_FRONTEND=noninteractive -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends zbar-tools",
    ]


SKIP = re.compile(r"pytest\.skip\(|importorskip\(|skipif\(|skipUnless\(|mark\.skip\b")


def test_no_test_skips_for_a_missing_tool():
    """Missing tools fail (tests/tools.py); only PostgreSQL-only tests skip, on SQLite, saying so."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text()
        for match in SKIP.finditer(text):
            following = text[match.start() : match.start() + 300]
            if "PostgreSQL only" not in following:
                offenders.append(f"{path.relative_to(ROOT)}: {following.splitlines()[0]}")
    assert offenders == []


@pytest.mark.parametrize("tool", ["zbarimg", "pdftoppm", "pdftotext", "msgfmt"])
def test_tools_the_tests_call_are_here(tool):
    from tests.tools import require_tools

    require_tools(tool)
