"""Forms of the back office: one per dossier action, the bulk assignment, the counter reception.

Every action form carries the dossier version the page showed (`expected_version`, the
compare-and-set guard of the transition service) and a confirmation checkbox, so that nothing
happens on one careless click — without any JavaScript.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from procedures.models import Delivery
from procedures.places import province_choices
from procedures.validators import validate_vn_mobile

from ..models import DossierChannel
from ..workflow.reception import pickup_problems

SUPPLEMENT_ROWS = 3
# What the applicant must bring of a document (form 02's column "Yêu cầu (bản chính, bản chứng thực,
# bản photo)"); the values are those form 02 prints as words (onestop.documents.forms.reception).
REQUIREMENT_LABELS = {
    "original": _("original"),
    "certified_copy": _("certified copy"),
    "copy": _("photocopy"),
}


class ActionForm(forms.Form):
    """Base of the dossier action forms. `service_kwargs()` is what the service receives."""

    action: ClassVar[str]
    title: ClassVar[str | Promise]
    button: ClassVar[str | Promise]
    confirm_label: ClassVar[str | Promise]
    done_message: ClassVar[str | Promise]
    multipart: ClassVar[bool] = False
    # Shown in red: the action closes the dossier or refuses it.
    grave: ClassVar[bool] = False

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, dossier=None, **kwargs) -> None:
        # Several action forms share the dossier page: unique ids, plain field names.
        kwargs.setdefault("auto_id", f"id_{self.action}-%s")
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        if dossier is not None and not self.is_bound:
            self.initial.setdefault("expected_version", dossier.version)
        # Last, so that it is the last thing before the button.
        self.fields["confirm"] = forms.BooleanField(required=True, label=self.confirm_label)
        self.fields["confirm"].error_messages["required"] = _("Tick the box to confirm.")

    def service_kwargs(self) -> dict[str, Any]:
        return {}


def _text(label, *, required=True, rows=3, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReceiveForm(ActionForm):
    action = "receive"
    title = _("Receive the dossier")
    button = _("Receive")
    done_message = _("The dossier has been received. Print the receipt (form 01) for the applicant.")
    confirm_label = _("I confirm that I have checked the dossier and receive it (a receipt, form 01, is issued).")


class RefuseForm(ActionForm):
    action = "refuse"
    title = _("Refuse the dossier")
    button = _("Refuse")
    done_message = _("The dossier has been refused; the applicant is notified (form 03).")
    confirm_label = _("I confirm that the dossier is refused, with the reasons above (form 03).")
    grave = True
    reasons = _text(_("Reasons for refusing"), help_text=_("The applicant reads these reasons in form 03."))

    def service_kwargs(self):
        return {"reasons": self.cleaned_data["reasons"]}


class RequestSupplementForm(ActionForm):
    action = "request_supplement"
    title = _("Ask for a supplement")
    button = _("Send the supplement request")
    done_message = _("The supplement request has been sent (form 02). The clock is paused.")
    confirm_label = _("I confirm the supplement request (form 02); the clock stops until the applicant answers.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        confirm = self.fields.pop("confirm")
        self.fields["reason"] = _text(
            _("Reason"), help_text=_("Guide the applicant once, completely and in writing (Decree 118/2025/NĐ-CP).")
        )
        for row in range(1, SUPPLEMENT_ROWS + 1):
            self.fields[f"item_name_{row}"] = forms.CharField(
                label=_("Document %(number)s") % {"number": row}, required=False, max_length=500
            )
            self.fields[f"item_requirement_{row}"] = forms.ChoiceField(
                label=_("Required as (document %(number)s)") % {"number": row},
                required=False,
                choices=[("", _("not specified")), *REQUIREMENT_LABELS.items()],
                help_text=_("Original, certified copy or photocopy: printed in form 02."),
            )
            self.fields[f"item_detail_{row}"] = forms.CharField(
                label=_("What is needed (document %(number)s)") % {"number": row}, required=False, max_length=1000
            )
        self.fields["confirm"] = confirm

    @property
    def item_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"item_name_{row}"], self[f"item_requirement_{row}"], self[f"item_detail_{row}"])
            for row in range(1, SUPPLEMENT_ROWS + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        for row in range(1, SUPPLEMENT_ROWS + 1):
            if cleaned.get(f"item_detail_{row}") and not cleaned.get(f"item_name_{row}"):
                self.add_error(f"item_name_{row}", _("Name the document this detail is about."))
        if not any(cleaned.get(f"item_name_{row}") for row in range(1, SUPPLEMENT_ROWS + 1)):
            self.add_error("item_name_1", _("List at least one document to supplement."))
        return cleaned

    def service_kwargs(self):
        items = [
            {
                "name": self.cleaned_data[f"item_name_{row}"],
                "requirement": self.cleaned_data.get(f"item_requirement_{row}", ""),
                "detail": self.cleaned_data[f"item_detail_{row}"],
            }
            for row in range(1, SUPPLEMENT_ROWS + 1)
            if self.cleaned_data.get(f"item_name_{row}")
        ]
        return {"items": items, "reason": self.cleaned_data["reason"]}


class ForwardForm(ActionForm):
    action = "forward"
    title = _("Forward to the next step")
    button = _("Forward")
    done_message = _("The dossier has been forwarded to the next step.")
    confirm_label = _("I confirm that my step is done and the dossier goes to the next step.")
    note = _text(_("Note for the next step (optional)"), required=False, rows=2)

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class SendBackForm(ActionForm):
    action = "send_back"
    title = _("Send back to the previous step")
    button = _("Send back")
    done_message = _("The dossier has been sent back to the previous step.")
    confirm_label = _("I confirm that the dossier goes back to the previous step.")
    reason = _text(_("Reason"))

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class AssignForm(ActionForm):
    action = "assign"
    title = _("Assign")
    button = _("Assign")
    done_message = _("The dossier has been assigned.")
    confirm_label = _("I confirm the assignment.")
    assignee = forms.ModelChoiceField(queryset=None, label=_("Assign to"), empty_label=_("Choose an officer"))

    def __init__(self, *args, assignees=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email

    def service_kwargs(self):
        return {"assignee": self.cleaned_data["assignee"]}


class TransferForm(ActionForm):
    action = "transfer"
    title = _("Transfer to another agency")
    button = _("Transfer")
    done_message = _("The dossier has been transferred.")
    confirm_label = _("I confirm the transfer; the dossier keeps its code.")
    to_agency = forms.ModelChoiceField(queryset=None, label=_("Agency"), empty_label=_("Choose an agency"))
    note = _text(_("Note for the other agency"))

    def __init__(self, *args, agencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies
        self.fields["to_agency"].label_from_instance = lambda agency: f"{agency.name} ({agency.code})"

    def service_kwargs(self):
        return {"to_agency": self.cleaned_data["to_agency"], "note": self.cleaned_data["note"]}


class ResolveForm(ActionForm):
    action = "resolve"
    title = _("Approve and attach the result")
    button = _("Approve")
    done_message = _("The result has been approved and is ready to be returned.")
    confirm_label = _("I confirm that the result is approved and ready to be returned.")
    multipart = True
    result_file = forms.FileField(
        label=_("Result (PDF)"), help_text=_("The signed result, or its scan, as a PDF of at most 20 MB.")
    )
    note = _text(_("Note (optional)"), required=False, rows=2)

    def service_kwargs(self):
        return {"result_file": self.cleaned_data["result_file"], "note": self.cleaned_data["note"]}


class RequestPaymentForm(ActionForm):
    action = "request_payment"
    title = _("Request payment")
    button = _("Request payment")
    done_message = _("The applicant has been asked to pay.")
    confirm_label = _("I confirm that the applicant must pay the fees before the dossier goes on.")
    note = _text(_("Note for the applicant (optional)"), required=False, rows=2)

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class ConfirmPaymentForm(ActionForm):
    """The desk collected the fees in cash: the dossier goes back to where it was (national 6 → …)."""

    action = "confirm_payment"
    title = _("Record the payment received at the counter")
    button = _("Record the payment")
    done_message = _("The payment has been recorded; the dossier goes on.")
    confirm_label = _("I confirm that I received the amount below and gave the applicant a receipt.")
    amount = forms.IntegerField(label=_("Amount received (VND)"), min_value=0)
    reference = forms.CharField(label=_("Receipt number"), max_length=60)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.dossier is not None and not self.is_bound:
            from ..fees import dossier_dues

            self.initial.setdefault("amount", dossier_dues(self.dossier).total)

    def service_kwargs(self):
        return {"amount": self.cleaned_data["amount"], "reference": self.cleaned_data["reference"], "method": "cash"}


class ExtendForm(ActionForm):
    action = "extend"
    title = _("Apologise and extend the appointment")
    button = _("Extend")
    done_message = _("The appointment has been extended; the apology (form 04) is recorded.")
    confirm_label = _(
        "I confirm the new appointment and the apology letter (form 04); the date can be extended only once."
    )
    reason = _text(_("Reason for the delay"))
    new_due_at = forms.DateTimeField(
        label=_("New appointment"),
        help_text=_("Date and time, e.g. 2026-12-15 16:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"], "new_due_at": self.cleaned_data["new_due_at"]}


class StopForm(ActionForm):
    action = "stop"
    title = _("Stop processing")
    button = _("Stop processing")
    done_message = _("Processing has been stopped (form 05).")
    confirm_label = _("I confirm that processing stops (form 05). This closes the dossier.")
    grave = True
    reason = _text(_("Reason"))
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=1000, help_text=_("The article and document that allow stopping.")
    )

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"], "legal_basis": self.cleaned_data["legal_basis"]}


RETURN_METHODS = [
    ("counter", _("At the counter")),
    ("online", _("Online (electronic result)")),
    ("post", _("Delivered by public post")),
]


class ReturnResultForm(ActionForm):
    action = "return_result"
    title = _("Return the result")
    button = _("Record the return")
    done_message = _("The return of the result has been recorded.")
    confirm_label = _("I confirm that the result has been handed over.")
    method = forms.ChoiceField(label=_("How"), choices=RETURN_METHODS, widget=forms.RadioSelect)
    recipient_name = forms.CharField(
        label=_("Name of the person collecting it"), required=False, max_length=150, help_text=_("At the counter.")
    )
    recipient_id_number = forms.CharField(
        label=_("Their ID number"), required=False, max_length=12, help_text=_("At the counter: 12-digit CCCD.")
    )

    def __init__(self, *args, methods=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if methods is not None:  # only the ways this officer may return it (the desk, or the post)
            self.fields["method"].choices = [(m, label) for m, label in RETURN_METHODS if m in methods]
        if self.dossier is not None and not self.is_bound:
            offered = [m for m, _label in self.fields["method"].choices]
            wanted = self.dossier.delivery_method or "counter"
            self.initial.setdefault("method", wanted if wanted in offered else (offered[0] if offered else ""))
            if self.dossier.delivery_method == "counter":
                self.initial.setdefault("recipient_name", self.dossier.applicant_name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == "counter":
            if not cleaned.get("recipient_name", "").strip():
                self.add_error("recipient_name", _("Record who collects the result."))
            if not re.fullmatch(r"\d{12}", cleaned.get("recipient_id_number", "").strip()):
                self.add_error("recipient_id_number", _("Enter the 12 digits of their CCCD."))
        return cleaned

    def service_kwargs(self):
        return {
            "method": self.cleaned_data["method"],
            "recipient_name": self.cleaned_data["recipient_name"],
            "recipient_id_number": self.cleaned_data["recipient_id_number"],
        }


# The form of each action the dossier page offers (workflow.registry: `back_office=True`); a test
# keeps the two sets equal.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        ReceiveForm,
        RequestSupplementForm,
        RefuseForm,
        ForwardForm,
        AssignForm,
        SendBackForm,
        TransferForm,
        RequestPaymentForm,
        ConfirmPaymentForm,
        ExtendForm,
        ResolveForm,
        StopForm,
        ReturnResultForm,
    )
}


class BulkAssignForm(forms.Form):
    """Assign several dossiers of the pool at once (the checkboxes of the queue's table)."""

    dossier = forms.TypedMultipleChoiceField(coerce=int, label=_("Dossiers"), error_messages={"required": _(
        "Tick at least one dossier."
    )})  # fmt: skip
    assignee = forms.ModelChoiceField(queryset=None, label=_("Assign to"), empty_label=_("Choose an officer"))
    confirm = forms.BooleanField(label=_("I confirm the assignment of the ticked dossiers."))

    def __init__(self, *args, assignees=None, dossier_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["dossier"].choices = [(pk, pk) for pk in dossier_ids]
        self.fields["confirm"].error_messages["required"] = _("Tick the box to confirm.")


# --------------------------------------------------------------------------------- the counter


class CounterStartForm(forms.Form):
    """Step 1 (GET): where, how, which procedure and who.

    The procedure is searched by name or code among the chosen desk's own procedures (a plain GET
    search, accent-insensitive: procedures.search), and picked from the results; whether the desk
    receives it is checked by the view (counter_views._counter_choice).
    """

    agency = forms.TypedChoiceField(coerce=int, label=_("Receiving desk"))
    channel = forms.TypedChoiceField(coerce=int, label=_("How it was received"), widget=forms.RadioSelect)
    q = forms.CharField(
        label=_("Find the procedure"),
        max_length=100,
        required=False,
        help_text=_("Part of its name or its code, with or without diacritics (e.g. “dang ky ket hon”)."),
    )
    procedure = forms.CharField(label=_("Procedure"), error_messages={"required": _("Choose a procedure.")})
    cccd = forms.CharField(
        label=_("Applicant's CCCD number"),
        max_length=20,
        help_text=_("12 digits. A known applicant's name and contact details are filled in."),
    )

    def __init__(self, *args, agencies, channels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, f"{a.name} ({a.code})") for a in agencies]
        self.fields["channel"].choices = [(c, DossierChannel(c).label) for c in channels]
        if len(channels) == 1:
            self.fields["channel"].initial = channels[0]

    def clean_cccd(self) -> str:
        digits = re.sub(r"\D", "", self.cleaned_data["cccd"])
        if len(digits) != 12:
            raise ValidationError(_("A CCCD number has 12 digits."))
        return digits


class CounterRegisterForm(forms.Form):
    """Step 2 (POST): the applicant, the checklist, the scans, the delivery — then register."""

    agency = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.IntegerField(widget=forms.HiddenInput)
    procedure = forms.CharField(widget=forms.HiddenInput)
    cccd = forms.CharField(label=_("CCCD number"), max_length=20)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=15, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    documents = forms.MultipleChoiceField(
        label=_("Documents handed in"), widget=forms.CheckboxSelectMultiple, required=False
    )
    delivery_method = forms.ChoiceField(label=_("How the result is returned"), widget=forms.RadioSelect)
    # By post (onestop.postal): a complete address as the 2025 two-tier map writes it.
    delivery_street = forms.CharField(label=_("House number, street, hamlet"), max_length=150, required=False)
    delivery_ward = forms.CharField(label=_("Ward or commune"), max_length=80, required=False)
    delivery_province = forms.CharField(label=_("Province or city"), max_length=60, required=False)
    delivery_area = forms.ChoiceField(
        label=_("Ward or commune of the delivery address"),
        required=False,
        help_text=_("The postage depends on it: same ward, same province or elsewhere."),
    )
    delivery_phone = forms.CharField(label=_("Mobile number for the postman"), max_length=15, required=False)
    # Received by post (channel 3): where the post collected the dossier (2025 two-tier map) and when.
    pickup_street = forms.CharField(label=_("House number, street, hamlet"), max_length=150, required=False)
    pickup_ward = forms.CharField(label=_("Ward or commune"), max_length=80, required=False)
    pickup_province = forms.ChoiceField(label=_("Province or city"), required=False)
    collected_at = forms.DateTimeField(
        label=_("Collected by the post at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("As on the postal receipt; not in the future."),
    )  # fmt: skip
    confirm = forms.BooleanField(
        label=_("I confirm that I have checked the documents against the list and register the dossier (form 01).")
    )

    def __init__(self, *args, documents, delivery_methods, channel=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_register-%s")  # the page also shows the step-1 form
        super().__init__(*args, **kwargs)
        self.postal_intake = channel == DossierChannel.POST
        self.fields["pickup_province"].choices = [("", _("Choose the province or city")), *province_choices()]
        self.document_list = documents
        self.fields["documents"].choices = [(d.code, d.name) for d in documents]
        labels = dict(Delivery.choices)
        self.fields["delivery_method"].choices = [(m, labels.get(m, m)) for m in delivery_methods]
        self.offers_post = "post" in delivery_methods
        if self.offers_post:
            from ..fees import delivery_area_choices

            self.fields["delivery_area"].choices = delivery_area_choices()
        self.fields["confirm"].error_messages["required"] = _("Tick the box to confirm.")
        for document in documents:
            self.fields[f"scan-{document.code}"] = forms.FileField(
                label=_("Scan of “%(name)s” (optional)") % {"name": document.name}, required=False
            )

    @property
    def scan_fields(self) -> list[forms.BoundField]:
        return [self[f"scan-{d.code}"] for d in self.document_list]

    def clean_cccd(self) -> str:
        digits = re.sub(r"\D", "", self.cleaned_data["cccd"])
        if len(digits) != 12:
            raise ValidationError(_("A CCCD number has 12 digits."))
        return digits

    def clean(self):
        data = super().clean()
        data["delivery_address"] = ""
        data["delivery_province_code"] = data["delivery_ward_code"] = ""
        if data.get("delivery_method") == "post":
            from ..fees import area_codes

            data["delivery_province_code"], data["delivery_ward_code"] = area_codes(data.get("delivery_area"))
            parts = [(data.get(k) or "").strip() for k in ("delivery_street", "delivery_ward", "delivery_province")]
            for key, part in zip(("delivery_street", "delivery_ward", "delivery_province"), parts, strict=True):
                if not part:
                    self.add_error(key, _("The result goes by post: give the full delivery address."))
            if all(parts):
                data["delivery_address"] = ", ".join(parts)
            phone = (data.get("delivery_phone") or data.get("phone") or "").strip()
            try:
                validate_vn_mobile(phone)
            except ValidationError:
                self.add_error("delivery_phone", _("Enter a mobile number the postman can call."))
        data["pickup_address"] = ""
        if data.get("channel") == DossierChannel.POST:
            keys = ("pickup_street", "pickup_ward", "pickup_province")
            parts = [(data.get(k) or "").strip() for k in keys]
            for key, part in zip(keys, parts, strict=True):
                if not part and key not in self.errors:
                    self.add_error(key, _("Received by post: give the full address where the post collected it."))
            if all(parts):
                data["pickup_address"] = ", ".join(parts)
            if data.get("collected_at") is None and "collected_at" not in self.errors:
                self.add_error("collected_at", _("Received by post: give the time the post collected the dossier."))
            elif data.get("collected_at") is not None:
                problem = pickup_problems(
                    pickup_address=data["pickup_address"] or "-", collected_at=data["collected_at"], now=timezone.now()
                ).get("collected_at")
                if problem:
                    self.add_error("collected_at", problem)
        return data

    def scans(self) -> list[tuple[str, Any]]:
        return [
            (d.code, self.cleaned_data[f"scan-{d.code}"])
            for d in self.document_list
            if self.cleaned_data.get(f"scan-{d.code}")
        ]
