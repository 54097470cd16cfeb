"""`manage.py check --deploy`: production must use a real gateway with its own secret."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def payment_gateway_check(app_configs, **kwargs):
    from .registry import names

    errors = []
    if settings.PAYMENT_PROVIDER not in names():
        errors.append(
            Error(f"PAYMENT_PROVIDER={settings.PAYMENT_PROVIDER!r} is not a registered gateway.", id="payments.E003")
        )
    if not settings.VNPAY_HASH_SECRET or settings.VNPAY_HASH_SECRET.startswith("demo-"):
        errors.append(
            Error(
                "VNPAY_HASH_SECRET is not set: gateway notifications cannot be verified.",
                hint="Set VNPAY_HASH_SECRET (and VNPAY_TMN_CODE) to the values VNPay issued for this site.",
                id="payments.E001",
            )
        )
    if settings.PAYMENT_PROVIDER == "sandbox":
        errors.append(
            Error(
                "PAYMENT_PROVIDER is the built-in sandbox, which lets anyone mark a fee as paid.",
                hint="Set PAYMENT_PROVIDER=vnpay, VNPAY_PAYMENT_URL and VNPAY_API_URL in production.",
                id="payments.E002",
            )
        )
    elif not settings.VNPAY_PAYMENT_URL or not settings.VNPAY_API_URL:
        errors.append(
            Error(
                "VNPAY_PAYMENT_URL and VNPAY_API_URL must point to the gateway.",
                id="payments.E004",
            )
        )
    return errors
