"""Reading signed results for the public verification pages (select_related: one query each)."""

from __future__ import annotations

from ..models import SignedResult

_RELATED = ("document__dossier__procedure", "document__file", "agency")


def _normalise(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else ""


def signed_result_by_code(code: str) -> SignedResult | None:
    normalised = _normalise(code)
    if not normalised:
        return None
    return SignedResult.objects.select_related(*_RELATED).filter(code=normalised).first()


def signed_result_by_hash(sha256: str) -> SignedResult | None:
    return SignedResult.objects.select_related(*_RELATED).filter(sha256=sha256).first()
