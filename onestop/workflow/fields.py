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
        field = forms.DecimalField(
            min_value=rules.get("min"),
            max_value=rules.get("max"),
            error_messages={"invalid": _("Enter a number using digits only (e.g. 1500000).")},
            **common,
        )
    elif kind == "date":
        field = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            error_messages={"invalid": _("Enter the date as dd/mm/yyyy (e.g. 25/12/1990).")},
            **common,
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
        field.validators.append(RegexValidator(rules["regex"], format_message(rules, definition.get("help_text", ""))))
    return field


# What a pattern of the catalogue asks for, in words: an error names the expected format instead of
# "the expected format". A record may say it itself: KIEMTRA {"regex": …, "message": "…"}.
PATTERN_MESSAGES = {
    r"^\d{12}$": _("Enter 12 digits (e.g. 074090001234)."),
    r"^\d{9}$": _("Enter 9 digits."),
    r"^\d{10}$": _("Enter 10 digits."),
    r"^0\d{9}$": _("Enter a phone number of 10 digits starting with 0 (e.g. 0912345678)."),
    r"^\d{10}(-\d{3})?$": _("Enter the tax code: 10 digits, or 10 digits, a dash and 3 digits (0123456789-001)."),
    r"^(\d{12}|\d{10}(-\d{3})?)$": _(
        "Enter a citizen ID number (12 digits) or a tax code (10 digits, or 10 digits, a dash and 3 digits)."
    ),
    r"^\d{6,19}$": _("Enter the account number: 6 to 19 digits, without spaces."),
    r"^\d{4}.*$": _("Start with the 4-digit industry code (e.g. 4711 - Bán lẻ lương thực)."),
    r"^[A-Z0-9]{6,12}$": _("Enter the passport number: 6 to 12 capital letters or digits, without spaces."),
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": _("Enter an e-mail address such as ten@example.vn."),
}


def format_message(rules: dict[str, Any], hint: str = "") -> str:
    """The error for a value that does not match rules["regex"], naming the expected format."""
    if rules.get("message"):
        return str(rules["message"])
    known = PATTERN_MESSAGES.get(rules["regex"])
    if known is not None:
        return known
    if hint:
        return _("Write it as the hint says: %(hint)s") % {"hint": hint}
    return _("This value is not written as the agency asks; check each character (digits, letters, spaces).")


def application_form_class(
    definitions: list[dict[str, Any]], *, leave_out: frozenset | set = frozenset()
) -> type[forms.Form]:
    """The form of `definitions`, without the keys in `leave_out` (the wizard leaves out what the
    applicant step already asked: APPLICANT_KEYS)."""
    fields = {d["key"]: _field(d) for d in definitions if d["key"] not in leave_out}
    return type("ApplicationForm", (forms.Form,), fields)


# Form fields that repeat the applicant's own details, which the wizard's first step already asks
# (the national forms print the requester's name and ID number again): their answers are copied from
# the dossier — never asked twice, and never different from the applicant step.
APPLICANT_KEYS = {
    "ho_ten": "applicant_name",
    "so_dinh_danh": "applicant_id_number",
    "so_dien_thoai": "applicant_phone",
    "email": "applicant_email",
}


def applicant_answers(definitions: list[dict[str, Any]], dossier) -> dict[str, str]:
    """The answers of the form fields in APPLICANT_KEYS that the applicant step gave (a detail left
    empty there, such as an optional e-mail, is asked in the form as usual)."""
    answers = {}
    for definition in definitions:
        attribute = APPLICANT_KEYS.get(definition["key"])
        value = getattr(dossier, attribute, "") if attribute else ""
        if value:
            answers[definition["key"]] = value
    return answers


def label_prefix(label: Any) -> str:
    """A label as the start of "label: message" — without its own closing punctuation (a long
    declaration ends with a full stop, which would read "…pháp luật.: …")."""
    return str(label).rstrip().rstrip(".:;,!?…").rstrip()


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
