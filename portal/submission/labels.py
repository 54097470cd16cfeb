"""Words for dossier events as a citizen reads them on the timeline."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "submit": _("Submitted online"),
    "receive": _("Received by the one-stop office"),
    "register": _("Registered at the counter"),
    "refuse": _("Not accepted"),
    "request_supplement": _("Supplement requested"),
    "supplement": _("Supplement sent"),
    "forward": _("Being processed"),
    "transfer": _("Transferred to another agency"),
    "request_payment": _("Payment requested"),
    "confirm_payment": _("Payment confirmed"),
    "extend": _("Processing time extended, with an apology"),
    "stop": _("Processing stopped"),
    "resolve": _("Result ready"),
    "return_result": _("Result returned"),
    "withdraw": _("Withdrawn"),
}

NEXT_STEP = {
    "draft": _("Finish and submit your application."),
    "submitted": _("Wait for the one-stop office to check your dossier (within 8 working hours)."),
    "received": _("Your dossier is accepted; wait for the result by the appointment date."),
    "processing": _("Your dossier is being processed; wait for the result by the appointment date."),
    "supplement_requested": _("Send the documents the officer asked for."),
    "awaiting_payment": _("Pay the fees to continue."),
    "resolved": _("Your result is ready."),
    "returned": _("Done."),
    "rejected": _("See the reasons; you may apply again."),
    "withdrawn": _("You withdrew this dossier."),
    "stopped": _("Processing was stopped; see the notice."),
}
