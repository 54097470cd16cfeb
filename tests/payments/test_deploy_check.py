"""Production must not run the sandbox or an unset hash secret (`check --deploy`)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dichvucong.example.vn",
    "REQUIRE_STAFF_MFA": "true",
}


def deploy_check(**extra):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "VNPAY_", "PAYMENT_"))
        },
        **PRODUCTION,
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_missing_secret_and_the_sandbox_fail_the_deploy_check():
    result = deploy_check()
    assert result.returncode != 0
    assert "payments.E001" in result.stderr and "VNPAY_HASH_SECRET" in result.stderr
    assert "payments.E002" in result.stderr  # the sandbox is the default gateway


def test_a_configured_vnpay_passes():
    result = deploy_check(
        PAYMENT_PROVIDER="vnpay",
        VNPAY_HASH_SECRET=secrets.token_hex(16),
        VNPAY_PAYMENT_URL="https://pay.vnpay.vn/vpcpay.html",
        VNPAY_API_URL="https://merchant.vnpay.vn/merchant_webapi/api/transaction",
    )
    assert "payments." not in result.stderr, result.stderr
