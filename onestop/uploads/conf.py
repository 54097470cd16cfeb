"""Upload settings, read at call time (tests and deployments change them; see docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MIB = 1024 * 1024
DEFAULT_ALLOWED_TYPES = ("pdf", "jpg", "png", "docx", "xlsx")


def max_file_bytes() -> int:
    """UPLOAD_MAX_FILE_MB: the largest single file."""
    return int(getattr(settings, "UPLOAD_MAX_FILE_MB", 10) * MIB)


def max_dossier_bytes() -> int:
    """UPLOAD_MAX_DOSSIER_MB: all files of one dossier together."""
    return int(getattr(settings, "UPLOAD_MAX_DOSSIER_MB", 50) * MIB)


def allowed_type_keys() -> tuple[str, ...]:
    """UPLOAD_ALLOWED_TYPES: the province-wide allow-list; a document can only narrow it."""
    return tuple(getattr(settings, "UPLOAD_ALLOWED_TYPES", DEFAULT_ALLOWED_TYPES))


def private_media_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


@dataclass(frozen=True)
class ClamAVConfig:
    enabled: bool
    host: str
    port: int
    socket_path: str
    timeout: float


def clamav() -> ClamAVConfig:
    return ClamAVConfig(
        enabled=bool(getattr(settings, "CLAMAV_ENABLED", False)),
        host=getattr(settings, "CLAMAV_HOST", "127.0.0.1"),
        port=int(getattr(settings, "CLAMAV_PORT", 3310)),
        socket_path=getattr(settings, "CLAMAV_SOCKET", ""),
        timeout=float(getattr(settings, "CLAMAV_TIMEOUT", 10.0)),
    )
