"""The file name a citizen gave: checked, cleaned for display, never used as a path (STYLE §7).

The stored file gets a random key (``storage``); the name is kept only to show it and to offer it
back in Content-Disposition. Django's multipart parser already reduces names to their last path
component; these checks also hold for files that reach ``validate_upload`` another way (API, import).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from . import errors

MAX_NAME_LENGTH = 120

# Dropped from display names: controls (NUL, CR, LF…), format characters (the right-to-left
# override U+202E that turns "hoso‮fdp.exe" into "hosoexe.pdf" on screen, zero-width marks),
# surrogates, private-use and unassigned code points, line and paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

# Extensions that Windows (or a shell, or a browser) runs or renders as active content. A name
# ending in one of them after another extension ("giay-to.pdf.exe") is refused with its own reason.
EXECUTABLE_EXTENSIONS = frozenset(
    {
        "exe", "com", "bat", "cmd", "scr", "pif", "cpl", "msi", "msp", "msc", "dll", "sys", "lnk",
        "js", "jse", "vbs", "vbe", "wsf", "wsh", "ws", "ps1", "psm1", "hta", "jar", "reg", "inf",
        "sh", "bash", "app", "apk", "dmg", "deb", "rpm", "html", "htm", "xhtml", "svg", "php", "py",
    }
)  # fmt: skip


def _drop_invisible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)


def display_name(raw: str | None) -> str:
    """A printable form of any name, for messages (never raises): NFC, invisible characters
    dropped, at most MAX_NAME_LENGTH characters."""
    text = _drop_invisible(unicodedata.normalize("NFC", raw or "")).strip()
    if len(text) > MAX_NAME_LENGTH:
        text = text[: MAX_NAME_LENGTH - 1] + "…"
    return text


def _truncate(stem: str, extension: str) -> str:
    suffix = f".{extension}" if extension else ""
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix


def check_file_name(raw: str | None) -> tuple[str, str]:
    """Return ``(safe_name, extension)`` — extension lower-case without the dot, "" if none.

    Refuses names with NUL bytes, path separators or ".." (a path, not a name), and executable
    extensions hidden behind another one. Keeps Vietnamese letters (NFC); drops invisible
    characters; caps the length at MAX_NAME_LENGTH keeping the extension.
    """
    if raw is None or not raw.strip():
        raise errors.no_name()
    shown = display_name(raw)
    if "\x00" in raw or "/" in raw or "\\" in raw or raw.strip() in {".", ".."}:
        raise errors.bad_name(shown)
    # Windows drops trailing dots and spaces: "a.pdf.exe. " is saved as "a.pdf.exe".
    name = _drop_invisible(unicodedata.normalize("NFC", raw)).strip().rstrip(" .")
    if not name:
        raise errors.bad_name(shown)
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip():
        # No extension ("hoso"), or only one (".pdf"): nothing to accept it by.
        return _truncate(name, ""), ""
    extension = extension.strip()
    if extension.lower() in EXECUTABLE_EXTENSIONS and "." in stem:
        raise errors.double_extension(shown)
    return _truncate(stem.rstrip(), extension), extension.lower()


def _ascii_fallback(name: str) -> str:
    # "Giấy tờ Đất đai.pdf" → "Giay to Dat dai.pdf" for clients that ignore filename*.
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", name)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = "".join(ch if " " <= ch <= "~" else "_" for ch in ascii_text)
    return ascii_text.replace("\\", "\\\\").replace('"', '\\"')


def content_disposition(name: str, *, as_attachment: bool) -> str:
    """RFC 6266 Content-Disposition: an ASCII ``filename`` and, for Vietnamese, ``filename*`` (UTF-8)."""
    kind = "attachment" if as_attachment else "inline"
    clean = display_name(name).replace("…", "...") or "tep"
    header = f'{kind}; filename="{_ascii_fallback(clean)}"'
    if not clean.isascii():
        header += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return header
