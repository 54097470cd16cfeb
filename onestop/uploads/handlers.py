"""Size limits enforced while the request body arrives, not after it has been stored.

Django keeps a multipart upload in memory or in a temporary file *before* the view runs. The
handler below goes in front of Django's own handlers for the upload views only: it counts the
bytes of every file part and, past a limit, stops passing them on (``SkipFile``), so that the
memory/temporary-file handlers never receive more than the limit; the rest of that part is read
and thrown away. Other form fields (the CSRF token, the wizard's fields) are still parsed, so the
view can answer with "file too large" on the same page. A body whose announced Content-Length is
already beyond the limit gets no file data stored at all. The skipped bytes are still read off the
connection (so that the browser gets the page, not a reset): give nginx a ``client_max_body_size``
a little above UPLOAD_MAX_DOSSIER_MB so that absurd bodies never reach Django.

Usage — Django's CSRF middleware reads request.POST before the view runs, which would parse the
upload with the default handlers; so an upload view is exempted there and protected inside::

    @csrf_exempt
    def upload(request, pk):
        dossier = ...  # ownership check first
        limits = limit_uploads(request, max_file_bytes=conf.max_file_bytes(),
                               max_request_bytes=conf.max_dossier_bytes() - already_stored)
        return _upload(request, dossier, limits)

    @csrf_protect
    def _upload(request, dossier, limits):
        if limits.rejections:  # show them; nothing of those files was kept
            ...
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from . import errors
from .errors import UploadRejected
from .names import display_name

# Multipart boundaries and part headers: a few hundred bytes per part.
_MULTIPART_OVERHEAD = 64 * 1024


class UploadLimitHandler(FileUploadHandler):
    """Counts file bytes as they arrive; refuses a file past ``max_file_bytes`` and any file that
    would take the request's files past ``max_request_bytes``. ``rejections`` lists what was refused."""

    def __init__(self, request: HttpRequest | None = None, *, max_file_bytes: int, max_request_bytes: int) -> None:
        super().__init__(request)
        self.max_file_bytes = max_file_bytes
        self.max_request_bytes = max_request_bytes
        self._rejections: list[UploadRejected] = []
        self._request_too_large = False
        self._accepted_bytes = 0  # files passed on whole
        self._current_bytes = 0
        self._current_rejection: UploadRejected | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Form fields are capped by DATA_UPLOAD_MAX_MEMORY_SIZE; what is left must fit the files' limit.
        fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        self._request_too_large = content_length > self.max_request_bytes + fields + _MULTIPART_OVERHEAD
        return None  # let the multipart parser run; we only watch the file parts

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self._current_bytes = 0
        self._current_rejection = None
        name = display_name(file_name)
        if self._request_too_large:
            self._reject(errors.total_too_large(name, self.max_request_bytes))
        elif content_length is not None and content_length > self.max_file_bytes:
            self._reject(errors.too_large(name, self.max_file_bytes))
        # SkipFile is raised at the first chunk, never here: the parser would then close the
        # *previous* file still held by the handlers after this one (MultiPartParser._close_files).

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self._current_rejection is None:
            self._current_bytes += len(raw_data)
            name = display_name(self.file_name)
            if self._current_bytes > self.max_file_bytes:
                self._reject(errors.too_large(name, self.max_file_bytes))
            elif self._accepted_bytes + self._current_bytes > self.max_request_bytes:
                self._reject(errors.total_too_large(name, self.max_request_bytes))
        if self._current_rejection is not None:
            raise SkipFile()  # the handlers after us drop what they have of this file
        return raw_data

    def file_complete(self, file_size: int) -> None:
        self._accepted_bytes += self._current_bytes
        return None  # the next handler builds the UploadedFile

    def _reject(self, rejection: UploadRejected) -> None:
        self._current_rejection = rejection
        self._rejections.append(rejection)

    @property
    def rejections(self) -> list[UploadRejected]:
        """One ``UploadRejected`` per refused file. Reading it parses the body first if nothing has."""
        if self.request is not None:
            self.request.FILES  # noqa: B018 (parsing is what fills the list)
        return list(self._rejections)


def limit_uploads(request: HttpRequest, *, max_file_bytes: int, max_request_bytes: int) -> UploadLimitHandler:
    """Install the limits for this request; call before anything reads request.POST or request.FILES.

    Returns the handler: after request.POST/FILES have been read, ``handler.rejections`` holds an
    ``UploadRejected`` per refused file (its bytes were not kept). A file refused this way is absent
    from request.FILES — or present and empty when it had no data — so check ``rejections`` first.
    """
    if hasattr(request, "_files"):
        raise RuntimeError(
            "limit_uploads() must run before request.POST or request.FILES is read: "
            "decorate the view with csrf_exempt and check CSRF inside it with csrf_protect."
        )
    handler = UploadLimitHandler(request, max_file_bytes=max_file_bytes, max_request_bytes=max_request_bytes)
    request.upload_handlers.insert(0, handler)
    return handler
