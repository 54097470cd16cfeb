"""Signing a result PDF with the issuing agency's certificate (PAdES B-B, pyHanko).

The certificate: `ESIGN_PKCS12_DIR/<agency code>.p12`, looked up from the issuing unit up its agency
tree (a unit of a department signs with the department's certificate), with `ESIGN_PKCS12_PASSWORD`.
The visible stamp on the last page names the agency, the officer and the signing time (Vietnam time;
the same moment as the signature's own signing time) and carries a QR code to `/xac-thuc/<code>/`; it
stays inside the page whatever its size (narrower and taller on a small page, its text wrapped).
It is a small PDF drawn by WeasyPrint (the project's PDF engine: Vietnamese text shaped and wrapped
properly, Liberation Sans from fonts-liberation2) and placed as the signature field's appearance.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

# The stamp's largest size in PDF points, at the bottom right of the last page, 24 pt from its edges. On a
# smaller page it gets narrower (the page's width less its margins), its text wraps and the stamp grows
# as tall as its text needs; when even that does not fit, the text gets smaller (down to MIN_FONT).
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 260, 80, 24
FONT_SIZE, MIN_FONT = 7.2, 4.0
STAMP_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: {width}pt {height}pt; margin: 0 }}
body {{ margin: 0; font: {font}pt/1.3 "Liberation Sans", sans-serif; color: #b00000 }}
.stamp {{ box-sizing: border-box; width: {width}pt; min-height: {min_height}pt; border: 1pt solid #b00000;
  padding: 3pt; display: flex; gap: 5pt; align-items: center }}
img {{ width: {qr}pt; height: {qr}pt; flex: none }}
.text {{ flex: 1; min-width: 0; overflow-wrap: anywhere }}
p {{ margin: 0 }} b {{ font-weight: bold }}
</style></head><body><div class="stamp"><img src="{qr_src}" alt="">
<div class="text"><p><b>Ký số bởi:</b> {agency}</p><p><b>Người ký:</b> {officer}</p><p><b>Thời gian:</b> {when}</p>
<p><b>Mã xác thực:</b> {code}</p></div></div><div id="end"></div></body></html>"""


@dataclass(frozen=True)
class SigningKey:
    agency_code: str
    path: Path


def signing_key_for(agency) -> SigningKey | None:
    """The certificate of `agency` or of its nearest ancestor that has one; None: signing is off."""
    if not settings.ESIGN_PKCS12_DIR:
        return None
    folder = Path(settings.ESIGN_PKCS12_DIR)
    node = agency
    seen = 0
    while node is not None and seen < 20:
        candidate = folder / f"{node.code}.p12"
        if candidate.is_file():
            return SigningKey(node.code, candidate)
        node = node.parent
        seen += 1
    return None


def _agency_signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class AgencySigner(signers.SimpleSigner):
        """pyHanko's signer, with the private key parsed once per process instead of twice per
        signature (parsing and checking an RSA key took 0.16 s each time)."""

        _pyca_key = None

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism["algorithm"].native != "rsassa_pkcs1v15" and mechanism.signature_algo != "rsassa_pkcs1v15":
                return await super().async_sign_raw(data, digest_algorithm, dry_run=dry_run)
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            return self._pyca_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return AgencySigner


@functools.lru_cache(maxsize=32)
def _signer(path: str, mtime: float):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=settings.ESIGN_PKCS12_PASSWORD.encode())
    if signer is None:
        raise ValueError(f"cannot read the signing certificate {path} (wrong ESIGN_PKCS12_PASSWORD?)")
    signer.__class__ = _agency_signer_class()  # load_pkcs12 builds a SimpleSigner whatever the class
    return signer


@dataclass(frozen=True)
class Stamp:
    pdf: bytes  # one page, the stamp's size
    width: float  # PDF points
    height: float


