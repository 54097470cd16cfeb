# ruff: noqa: E501 — the package parts below are XML written out whole, as the standard shows them.
"""A small, dependency-free writer of Word documents (DOCX, Office Open XML) for the catalogue's form
templates: titled paragraphs, dotted lines to fill in, simple tables, a signature block.

Deterministic (fixed timestamps inside the archive): writing the same form twice gives the same
bytes, so the committed demo files change only when their words do (scripts/make_form_templates.py).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FIXED_TIME = (2025, 7, 1, 0, 0, 0)


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    align: str = "both"  # left, center, right, both
    size: int = 26  # half-points: 13 pt, the size of Vietnamese administrative documents
    space_after: int = 60


@dataclass
class Table:
    rows: list[list[str]]
    header: bool = True


@dataclass
class Document:
    title: str
    blocks: list[Paragraph | Table] = field(default_factory=list)

    def p(self, text: str = "", **style) -> Document:
        self.blocks.append(Paragraph(text, **style))
        return self

    def blank(self, label: str, dots: int = 60) -> Document:
        """ "Họ, chữ đệm, tên: ……………" — a line to fill in."""
        return self.p(f"{label}: {'…' * max(dots - len(label), 10)}", align="left")

    def table(self, rows: list[list[str]], header: bool = True) -> Document:
        self.blocks.append(Table(rows, header))
        return self

    def to_bytes(self) -> bytes:
        return _package(self)


def _run(text: str, *, bold: bool, italic: bool, size: int) -> str:
    props = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    props += ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + f'<w:sz w:val="{size}"/>'
    lines = text.split("\n")
    parts = []
    for i, line in enumerate(lines):
        if i:
            parts.append("<w:br/>")
        parts.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r>"


def _paragraph(p: Paragraph) -> str:
    return (
        f'<w:p><w:pPr><w:spacing w:after="{p.space_after}"/><w:jc w:val="{p.align}"/></w:pPr>'
        f"{_run(p.text, bold=p.bold, italic=p.italic, size=p.size) if p.text else ''}</w:p>"
    )


def _table(t: Table) -> str:
    columns = max(len(r) for r in t.rows)
    width = 9000 // columns
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(columns))
    rows = []
    for i, row in enumerate(t.rows):
        cells = []
        for text in row + [""] * (columns - len(row)):
            bold = t.header and i == 0
            para = _paragraph(Paragraph(text, bold=bold, align="center" if bold else "left", space_after=0))
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{para}</w:tc>')
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>{border}</w:tblBorders></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl><w:p/>"
    )


def _document_xml(doc: Document) -> str:
    body = "".join(_table(b) if isinstance(b, Table) else _paragraph(b) for b in doc.blocks)
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="708" w:footer="708" w:gutter="0"/>'
        "</w:sectPr>"
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>{body}{section}</w:body></w:document>'


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>
<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>
<w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="288" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
</w:styles>"""


def _core(title: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{escape(title)}</dc:title><dc:language>vi-VN</dc:language><dc:creator>Cổng Dịch vụ công</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">2025-07-01T00:00:00Z</dcterms:created>
</cp:coreProperties>"""


_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Cổng Dịch vụ công</Application></Properties>"""


def _package(doc: Document) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", _document_xml(doc)),
            ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
            ("word/styles.xml", _STYLES),
            ("docProps/core.xml", _core(doc.title)),
            ("docProps/app.xml", _APP),
        ):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def docx_text(content: bytes) -> str:
    """The text of a DOCX's body, paragraph by paragraph (to check a template without Word)."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        root = ET.fromstring(archive.read("word/document.xml"))  # noqa: S314 — our own templates, in tests
    lines = []
    for paragraph in root.iter(f"{{{W}}}p"):
        lines.append("".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t")))
    return "\n".join(lines)
