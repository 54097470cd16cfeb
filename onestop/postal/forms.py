"""The postal clerk's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ShipmentState

S = ShipmentState
OUTCOMES = [
    (S.OUT_FOR_DELIVERY, _("Out for delivery")),
    (S.DELIVERED, _("Delivered")),
    (S.FAILED, _("Delivery failed")),
]


class ShipmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Item number, dossier code, name or phone"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *list(S.choices)])


class ScanForm(forms.Form):
    item = forms.CharField(label=_("Scan or type an item number"), required=False, max_length=40)
    items = forms.CharField(
        label=_("Or paste many, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def item_numbers(self) -> list[str]:
        lines = [self.cleaned_data.get("item", ""), *self.cleaned_data.get("items", "").splitlines()]
        return [line for line in (x.strip() for x in lines) if line]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES, widget=forms.RadioSelect)
    at = forms.DateTimeField(
        label=_("When"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )  # fmt: skip
    delivered_to = forms.CharField(label=_("Received by (full name)"), required=False, max_length=150)
    relation = forms.CharField(
        label=_("Relation to the applicant"), required=False, max_length=60, help_text=_("e.g. self, spouse, child")
    )
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=500)

    def __init__(self, *args, allowed: frozenset[str] | None = None, **kwargs):
        """`allowed`: the states the item may move to now (services.NEXT); only those are offered."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["outcome"].choices = [(value, label) for value, label in OUTCOMES if value in allowed]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == S.DELIVERED and not (data.get("delivered_to") or "").strip():
            self.add_error("delivered_to", _("Record who received the item."))
        if data.get("outcome") == S.FAILED and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason the delivery failed."))
        return data
