"""Barcodes, QR codes, Decree 30 wording and the offline URL fetcher of onestop.documents."""

import datetime as dt
import re
import socket
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.conf import settings

from onestop.documents.codes import code128_svg, qr_svg, svg_data_uri, tracking_url
from onestop.documents.layout import agency_header, place_date, vn_date, vn_datetime, vnd
from procedures.models import Agency, AgencyKind

CODE = "000.20.01.H12-261128-0001"
SVG = "{http://www.w3.org/2000/svg}"


# --- Code128 ---------------------------------------------------------------------------------------


def _decode_code128(svg: str) -> str:
    """Read the bars back from the SVG and decode them (an independent check of what is printed)."""
    from barcode.charsets.code128 import CODES  # the symbol table of the standard

    root = ET.fromstring(svg)  # noqa: S314 (our own markup)
    bars = []  # (first module, width): each bar is a vertical line stroked as wide as the bar
    for path in root.iter(f"{SVG}path"):
        assert path.get("fill") == "none" and path.get("stroke") == "#000"
        width = int(path.get("stroke-width"))
        centres = re.findall(r"M([\d.]+),0v40", path.get("d"))
        assert "".join(f"M{c},0v40" for c in centres) == path.get("d")
        bars += [(round(float(c) - width / 2), width) for c in centres]
    bars.sort()
    start, end = bars[0][0], bars[-1][0] + bars[-1][1]
    width = int(root.get("viewBox").split()[2])
    assert start >= 10 and width - end >= 10, "quiet zones of 10 modules"
    modules = ["0"] * (end - start)
    for x, n in bars:
        modules[x - start : x - start + n] = "1" * n
    pattern = "".join(modules)
    assert pattern.endswith("1100011101011"), "stop pattern"
    symbols = [CODES.index(pattern[i : i + 11]) for i in range(0, len(pattern) - 13, 11)]
    *data, check = symbols
    assert check == (data[0] + sum(i * v for i, v in enumerate(data[1:], start=1))) % 103, "checksum"
    charset = {103: "A", 104: "B", 105: "C"}[data[0]]
    text = ""
    for value in data[1:]:
        if charset == "C":
            if value < 100:
                text += f"{value:02d}"
                continue
            charset = {100: "B", 101: "A"}[value]
        elif value == 99:
            charset = "C"
        elif (charset, value) in {("A", 100), ("B", 101)}:
            charset = "B" if charset == "A" else "A"
        else:
            text += chr(value + 32) if charset == "B" or value < 64 else chr(value - 64)
    return text


def test_code128_svg_is_a_bare_svg_with_the_code_as_text():
    svg = code128_svg(CODE)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    root = ET.fromstring(svg)  # noqa: S314 (our own markup)
    assert [t.text for t in root.iter(f"{SVG}text")] == [CODE]
    # 0.25 mm modules: the printed width follows the number of modules
    width_modules = int(root.get("viewBox").split()[2])
    assert root.get("width") == f"{width_modules * 0.25:g}mm"
    assert code128_svg("<&>").count("&lt;&amp;&gt;") == 1


def test_code128_bars_decode_to_the_code():
    assert _decode_code128(code128_svg(CODE)) == CODE
    assert _decode_code128(code128_svg("000.00.00.H12-260105-0042", text=False)) == "000.00.00.H12-260105-0042"


def test_code128_without_text_has_no_text_element():
    svg = code128_svg(CODE, text=False)
    assert "<text" not in svg and CODE not in svg


def test_code128_refuses_an_empty_code():
    with pytest.raises(ValueError):
        code128_svg("")


# --- QR --------------------------------------------------------------------------------------------


def test_qr_svg_draws_the_matrix_of_the_url():
    import qrcode

    url = "https://dichvucong.example.vn/tra-cuu/?ma=" + CODE
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<?xml" not in svg
    root = ET.fromstring(svg)  # noqa: S314 (our own markup)
    assert root.get("viewBox")  # scalable in the template
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 1

    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    reference.add_data(url)
    reference.make(fit=True)
    matrix = reference.get_matrix()
    dark = {(x, y) for y, row in enumerate(matrix) for x, cell in enumerate(row) if cell}
    assert paths[0].get("stroke-width") == "1" and paths[0].get("fill") == "none"
    d = paths[0].get("d")
    runs = re.findall(r"M(\d+),(\d+)\.5h(\d+)", d)  # a row's run of dark modules, stroked 1 module thick
    assert "".join(f"M{x},{y}.5h{n}" for x, y, n in runs) == d
    drawn = {(int(x) + i, int(y)) for x, y, n in runs for i in range(int(n))}
    assert drawn == dark
    assert root.get("viewBox") == f"0 0 {len(matrix)} {len(matrix)}"


