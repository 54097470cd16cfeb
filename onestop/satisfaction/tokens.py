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


class PassExpired(Exception):
    """A genuine pass, too old: the applicant looks the dossier up again."""


def tracking_pass_dossier_id(token: str) -> int | None:
    """The dossier id of a valid, unexpired pass; None for anything forged or foreign; raises
    PassExpired for a genuine pass past its time."""
    try:
        value = signing.loads(token or "", salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise PassExpired from exc
    except signing.BadSignature:
        return None
    pk = value.get("d") if isinstance(value, dict) else None
    return pk if isinstance(pk, int) else None
