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
class ObjectStorageConfig:
    """S3-compatible object storage (S3_BUCKET set); None = local files at PRIVATE_MEDIA_ROOT."""

    bucket: str
    endpoint_url: str  # "" = AWS itself
    access_key_id: str
    secret_access_key: str
    region: str
    addressing_style: str  # "path" works with every S3-compatible server; "virtual" for AWS
    presigned_downloads: bool  # attachments: redirect to a short-lived signed URL instead of streaming
    presigned_seconds: int


def object_storage() -> ObjectStorageConfig | None:
    bucket = getattr(settings, "S3_BUCKET", "")
    if not bucket:
        return None
    return ObjectStorageConfig(
        bucket=bucket,
        endpoint_url=getattr(settings, "S3_ENDPOINT_URL", ""),
        access_key_id=getattr(settings, "S3_ACCESS_KEY_ID", ""),
        secret_access_key=getattr(settings, "S3_SECRET_ACCESS_KEY", ""),
        region=getattr(settings, "S3_REGION", "") or "us-east-1",
        addressing_style=getattr(settings, "S3_ADDRESSING_STYLE", "path"),
        presigned_downloads=bool(getattr(settings, "S3_PRESIGNED_DOWNLOADS", False)),
        presigned_seconds=int(getattr(settings, "S3_PRESIGNED_SECONDS", 60)),
    )


def orphan_grace_hours() -> float:
    """STORAGE_ORPHAN_GRACE_HOURS: a stored object without a StoredFile row is kept at least this long."""
    return float(getattr(settings, "STORAGE_ORPHAN_GRACE_HOURS", 24))


def unused_file_days() -> float:
    """STORAGE_UNUSED_FILE_DAYS: a StoredFile used by no dossier is kept this long (0 = for ever)."""
    return float(getattr(settings, "STORAGE_UNUSED_FILE_DAYS", 30))


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
