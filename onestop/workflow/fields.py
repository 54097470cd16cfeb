"""The procedure's online form, built from its field definitions (no code per procedure).

The same form validates in the wizard and again at submission (the service), so a rule lives once.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

YES, NO = "yes", "no"

_id_number = RegexValidator(
    r"^(\d{9}|\d{12})$", _("Enter a citizen ID (12 digits) or an old identity card number (9 digits).")
)


def _field(definition: dict[str, Any]) -> forms.Field:
    kind = definition.get("kind", "text")
    rules = definition.get("validation") or {}
    common = {
        "label": definition["label"],
        "required": bool(definition.get("required")),
        "help_text": definition.get("help_text", ""),
    }
    if kind == "textarea":
        field = forms.CharField(
            max_length=rules.get("max_length", 4000), widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    elif kind == "number":
        field = forms.DecimalField(min_value=rules.get("min"), max_value=rules.get("max"), **common)
    elif kind == "date":
        field = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d", "%d/%m/%Y"], **common
        )
    elif kind == "choice":
        choices = [("", "—")] + [(c, c) for c in definition.get("choices", [])]
        field = forms.ChoiceField(choices=choices, **common)
    elif kind == "boolean":
        field = forms.ChoiceField(choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common)
    elif kind == "id_number":
        field = forms.CharField(
            max_length=12, validators=[_id_number], widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
        )
    else:  # text, address
        field = forms.CharField(max_length=rules.get("max_length", 500), **common)
    if rules.get("regex") and isinstance(field, forms.CharField):
        field.validators.append(RegexValidator(rules["regex"], _("This value does not have the expected format.")))
    return field


def application_form_class(definitions: list[dict[str, Any]]) -> type[forms.Form]:
    fields = {d["key"]: _field(d) for d in definitions}
    return type("ApplicationForm", (forms.Form,), fields)


def to_json(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Form values as JSON (dates ISO, numbers as strings)."""
    out = {}
    for key, value in cleaned.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        out[key] = value
    return out


def display_value(definition: dict[str, Any], value: Any) -> str:
    """How a stored answer reads on the review page, the dossier page and paper."""
    if value in (None, ""):
        return ""
    if definition.get("kind") == "boolean":
        return str(_("Yes")) if value == YES else str(_("No"))
    if definition.get("kind") == "date" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)
