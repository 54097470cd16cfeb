"""Is this PDF a result signed by an agency of the province, untouched since?

pyHanko's validator checks the signature's integrity (the signed bytes and the digest), the
certificate chain up to a trust root (ESIGN_TRUST_ROOTS: the CA certificates the province accepts),
and whether anything was changed after signing (coverage of the whole file). Our own record
(SignedResult, by the hash of the signed file or by its code) says for which dossier and whether
the agency revoked it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


class Verdict:
    VALID = "valid"
    TAMPERED = "tampered"  # signed, but the bytes changed after signing
    UNTRUSTED = "untrusted"  # intact, but not signed by a certificate the province trusts
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"


@dataclass
class Verification:
    verdict: str
    agency: str = ""
    agency_code: str = ""
    signed_at: datetime | None = None
    sha256: str = ""


@functools.lru_cache(maxsize=4)
def _trust_roots(paths: tuple[str, ...]):
    from pyhanko.keys import load_cert_from_pemder

    return [load_cert_from_pemder(path) for path in paths if Path(path).is_file()]


def trust_roots():
    return _trust_roots(tuple(p for p in settings.ESIGN_TRUST_ROOTS if p))


def verify_pdf(data: bytes) -> Verification:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    digest = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        logger.info("unreadable PDF at verification: %s", exc)
        return Verification(Verdict.UNREADABLE, sha256=digest)
    if not signatures:
        return Verification(Verdict.UNSIGNED, sha256=digest)
    signature = signatures[-1]
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as exc:
        logger.info("signature could not be validated: %s", exc)
        return Verification(Verdict.TAMPERED, sha256=digest)
    subject = status.signing_cert.subject.native if status.signing_cert else {}
    found = Verification(
        Verdict.VALID,
        agency=subject.get("organization_name", ""),
        agency_code=subject.get("organizational_unit_name", ""),
        signed_at=status.signer_reported_dt,
        sha256=digest,
    )
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not status.intact or not status.valid or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        found.verdict = Verdict.TAMPERED
    elif not status.trusted:
        found.verdict = Verdict.UNTRUSTED
    return found
