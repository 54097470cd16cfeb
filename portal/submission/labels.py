"""Words for a dossier as a citizen reads it: the timeline (the workflow registry's citizen labels)
and what to do next."""

from django.utils.translation import gettext_lazy as _

from onestop.submission.selectors import dossier_timeline
from onestop.workflow.registry import citizen_label, note_for_applicant


def citizen_events(dossier) -> list[dict]:
    """The public milestones of a dossier, each with its words for the applicant, and the note when
    it was written to them (a refusal's reasons, not an officer's note to the next step)."""
    return [
        {
            "event": e,
            "label": citizen_label(e.action) or e.action,
            "note": note_for_applicant(e),
        }
        for e in dossier_timeline(dossier=dossier, public_only=True)
    ]


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
