"""/xac-thuc/: anyone checks whether a result PDF was signed by an agency of the province and is
untouched — by uploading it, or by the code printed on it and carried by its QR code (issue 13).

The pages say which agency signed, when, for which dossier and procedure, and whether the agency
revoked the result; they show no personal data (no applicant's name, ID or file: a QR code is
easily photographed). Uploads are limited per client address like the public tracking page.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from onestop.esign.selectors import signed_result_by_code, signed_result_by_hash
from onestop.esign.verification import Verdict, verify_pdf
from onestop.uploads.storage import stored_file_open
from onestop.uploads.validation import UploadRejected, validate_upload
from onestop.workflow.closing import RESULT_MAX_BYTES

from .submission.tracking import rate_allowed

VERIFY_WINDOW_SECONDS = 600


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("The result (PDF)"), help_text=_("A PDF file of at most 20 MB."))


def _context(verification, signed) -> dict:
    return {
        "verification": verification,
        "signed": signed,
        "Verdict": Verdict,
        "revoked": bool(signed and signed.revoked_at),
    }


@never_cache
def verify_upload(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        if not rate_allowed(request, scope="verify", limit=settings.ESIGN_VERIFY_LIMIT, window=VERIFY_WINDOW_SECONDS):
            context["limited"] = True
            status = 429
        else:
            upload = form.cleaned_data["file"]
            try:
                validate_upload(upload, allowed=["pdf"], max_bytes=RESULT_MAX_BYTES)
            except UploadRejected as exc:
                form.add_error("file", str(exc))
            else:
                upload.seek(0)
                verification = verify_pdf(upload.read())
                context.update(_context(verification, signed_result_by_hash(verification.sha256)))
    return render(request, "portal/verification/verify.html", context, status=status)


@never_cache
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    # Each check validates the stored PDF again: the same per-address limit as the uploads, so that
    # neither door can be used to make the server validate signatures without end (or to guess codes).
    if not rate_allowed(request, scope="verify", limit=settings.ESIGN_VERIFY_LIMIT, window=VERIFY_WINDOW_SECONDS):
        return render(request, "portal/verification/verify.html", {"form": VerifyForm(), "limited": True}, status=429)
    signed = signed_result_by_code(code)
    if signed is None:
        raise Http404
    with stored_file_open(signed.document.file) as handle:
        verification = verify_pdf(handle.read())  # the stored file, checked now: storage tampering shows
    return render(request, "portal/verification/result.html", _context(verification, signed))
