"""`manage.py check --deploy` is clean with production values (docs/configuration.md)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SECURE_", "SESSION_", "CSRF_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "dichvucong.example.vn",
        "REQUIRE_STAFF_MFA": "true",
        # A real gateway with its own secret (payments/checks.py refuses the sandbox in production).
        "PAYMENT_PROVIDER": "vnpay",
        "VNPAY_TMN_CODE": "DVCPROD1",
        "VNPAY_HASH_SECRET": secrets.token_hex(16),
        "VNPAY_PAYMENT_URL": "https://pay.vnpay.vn/vpcpay.html",
        "VNPAY_API_URL": "https://merchant.vnpay.vn/merchant_webapi/api/transaction",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
