"""Small valid files for the demo data, the tests and the benchmarks."""

from __future__ import annotations

import functools
import io


def minimal_pdf(text: str = "Giay to") -> bytes:
    body = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


@functools.cache
def result_page_pdf() -> bytes:
    """The demo's result of a dossier: an A4 page in Vietnamese (WeasyPrint, Liberation Sans), which the
    issuing agency's stamp is signed onto."""
    from weasyprint import HTML

    return HTML(
        string="""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 25mm 20mm }
body { font: 13pt/1.5 "Liberation Sans", sans-serif }
h1 { font-size: 18pt; text-align: center; margin: 40mm 0 8mm }
p { text-align: center }
</style></head><body><h1>Kết quả giải quyết thủ tục hành chính</h1>
<p>Bản minh họa của môi trường thử nghiệm — không có giá trị pháp lý.</p></body></html>"""
    ).write_pdf()
