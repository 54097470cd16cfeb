"""HTML → PDF with WeasyPrint, offline.

WeasyPrint is imported inside the functions (STYLE §12), on the first document. The Decree 30
stylesheet (templates/pdf/decree30.css) is parsed once per thread and passed to every document.
Only local assets are fetched: the URL fetcher refuses http(s) and any file outside the project's
templates/ and static/ folders, so a document never waits on, or leaks to, the network.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

PDF_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "pdf"
STYLESHEET = PDF_TEMPLATES / "decree30.css"
LOCAL_ROOTS = (Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static")
BASE_URL = Path(settings.BASE_DIR).as_uri() + "/"


class RefusedURL(ValueError):
    """A document asked for something that is not a local asset."""


def url_allowed(url: str) -> bool:
    """data: URIs and files under templates/ or static/; nothing else (no http, https, ftp…)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return any(path.is_relative_to(root.resolve()) for root in LOCAL_ROOTS)


# One engine per thread: WeasyPrint's URL fetcher keeps per-request state and a FontConfiguration
# wraps fontconfig/Pango objects, so neither is shared across threads. Building them (and parsing
# the stylesheet) once per thread rather than per document saves about 30 ms a receipt.
_engines = threading.local()


def _engine() -> SimpleNamespace:
    engine = getattr(_engines, "engine", None)
    if engine is None:
        import weasyprint  # heavy (STYLE §12): only when the first document is rendered
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        class LocalOnlyFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if not url_allowed(url):
                    raise RefusedURL(f"PDF documents use local assets only; refused {url[:200]!r}")
                return super().fetch(url, headers)

        progress = logging.getLogger("weasyprint.progress")
        if progress.level == logging.NOTSET:  # seven INFO lines per document, unless LOGGING asks for them
            progress.setLevel(logging.WARNING)
        fetcher = LocalOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
        font_config = FontConfiguration()
        stylesheet = weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher, font_config=font_config)
        engine = SimpleNamespace(html=weasyprint.HTML, fetcher=fetcher, font_config=font_config, stylesheet=stylesheet)
        _engines.engine = engine
    return engine


def url_fetcher():
    """The fetcher documents use in this thread (exposed for tests)."""
    return _engine().fetcher


def html_to_pdf(html: str) -> bytes:
    engine = _engine()
    document = engine.html(string=html, base_url=BASE_URL, url_fetcher=engine.fetcher)
    return document.write_pdf(stylesheets=[engine.stylesheet], font_config=engine.font_config)


def html_parts_to_pdf(
    parts: Iterable[str], *, frames: str | None = None, frame_of: Callable[[int, int], int] | None = None
) -> bytes:
    """One PDF from many HTML documents rendered one after the other (their pages in order).

    WeasyPrint keeps a whole document's boxes and pages in memory until it is written, and its
    layout slows down as a document grows: a long batch (hundreds of delivery slips) is rendered
    as parts of a few dozen pages, each written and freed before the next, and the small PDFs are
    joined with pypdf. Memory then stays near one part's whatever the batch size.

    `frames`: an HTML document of what every page repeats (titles, boxes, signature blocks), laid
    out once instead of on every page. Its pages become Form XObjects, kept once in the file, and
    page n (of `total`) is drawn over with frame page `frame_of(n, total)`.
    """
    from pypdf import PdfReader, PdfWriter

    parts = iter(parts)
    first = html_to_pdf(next(parts))
    writer = None
    for html in parts:
        if writer is None:
            writer = PdfWriter()
            writer.append(PdfReader(io.BytesIO(first)))
        writer.append(PdfReader(io.BytesIO(html_to_pdf(html))))
    if writer is None and frames is None:  # one part: its PDF as WeasyPrint wrote it
        return first
    if writer is None:
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(first)))
    if frames is not None:
        _draw_frames(writer, PdfReader(io.BytesIO(html_to_pdf(frames))), frame_of or (lambda n, total: 0))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_frames(writer, frames, frame_of: Callable[[int, int], int]) -> None:
    """Draw frame page frame_of(n, total) over page n, each frame a Form XObject added once."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    def stream(data: bytes):
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    forms: dict[int, tuple] = {}

    def form(index: int) -> tuple:
        if index not in forms:
            page = frames.pages[index]
            xobject = DecodedStreamObject()
            xobject.set_data(page.get_contents().get_data())
            xobject.update(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
                    NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
                }
            )
            name = NameObject(f"/DvcFrame{index}")
            forms[index] = (name, writer._add_object(xobject.flate_encode()), stream(f"Q q {name} Do Q".encode()))
        return forms[index]

    save = stream(b"q")  # the page's own drawing, its graphics state restored before the frame's
    total = len(writer.pages)
    for n, page in enumerate(writer.pages):
        name, ref, draw = form(frame_of(n, total))
        resources = page["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        resources["/XObject"].get_object()[name] = ref
        contents = page["/Contents"]
        own = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *own, draw])


def render_html(template_name: str, context: dict[str, Any]) -> str:
    from ..province import province

    # Administrative documents are Vietnamese whatever the visitor's interface language.
    with translation.override("vi"):
        return render_to_string(template_name, {"PROVINCE": province(), **context})


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template under templates/pdf/ (extending pdf/base.html) to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))


def pdf_response(content: bytes, filename: str):
    """A PDF shown in the browser (inline), not sniffed as anything else."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
