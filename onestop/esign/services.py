"""Signing a result as the dossier core issues it (called by workflow.closing.dossier_resolve)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from ..links import absolute_url
from ..models import new_verification_code
from .signing import SigningKey, sign_pdf, signing_key_for

logger = logging.getLogger(__name__)


def result_signing(*, dossier, actor, result_file) -> tuple[object, dict | None]:
    """The result file to store — signed when the issuing agency has a certificate — and what the
    SignedResult row needs once the document exists (None when not signed).

    The issuing agency is the unit where the dossier is approved (its certificate, or its nearest
    ancestor's). A PDF pyHanko cannot sign (encrypted, broken) is refused with a clear message:
    an unsigned result must not go out when signing is on.
    """
    agency = dossier.step_agency or dossier.agency
    key: SigningKey | None = signing_key_for(agency)
    if key is None:
        return result_file, None
    code = new_verification_code()
    result_file.seek(0)
    original = result_file.read()
    try:
        signed = sign_pdf(
            original,
            key=key,
            agency_name=agency.name,
            officer=actor.get_full_name(),
            code=code,
            verify_url=absolute_url(reverse("verify-result", args=[code]), from_request=False),
        )
    except Exception as exc:
        logger.warning("result of %s could not be signed: %s", dossier.code, exc)
        raise ValidationError(
            _("The result could not be signed digitally (%(reason)s). Attach an unprotected, valid PDF.")
            % {"reason": type(exc).__name__}
        ) from exc
    name = getattr(result_file, "name", "ket-qua.pdf") or "ket-qua.pdf"
    return SimpleUploadedFile(name, signed, content_type="application/pdf"), {
        "code": code,
        "agency": agency,
        "certificate_agency_code": key.agency_code,
        "signer": actor,
    }
