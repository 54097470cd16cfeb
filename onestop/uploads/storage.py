"""Citizens' files on private storage: random keys, never a user's name (STYLE §7).

Files go to Django's FileSystemStorage at PRIVATE_MEDIA_ROOT (read at each call), under
``uploads/<year>/<month>/<uuid4 hex><extension>``; ``private_storage()`` is the one place to swap
in S3-compatible object storage (DESIGN §5). No permission check happens here: the views that
call ``stored_file_response`` check ownership or a staff role in the dossier's agency first.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from onestop.models import StoredFile

from . import conf
from .names import content_disposition
from .validation import ValidatedUpload


class UploadChangedError(RuntimeError):
    """The bytes being stored are not the ones validated (a programming error upstream)."""


def private_storage() -> Storage:
    """The storage of citizens' files; owner-only permissions on disk."""
    return FileSystemStorage(
        location=conf.private_media_root(),
        base_url=None,
        file_permissions_mode=0o640,
        directory_permissions_mode=0o750,
    )


class _HashingFile(File):
    """Streams the upload to the storage, hashing and counting as it goes. Hides
    ``temporary_file_path`` so that FileSystemStorage copies (and we hash) rather than moves."""

    def __init__(self, source: File) -> None:
        super().__init__(source, name=getattr(source, "name", None))
        self.sha256 = hashlib.sha256()
        self.copied = 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.sha256 = hashlib.sha256()
        self.copied = 0
        for chunk in super().chunks(chunk_size):
            self.sha256.update(chunk)
            self.copied += len(chunk)
            yield chunk


def _new_storage_name(extension: str) -> str:
    now = timezone.now()
    return f"uploads/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


def stored_file_create(*, owner, uploaded: File, validated: ValidatedUpload) -> StoredFile:
    """Store a file that ``validate_upload`` accepted and record it; return the StoredFile.

    The content is copied under a random name and hashed while copied; if it is not the validated
    content (size or SHA-256 differ) nothing is kept and UploadChangedError is raised. If the row
    cannot be written, the file is removed. A rollback of an outer transaction leaves the file
    without a row (no data exposed: nothing points at it).
    """
    storage = private_storage()
    source = _HashingFile(uploaded)
    storage_name = storage.save(_new_storage_name(validated.extension), source)
    try:
        if source.copied != validated.size or source.sha256.hexdigest() != validated.sha256:
            raise UploadChangedError(
                f"stored {source.copied} bytes / {source.sha256.hexdigest()}, "
                f"validated {validated.size} bytes / {validated.sha256}"
            )
        stored = StoredFile(
            owner=owner,
            storage_name=storage_name,
            original_name=validated.safe_name,
            content_type=validated.content_type,
            size=validated.size,
            sha256=validated.sha256,
        )
        # The owner is a saved user and storage_name a fresh uuid4 (the column is UNIQUE anyway):
        # skip the two look-up queries full_clean() would make for them.
        stored.full_clean(exclude=["owner"], validate_unique=False)
        with transaction.atomic():
            stored.save()
    except BaseException:
        storage.delete(storage_name)
        raise
    return stored


def stored_file_open(stored: StoredFile) -> File:
    """The stored content, opened for reading (the caller closes it)."""
    return private_storage().open(stored.storage_name, "rb")


def stored_file_response(stored: StoredFile, *, as_attachment: bool) -> FileResponse:
    """Stream a stored file back. The caller has checked the permission.

    Content-Type is the validated type, never sniffed by the browser (nosniff); the citizen's own
    name is offered in Content-Disposition (RFC 6266, ``filename*`` for Vietnamese); shown inline,
    the document runs in a sandbox (CSP ``sandbox``: no script, no same-origin access); never
    cached by shared caches (personal data, Decree 13/2023).
    """
    response = FileResponse(stored_file_open(stored), content_type=stored.content_type, as_attachment=as_attachment)
    response["Content-Disposition"] = content_disposition(stored.original_name, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if not as_attachment:
        response["Content-Security-Policy"] = "sandbox"
    return response
