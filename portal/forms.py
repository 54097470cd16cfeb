from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procedures.validators import normalize_cccd, normalize_phone, validate_cccd_matches_birth_date

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "cccd", "date_of_birth", "phone", "address"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cccd": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 14}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
        help_texts = {
            "cccd": _("12 digits, as printed on your citizen ID card."),
            "phone": _("Vietnamese mobile number, e.g. 0912345678."),
        }
        # Say which format, not only that it is wrong (issue #15).
        error_messages = {"date_of_birth": {"invalid": _("Enter the date as dd/mm/yyyy (e.g. 25/12/1990).")}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        if self.instance.cccd_proven:
            # Proven by VNeID or at the counter: it is the person's, not a setting.
            self.fields["cccd"].disabled = True
            self.fields["cccd"].help_text = _("Proven; it can no longer be changed here.")

    def clean_cccd(self) -> str | None:
        # Declaring a number reveals nothing about other accounts: it binds nothing until proven.
        value = normalize_cccd(self.cleaned_data.get("cccd") or "")
        return value or None

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def clean(self):
        cleaned = super().clean()
        cccd, dob = cleaned.get("cccd"), cleaned.get("date_of_birth")
        if cccd and dob:
            try:
                validate_cccd_matches_birth_date(cccd, dob)
            except ValidationError as exc:
                self.add_error("cccd", exc)
        return cleaned