def test_qr_svg_differs_per_url_and_refuses_empty_data():
    assert qr_svg("https://a.example/tra-cuu/?ma=1") != qr_svg("https://a.example/tra-cuu/?ma=2")
    with pytest.raises(ValueError):
        qr_svg("")


def test_tracking_url_opens_the_public_tracking_page_for_the_code(settings):
    settings.SITE_URL = "https://dichvucong.hochiminhcity.gov.vn/"
    assert tracking_url(CODE) == f"https://dichvucong.hochiminhcity.gov.vn/tra-cuu/?ma={CODE}"
    assert tracking_url("A B&C") == "https://dichvucong.hochiminhcity.gov.vn/tra-cuu/?ma=A+B%26C"


def test_svg_data_uri():
    assert svg_data_uri("<svg/>") == "data:image/svg+xml;base64,PHN2Zy8+"


# --- Decree 30 wording -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2026, 11, 28), "ngày 28 tháng 11 năm 2026"),
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),  # day < 10 and months 1, 2 take a zero
        (dt.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    ],
)
def test_vn_date(day, words):
    assert vn_date(day) == words


def test_vn_datetime_is_in_vietnam_time():
    at = dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC)  # 00:30 on the 28th in Hà Nội
    assert vn_datetime(at) == "00 giờ 30 phút, ngày 28 tháng 11 năm 2026"
    assert vn_date(at) == "ngày 28 tháng 11 năm 2026"
    with pytest.raises(ValueError):
        vn_datetime(dt.datetime(2026, 11, 28, 9, 0))


def test_place_date(settings):
    settings.PROVINCE_NAME = "Thành phố Hồ Chí Minh"
    assert place_date(dt.date(2026, 11, 28)) == "Thành phố Hồ Chí Minh, ngày 28 tháng 11 năm 2026"
    assert place_date(dt.date(2026, 11, 28), "Thủ Dầu Một") == "Thủ Dầu Một, ngày 28 tháng 11 năm 2026"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (30000, "30.000 đồng"),
        (1234567, "1.234.567 đồng"),
        (0, "0 đồng"),
        (None, "0 đồng"),
        ("30.000", "30.000 đồng"),
        (Decimal("15000"), "15.000 đồng"),
    ],
)
def test_vnd(amount, text):
    assert vnd(amount) == text


def test_agency_header_puts_the_managing_body_above():
    province = Agency(
        code="000.00.00.H12",
        name="Ủy ban nhân dân Thành phố Hồ Chí Minh",
        short_name="UBND Thành phố Hồ Chí Minh",
        kind=AgencyKind.PROVINCE,
    )
    department = Agency(code="000.00.17.H12", name="Sở  Tư pháp", parent=province, kind=AgencyKind.DEPARTMENT)
    assert agency_header(department) == ("UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ TƯ PHÁP")
    province.short_name = ""
    assert agency_header(department)[0] == "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"
    # A People's Committee heads its own header; a root agency has no line above.
    ward = Agency(
        code="000.20.01.H12", name="Ủy ban nhân dân phường Thủ Dầu Một", parent=province, kind=AgencyKind.COMMUNE
    )
    assert agency_header(ward) == ("", "ỦY BAN NHÂN DÂN PHƯỜNG THỦ DẦU MỘT")
    assert agency_header(province) == ("", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH")


# --- Offline rendering -----------------------------------------------------------------------------


def test_url_fetcher_allows_only_local_assets():
    from onestop.documents.render import url_allowed

    base = settings.BASE_DIR
    assert url_allowed((base / "static" / "css" / "site.css").as_uri())
    assert url_allowed((base / "templates" / "pdf" / "decree30.css").as_uri())
    assert url_allowed("data:image/svg+xml;base64,PHN2Zy8+")
    for url in (
        "http://example.com/logo.png",
        "https://fonts.googleapis.com/css?family=Roboto",
        "ftp://example.com/x",
        "file:///etc/passwd",
        (base / "static" / ".." / ".." / "etc" / "passwd").as_uri(),
        "file://attacker.example/share/x.png",
    ):
        assert not url_allowed(url), url


def test_render_never_touches_the_network(monkeypatch):
    from onestop.documents.render import RefusedURL, html_to_pdf, url_fetcher

    with pytest.raises(RefusedURL):
        url_fetcher()("https://example.com/x.png")

    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempts.append(address))
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: attempts.append(address))
    pdf = html_to_pdf(
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<p>Xin chào <img src="http://127.0.0.1:9/logo.png"></p>'
        "<p style=\"background: url('https://example.com/bg.png')\">Ủy ban nhân dân</p>"
    )
    assert pdf.startswith(b"%PDF-")
    assert attempts == []


def test_documents_render_in_several_threads_at_once():
    from concurrent.futures import ThreadPoolExecutor

    from onestop.documents.render import html_to_pdf

    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(html_to_pdf, [f"<p>Hồ sơ số {n}</p>" for n in range(6)]))
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
