"""What the gateway's response codes mean to the citizen (REFERENCE.md, VNPay v2.1.0)."""

from django.utils.translation import gettext_lazy as _

RESPONSE_MESSAGES = {
    "00": _("The payment was successful."),
    "07": _("The money was taken but the transaction is under suspicion (fraud checks)."),
    "09": _("Your card or account is not registered for internet banking."),
    "10": _("Card or account authentication failed more than three times."),
    "11": _("The time allowed for payment has run out."),
    "12": _("Your card or account is locked."),
    "13": _("The one-time password (OTP) was wrong."),
    "24": _("You cancelled the payment."),
    "51": _("Your account does not have enough money."),
    "65": _("Your account has passed its daily limit."),
    "75": _("The bank is under maintenance."),
    "79": _("The payment password was entered wrong too many times."),
    "99": _("The payment did not go through."),
}
