"""Citizens' files on private storage: random keys, never a user's name (STYLE §7).

Two backends, chosen by the environment (docs/configuration.md) and read at each call:

- local files (the embedded default): Django's FileSystemStorage at PRIVATE_MEDIA_ROOT;
- S3-compatible object storage (``S3_BUCKET`` set): django-storages' S3Storage, objects private
  (no ACL is ever set; the bucket must not be public), path-style addressing by default.

Either way a file is stored under ``uploads/<year>/<month>/<uuid4 hex><extension>`` and only this
module touches the storage. No permission check happens here: the views that call
``stored_file_response`` (the one way a stored file leaves the system) check ownership or a staff
role in the dossier's agency first. It streams the bytes through Django, or — S3 with
``S3_PRESIGNED_DOWNLOADS=true``, downloads only — redirects to a URL signed for ``S3_PRESIGNED_SECONDS``.
"""

from __future__ import annotations

import functools
import hashlib
import uuid

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from onestop.models import StoredFile

from . import conf
from .names import content_disposition
from .validation import ValidatedUpload


class UploadChangedError(RuntimeError):
    """The bytes being stored are not the ones validated (a programming error upstream)."""


def private_storage() -> Storage:
    """The storage of citizens' files: object storage when S3_BUCKET is set, else local files
    (owner-only permissions on disk)."""
    config = conf.object_storage()
    if config is not None:
        return _object_storage(config)
    return FileSystemStorage(
        location=conf.private_media_root(),
        base_url=None,
        file_permissions_mode=0o640,
        directory_permissions_mode=0o750,
    )


@functools.lru_cache(maxsize=4)
def _object_storage(config: conf.ObjectStorageConfig) -> Storage:
    """One S3Storage per configuration and process (its boto3 connections are per thread)."""
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=config.bucket,
        endpoint_url=config.endpoint_url or None,
        access_key=config.access_key_id or None,
        secret_key=config.secret_access_key or None,
        region_name=config.region,
        addressing_style=config.addressing_style or None,
        signature_version="s3v4",
        default_acl=None,  # never "public-read": the bucket's own private policy applies
        querystring_auth=True,
        querystring_expire=config.presigned_seconds,
        file_overwrite=False,
        object_parameters={"CacheControl": "private, no-store"},
    )


class _HashingFile(File):
    """Hands the upload to the storage, hashing and counting what the storage reads. Hides
    ``temporary_file_path`` so that FileSystemStorage copies (and we hash) rather than moves.

    FileSystemStorage reads through ``chunks()``, S3 (boto3's upload_fileobj) through ``read()``
    and may rewind to read again: the count starts over whenever the file is back at 0.
    """

    def __init__(self, source: File) -> None:
        super().__init__(source, name=getattr(source, "name", None))
        self._restart()

    def _restart(self) -> None:
        self.sha256 = hashlib.sha256()
        self.copied = 0

    def seek(self, *args) -> int:
        position = self.file.seek(*args)
        if self.file.tell() == 0:
            self._restart()
        return position

    def read(self, *args) -> bytes:
        data = self.file.read(*args)
        self.sha256.update(data)
        self.copied += len(data)
        return data


UPLOADS_PREFIX = "uploads/"


def _new_storage_name(extension: str) -> str:
    now = timezone.now()
    return f"{UPLOADS_PREFIX}{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


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


def _open_stream(stored: StoredFile):
    """A readable stream of the content: the file on disk, or the S3 object's body read as it
    arrives (S3Storage.open would first copy the whole object to a temporary file)."""
    storage = private_storage()
    if conf.object_storage() is not None:
        return storage.bucket.Object(storage._normalize_name(stored.storage_name)).get()["Body"]
    return storage.open(stored.storage_name, "rb")


def _presigned_redirect(stored: StoredFile, config: conf.ObjectStorageConfig) -> HttpResponse:
    """Send the browser to the object itself, signed for a few seconds, with our headers baked in."""
    url = private_storage().url(
        stored.storage_name,
        parameters={
            "ResponseContentType": stored.content_type,
            "ResponseContentDisposition": content_disposition(stored.original_name, as_attachment=True),
            "ResponseCacheControl": "private, no-store",
        },
        expire=config.presigned_seconds,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the signed URL must not leak further
    return response


def stored_file_response(stored: StoredFile, *, as_attachment: bool) -> HttpResponse:
    """Stream a stored file back. The caller has checked the permission.

    Content-Type is the validated type, never sniffed by the browser (nosniff); the citizen's own
    name is offered in Content-Disposition (RFC 6266, ``filename*`` for Vietnamese); shown inline,
    the document runs in a sandbox (CSP ``sandbox``: no script, no same-origin access); never
    cached by shared caches (personal data, Decree 13/2023).

    With S3 and S3_PRESIGNED_DOWNLOADS, a download (never an inline view: the object store cannot
    send the sandbox and nosniff headers) is a redirect to a short-lived signed URL instead.
    """
    config = conf.object_storage()
    if as_attachment and config is not None and config.presigned_downloads:
        return _presigned_redirect(stored, config)
    response = FileResponse(_open_stream(stored), content_type=stored.content_type, as_attachment=as_attachment)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(stored.original_name, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if not as_attachment:
        response["Content-Security-Policy"] = "sandbox"
    return response
