"""The pass the public tracking page gives the evaluation form once the dossier code and the
applicant's verifier matched (onestop.submission.selectors.dossier_track): signed, naming the
dossier, valid for a short while — so that the form is not a second way to test verifiers, and
the answers are not sent with the applicant's phone number."""

from __future__ import annotations

from django.core import signing

SALT = "onestop.satisfaction.tracking"
MAX_AGE_SECONDS = 30 * 60


def tracking_pass(*, dossier) -> str:
    return signing.dumps({"d": dossier.pk}, salt=SALT, compress=False)


def tracking_pass_dossier_id(token: str) -> int | None:
    """The dossier id of a valid, unexpired pass; None otherwise."""
    try:
        value = signing.loads(token or "", salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return None
    pk = value.get("d") if isinstance(value, dict) else None
    return pk if isinstance(pk, int) else None