def stamp_pdf(
    *,
    agency_name: str,
    officer: str,
    when: str,
    code: str,
    verify_url: str,
    max_width: float = STAMP_WIDTH,
    max_height: float = 10 * STAMP_HEIGHT,
) -> Stamp:
    """The stamp, at most `max_width` wide (its text wrapped to it) and as tall as its text needs, its
    text smaller when that is more than `max_height` (down to MIN_FONT)."""
    from django.utils.html import escape
    from weasyprint import HTML

    from ..documents.codes import qr_svg, svg_data_uri

    width = max(min(float(max_width), STAMP_WIDTH), 60.0)
    qr = round(min(STAMP_HEIGHT - 8, max(28.0, (width - 11) * 0.3), max(max_height - 8, 28.0)), 1)
    values = {
        "width": width,
        "min_height": qr + 8,
        "qr": qr,
        "qr_src": svg_data_uri(qr_svg(verify_url, border=1)),
        "agency": escape(agency_name),
        "officer": escape(officer),
        "when": escape(when),
        "code": escape(code),
    }
    font, height = FONT_SIZE, 0.0
    while True:
        # Laid out on a tall page first: the empty block after the stamp says how tall it is (CSS px).
        document = HTML(string=STAMP_HTML.format(height=2000, font=font, **values)).render()
        anchor = document.pages[0].anchors.get("end") if len(document.pages) == 1 else None
        height = (anchor[1] * 0.75 if anchor else 2000) + 0.5  # CSS px to points, and a little slack
        if height <= max_height or font <= MIN_FONT:
            break
        font = max(round(font - 0.4, 1), MIN_FONT)
    height = round(height, 1)
    pdf = HTML(string=STAMP_HTML.format(height=height, font=font, **values)).write_pdf()
    return Stamp(pdf=pdf, width=width, height=height)


def _imported_page(pdf: bytes):
    """pyHanko's ImportedPdfPage, from bytes instead of a file name."""
    import binascii
    import uuid

    from pyhanko.pdf_utils import content
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader

    class BytesPdfPage(content.ImportedPdfPage):
        def render(self) -> bytes:
            writer = self._ensure_writer
            xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)), page_ix=0)
            name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name + b" Do"

    return BytesPdfPage("stamp.pdf")


def _signer_at(moment):
    """pyHanko's PdfSigner, signing at `moment` (the CMS signing time and the signature's /M) instead
    of the machine's clock."""
    from pyhanko.sign import signers

    class PdfSignerAt(signers.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = moment
            return session

    return PdfSignerAt


def sign_pdf(pdf: bytes, *, key: SigningKey, agency_name: str, officer: str, code: str, verify_url: str) -> bytes:
    """The PDF with an approval signature over all of it and the visible stamp; raises on a bad PDF."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    signer = _signer(str(key.path), key.path.stat().st_mtime)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    page = writer.find_page_for_modification(last_page)[0].get_object()
    media_box = page.get("/MediaBox") or writer.root["/Pages"].get("/MediaBox") or (0, 0, 595, 842)  # A4
    x0, y0, x1, y1 = (float(v) for v in media_box)
    page_width, page_height = abs(x1 - x0), abs(y1 - y0)
    margin = min(STAMP_MARGIN, page_width / 16, page_height / 16)
    # One moment for the stamp and the signature (its signing time and /M): timezone.now(), the clock
    # every other time of the dossier comes from.
    signed_at = timezone.now()
    stamp = stamp_pdf(
        agency_name=agency_name,
        officer=officer,
        when=timezone.localtime(signed_at).strftime("%H:%M %d/%m/%Y"),
        code=code,
        verify_url=verify_url,
        max_width=page_width - 2 * margin,
        max_height=page_height - 2 * margin,
    )
    right, bottom = max(x0, x1) - margin, min(y0, y1) + margin
    box = (right - stamp.width, bottom, right, bottom + min(stamp.height, page_height - 2 * margin))
    meta = signers.PdfSignatureMetadata(
        field_name="KetQuaKySo",
        reason=f"Kết quả giải quyết TTHC — {code}",
        location=agency_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    # The stamp's own size (pyHanko's default would shrink it into 5 pt margins).
    layout_rule = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins()
    )
    style = StaticStampStyle(background=_imported_page(stamp.pdf), border_width=0, background_layout=layout_rule)
    pdf_signer = _signer_at(signed_at)(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name="KetQuaKySo", on_page=last_page, box=box),
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
