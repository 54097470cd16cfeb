from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onestop.fees import area_codes, delivery_area_choices
from onestop.models import ApplicantKind, Dossier
from procedures.models import Delivery
from procedures.validators import normalize_cccd, normalize_phone, validate_cccd, validate_vn_mobile


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "applicant_kind",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "organisation_name",
            "organisation_tax_code",
        ]
        widgets = {"applicant_kind": forms.RadioSelect}
        labels = {
            "applicant_kind": _("Who is this application for?"),
            "applicant_name": _("Full name of the applicant"),
            "applicant_id_number": _("Citizen ID (CCCD) number"),
            "applicant_phone": _("Mobile phone"),
            "applicant_email": _("Email"),
            "applicant_address": _("Address"),
            "organisation_name": _("Organisation or business name"),
            "organisation_tax_code": _("Tax code"),
        }
        help_texts = {
            "organisation_tax_code": _("10 digits, or 10 digits and a 3-digit branch number (0123456789-001)."),
            "applicant_phone": _("We send messages about this dossier to this number."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("applicant_name", "applicant_id_number", "applicant_phone", "applicant_address"):
            self.fields[name].required = True
        self.fields["applicant_kind"].choices = ApplicantKind.choices

    def clean_applicant_id_number(self) -> str:
        value = normalize_cccd(self.cleaned_data["applicant_id_number"])
        validate_cccd(value)
        return value

    def clean_applicant_phone(self) -> str:
        value = self.cleaned_data["applicant_phone"]
        validate_vn_mobile(value)
        return normalize_phone(value)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("applicant_kind") == ApplicantKind.ORGANISATION:
            if not (cleaned.get("organisation_name") or "").strip():
                self.add_error("organisation_name", _("Enter the organisation's name."))
            if not re.fullmatch(r"\d{10}(-\d{3})?", cleaned.get("organisation_tax_code") or ""):
                self.add_error("organisation_tax_code", _("Enter the organisation's tax code (10 digits, or 10-3)."))
        else:
            cleaned["organisation_name"] = ""
            cleaned["organisation_tax_code"] = ""
        return cleaned


class DeliveryForm(forms.Form):
    delivery_method = forms.ChoiceField(label=_("How do you want to receive the result?"), widget=forms.RadioSelect)
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    delivery_area = forms.ChoiceField(
        label=_("Ward or commune of the delivery address"),
        required=False,
        help_text=_("The postage depends on it: same ward, same province or elsewhere."),
    )
    delivery_phone = forms.CharField(label=_("Phone for the postman"), max_length=15, required=False)

    def __init__(self, *args, allowed: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Delivery.choices)
        self.fields["delivery_method"].choices = [(m, labels.get(m, m)) for m in allowed]
        if Delivery.POST in allowed:
            self.fields["delivery_area"].choices = delivery_area_choices()
        else:
            del self.fields["delivery_area"]

    def dossier_values(self) -> dict:
        """The cleaned values as the dossier stores them (the area as its two codes)."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "delivery_area"}
        province, ward = area_codes(self.cleaned_data.get("delivery_area"))
        if values.get("delivery_method") != Delivery.POST:
            province = ward = ""
        values.update(delivery_province_code=province, delivery_ward_code=ward)
        return values

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("delivery_method") == Delivery.POST:
            if not (cleaned.get("delivery_address") or "").strip():
                self.add_error("delivery_address", _("Enter the address the result should be delivered to."))
            phone = cleaned.get("delivery_phone") or ""
            try:
                validate_vn_mobile(phone)
                cleaned["delivery_phone"] = normalize_phone(phone)
            except ValidationError as exc:
                self.add_error("delivery_phone", exc)
        return cleaned


class ReviewForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information and documents in this dossier are true, and I take responsibility "
            "for them before the law."
        ),
        required=True,
        error_messages={"required": _("Tick the declaration to confirm that the information is true.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    verifier = forms.CharField(
        label=_("Applicant's phone number, or the last 4 digits of the ID number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
