"""Links that work wherever the portal runs (issue 14): SITE_URL follows PORT, requests win.

The QR codes are read back for real: the PDF is rasterised (pdftoppm) and scanned (zbarimg).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from onestop.documents.codes import tracking_url
from onestop.documents.confirmation import submission_confirmation_context, submission_confirmation_pdf
from onestop.links import absolute_url, request_base_url
from onestop.models import NotificationChannel
from onestop.notifications.services import dossier_event_notify
from tests.onestop.test_notifications_support import make_dossier, make_event
from tests.portal.test_dossier_pages import submitted  # noqa: F401 — fixture
from tests.tools import require_tools

ROOT = Path(__file__).resolve().parents[2]
LOCAL = "http://127.0.0.1:8711"


def scan_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    tools = require_tools("pdftoppm", "zbarimg")
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        [tools["pdftoppm"], "-png", "-r", "200", "-singlefile", tmp_path / "doc.pdf", tmp_path / "p"], check=True
    )
    out = subprocess.run(
        [tools["zbarimg"], "-q", "--raw", "-Sdisable", "-Sqrcode.enable", tmp_path / "p.png"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


@pytest.mark.django_db
def test_notification_link_follows_site_url(settings, citizen, agency):
    settings.SITE_URL = LOCAL + "/"
    dossier = make_dossier(applicant=citizen, agency=agency)
    rows = dossier_event_notify(event_id=make_event(dossier, "receive").pk)
    email = next(row for row in rows if row.channel == NotificationChannel.EMAIL)
    assert f"{LOCAL}/ho-so/{dossier.public_id}/" in email.body
    assert "127.0.0.1:8000" not in email.body


def test_no_request_means_site_url(settings):
    """Celery tasks and commands: SITE_URL (its trailing slash dropped)."""
    settings.SITE_URL = LOCAL + "/"
    assert request_base_url() == LOCAL
    assert tracking_url("X-1") == f"{LOCAL}/tra-cuu/?ma=X-1"
    assert absolute_url("ho-so/") == f"{LOCAL}/ho-so/"


@pytest.mark.django_db
def test_confirmation_pdf_qr_without_a_request_points_to_site_url(submitted, settings, tmp_path):  # noqa: F811
    _, dossier = submitted
    settings.SITE_URL = LOCAL
    expected = f"{LOCAL}/tra-cuu/?ma={dossier.code}"
    assert submission_confirmation_context(dossier)["tracking_url"] == expected
    assert scan_qr(submission_confirmation_pdf(dossier), tmp_path) == [expected]


@pytest.mark.django_db
def test_downloaded_confirmation_pdf_qr_points_to_the_address_the_visitor_used(submitted, settings, tmp_path):  # noqa: F811
    client, dossier = submitted
    settings.SITE_URL = "https://dichvucong.example.vn"  # not what this visitor uses
    response = client.get(reverse("portal:confirmation_pdf", args=[dossier.public_id]), HTTP_HOST="127.0.0.1:8711")
    assert response.status_code == 200
    assert scan_qr(response.content, tmp_path) == [f"{LOCAL}/tra-cuu/?ma={dossier.code}"]
    # …and once the request is over, code without a request is back on SITE_URL.
    assert request_base_url() == "https://dichvucong.example.vn"


def fake_bin(tmp_path: Path) -> Path:
    """`celery` and `python` that print the SITE_URL they were started with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("celery", "python"):
        (bin_dir / name).write_text(f'#!/bin/sh\necho "{name} SITE_URL=$SITE_URL"\n')
        (bin_dir / name).chmod(0o755)
    return bin_dir


def run_serve_demo(tmp_path: Path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        [ROOT / "scripts" / "serve-demo"],
        cwd=tmp_path,
        env={**base, "BIN": str(fake_bin(tmp_path)), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_serve_demo_sets_site_url_from_port(tmp_path):
    out = run_serve_demo(tmp_path, PORT="8711")
    assert "python SITE_URL=http://127.0.0.1:8711" in out  # runserver
    assert f"Links in e-mails, SMS and QR codes: {LOCAL}" in out
    log = tmp_path / "var" / "log"
    assert log.is_dir()


def test_serve_demo_keeps_an_explicit_site_url(tmp_path):
    out = run_serve_demo(tmp_path, PORT="8711", SITE_URL="https://demo.example.vn")
    assert "python SITE_URL=https://demo.example.vn" in out


def test_make_run_passes_site_url_from_port():
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "MAKEFLAGS", "MFLAGS")}
    out = subprocess.run(
        [require_tools("make")["make"], "-n", "--no-print-directory", "run", "PORT=8711"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    assert f"SITE_URL={LOCAL} PORT=8711" in out
    assert f"SITE_URL={LOCAL} .venv/bin/python manage.py seed_demo" in out
