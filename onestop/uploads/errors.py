"""The one exception of the upload layer and its user-facing messages.

Every message names the file and the reason, goes through gettext with an English source string
(Vietnamese comes from the catalogue) and is built here, so that translators find them together.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils import formats
from django.utils.translation import gettext as _

MIB = 1024 * 1024


class Reason(StrEnum):
    """Why an upload was refused: stable codes for views, logs and tests (messages are translated)."""

    NO_NAME = "no_name"
    BAD_NAME = "bad_name"
    DOUBLE_EXTENSION = "double_extension"
    TYPE_NOT_ACCEPTED = "type_not_accepted"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOTAL_TOO_LARGE = "total_too_large"
    CONTENT_MISMATCH = "content_mismatch"
    DAMAGED = "damaged"
    MACROS = "macros"
    VIRUS = "virus"
    SCAN_FAILED = "scan_failed"


class UploadRejected(ValueError):
    """An upload refused for a reason the citizen can act on; ``str(exc)`` is the message to show."""

    def __init__(self, message: str, *, reason: Reason, file_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.file_name = file_name


def format_limit(limit_bytes: int) -> str:
    """10485760 → "10 MB"; smaller or odd limits keep one decimal, in the active locale."""
    if limit_bytes >= MIB:
        value, unit = limit_bytes / MIB, "MB"
    elif limit_bytes >= 1024:
        value, unit = limit_bytes / 1024, "KB"
    else:
        return f"{limit_bytes} B"
    text = str(int(value)) if value == int(value) else formats.number_format(value, 1)
    return f"{text} {unit}"


def no_name() -> UploadRejected:
    return UploadRejected(_("A file was sent without a name."), reason=Reason.NO_NAME)


def bad_name(name: str) -> UploadRejected:
    return UploadRejected(
        _(
            "File “%(name)s”: the file name is not valid (it contains a folder path or forbidden characters). "
            "Rename the file and try again."
        )
        % {"name": name},
        reason=Reason.BAD_NAME,
        file_name=name,
    )


def double_extension(name: str) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: the name hides a program behind a second extension (such as “.pdf.exe”).") % {"name": name},
        reason=Reason.DOUBLE_EXTENSION,
        file_name=name,
    )


def type_not_accepted(name: str, labels: list[str]) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: this file type is not accepted. Accepted: %(types)s.")
        % {"name": name, "types": ", ".join(labels)},
        reason=Reason.TYPE_NOT_ACCEPTED,
        file_name=name,
    )


def empty(name: str) -> UploadRejected:
    return UploadRejected(_("File “%(name)s” is empty.") % {"name": name}, reason=Reason.EMPTY, file_name=name)


def too_large(name: str, limit_bytes: int) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s” is larger than %(limit)s.") % {"name": name, "limit": format_limit(limit_bytes)},
        reason=Reason.TOO_LARGE,
        file_name=name,
    )


def total_too_large(name: str, limit_bytes: int) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: the files sent together are larger than %(limit)s.")
        % {"name": name, "limit": format_limit(limit_bytes)},
        reason=Reason.TOTAL_TOO_LARGE,
        file_name=name,
    )


def content_mismatch(name: str, expected: str, detected: str) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: the content is not %(expected)s (detected: %(detected)s).")
        % {"name": name, "expected": expected, "detected": detected},
        reason=Reason.CONTENT_MISMATCH,
        file_name=name,
    )


def damaged(name: str, expected: str) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: the file is damaged or is not a real %(expected)s document.")
        % {"name": name, "expected": expected},
        reason=Reason.DAMAGED,
        file_name=name,
    )


def macros(name: str, expected: str) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: %(expected)s files with macros are not accepted.") % {"name": name, "expected": expected},
        reason=Reason.MACROS,
        file_name=name,
    )


def virus_found(name: str, signature: str) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: a virus was found (%(signature)s).") % {"name": name, "signature": signature},
        reason=Reason.VIRUS,
        file_name=name,
    )


def scan_failed(name: str) -> UploadRejected:
    return UploadRejected(
        _("File “%(name)s”: the virus check could not be done, please try again later.") % {"name": name},
        reason=Reason.SCAN_FAILED,
        file_name=name,
    )
