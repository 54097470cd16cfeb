"""Machine-readable codes printed on documents: Code128 barcodes and QR codes, as SVG markup.

Both return one bare ``<svg>`` element (no XML declaration, no DOCTYPE) with a viewBox, ready to be
embedded in HTML or turned into a ``data:`` URI with ``svg_data_uri`` for an ``<img>``.

The libraries encode (python-barcode: Code128 character sets and checksum; qrcode: the QR matrix);
the drawing here strokes each run of dark modules as one line segment (butt caps, stroke width =
the run's thickness), two path commands per run. Their own SVG writers draw a styled element per
bar or a filled square per QR module, which WeasyPrint parses and paints several times slower
(the receipt's budget is 150 ms).
"""

from __future__ import annotations

import base64
from html import escape
from urllib.parse import urlencode

from onestop.links import absolute_url

# Code128 needs a quiet zone of 10 modules on each side; 0.25 mm modules scan well from paper.
CODE128_MODULE_MM = 0.25
CODE128_QUIET_MODULES = 10
CODE128_BAR_MODULES = 40  # 10 mm
CODE128_TEXT_MODULES = 16  # room for a 9 pt line under the bars


def _runs(row) -> list[tuple[int, int]]:
    """(start, length) of each run of truthy cells."""
    runs, x, size = [], 0, len(row)
    while x < size:
        if row[x]:
            start = x
            while x < size and row[x]:
                x += 1
            runs.append((start, x - start))
        else:
            x += 1
    return runs


def code128_modules(code: str) -> str:
    """The Code128 symbol of `code` as modules ('1' bar, '0' space), start to stop (python-barcode)."""
    from barcode import Code128

    if not code:
        raise ValueError("A barcode needs a code.")
    return Code128(code).build()[0]


def code128_svg(code: str, *, text: bool = True) -> str:
    """The Code128 barcode of `code`: 0.25 mm modules, 10 mm bars, 10-module quiet zones.

    With `text`, the human-readable code is written under the bars (an SVG ``<text>``); documents
    that print the code in their own font pass ``text=False``.
    """
    modules = [m == "1" for m in code128_modules(code)]
    quiet, bar_h = CODE128_QUIET_MODULES, CODE128_BAR_MODULES
    by_width: dict[int, list[str]] = {}  # Code128 bars are 1 to 4 modules wide: one path per width
    for x, n in _runs(modules):
        by_width.setdefault(n, []).append(f"M{quiet + x + n / 2:g},0v{bar_h}")
    bars = "".join(
        f'<path stroke="#000" stroke-width="{n}" fill="none" d="{"".join(lines)}"/>'
        for n, lines in sorted(by_width.items())
    )
    width = len(modules) + 2 * quiet
    height = bar_h + (CODE128_TEXT_MODULES if text else 0)
    label = (
        f'<text x="{width / 2:g}" y="{height - 3}" text-anchor="middle" '
        f'font-family="Liberation Serif, Times New Roman, serif" font-size="12.7">{escape(code)}</text>'
        if text
        else ""
    )
    mm = CODE128_MODULE_MM
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width * mm:g}mm" '
        f'height="{height * mm:g}mm" viewBox="0 0 {width} {height}" shape-rendering="crispEdges">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>{bars}{label}</svg>'
    )


def qr_svg(url: str, *, border: int = 4) -> str:
    """The QR code of `url` (error correction M, `border` modules of quiet zone), 1 mm per module."""
    import qrcode

    if not url:
        raise ValueError("A QR code needs data.")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    path = "".join(f"M{x},{y + 0.5:g}h{n}" for y, row in enumerate(matrix) for x, n in _runs(row))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{size}mm" height="{size}mm" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" stroke-width="1" fill="none" d="{path}"/></svg>'
    )


def _png_data_uri(rows: list[list[bool]]) -> str:
    """A 1-bit PNG (dark = True) as a data URI: one pixel per module."""
    import io

    from PIL import Image  # a WeasyPrint dependency

    height, width = len(rows), len(rows[0])
    image = Image.new("1", (width, height), 1)
    image.putdata([0 if cell else 1 for row in rows for cell in row])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def code128_png_data_uri(code: str) -> str:
    """The Code128 barcode of `code` as a 1-bit PNG data URI, one pixel per module (bars 40 px tall,
    10-module quiet zones): same proportions as ``code128_svg(text=False)``.

    For documents that print many codes (delivery slips): WeasyPrint embeds a bitmap as one image
    object, where an SVG is parsed and drawn path by path (about 10 ms a code). Print it with CSS
    ``image-rendering: pixelated`` so that the bars stay sharp when scaled.
    """
    quiet = [False] * CODE128_QUIET_MODULES
    row = quiet + [m == "1" for m in code128_modules(code)] + quiet
    return _png_data_uri([row] * CODE128_BAR_MODULES)


def qr_png_data_uri(url: str, *, border: int = 4, mask_pattern: int | None = None) -> str:
    """The QR code of `url` (error correction M) as a 1-bit PNG data URI, one pixel per module.

    ``mask_pattern`` (0–7) skips qrcode's choice of the best of the eight masks (it builds and
    scores all eight: most of the cost of a code); any mask gives a valid, readable symbol.
    """
    import qrcode

    if not url:
        raise ValueError("A QR code needs data.")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border, mask_pattern=mask_pattern)
    qr.add_data(url)
    qr.make(fit=True)
    return _png_data_uri([[bool(cell) for cell in row] for row in qr.get_matrix()])


def svg_data_uri(svg: str) -> str:
    """An ``<img src=…>``-ready data URI for SVG markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def tracking_url(code: str, *, request=None) -> str:
    """The public tracking page for a dossier code (the visitor still types the verifier there).

    From the request being served when there is one (the PDF a visitor downloads points to the
    address they use), else SITE_URL (tasks, commands): see onestop/links.py.
    """
    return absolute_url(f"/tra-cuu/?{urlencode({'ma': code})}", request=request)
