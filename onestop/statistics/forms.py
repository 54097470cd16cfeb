"""The period selector: a month, a quarter, a year or a custom range (GET parameters in Vietnamese)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from . import periods

KINDS = [
    ("thang", _("Month")),
    ("quy", _("Quarter")),
    ("nam", _("Year")),
    ("tuy-chon", _("Custom range")),
]
MAX_DAYS = 3 * 366  # a custom range of at most three years


class PeriodForm(forms.Form):
    ky = forms.ChoiceField(label=_("Period"), choices=KINDS, required=False)
    nam = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    thang = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, m) for m in range(1, 13)], coerce=int, required=False, empty_value=None
    )
    quy = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(q, q) for q in range(1, 5)], coerce=int, required=False, empty_value=None
    )
    tu = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    den = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if data.get("ky") == "tuy-chon":
            first, last = data.get("tu"), data.get("den")
            if not first or not last:
                raise forms.ValidationError(_("Give both dates of the custom range."))
            if abs((last - first).days) > MAX_DAYS:
                raise forms.ValidationError(_("A custom range covers at most three years."))
        return data

    def period(self) -> periods.Period:
        """The chosen period (the current month when nothing valid was chosen)."""
        today = self.today
        if not self.is_bound or not self.is_valid():
            return periods.month(today.year, today.month)
        data = self.cleaned_data
        year = data.get("nam") or today.year
        kind = data.get("ky") or "thang"
        if kind == "nam":
            return periods.year(year)
        if kind == "quy":
            return periods.quarter(year, data.get("quy") or (today.month - 1) // 3 + 1)
        if kind == "tuy-chon":
            return periods.custom(data["tu"], data["den"])
        return periods.month(year, data.get("thang") or today.month)


def period_query(period: periods.Period) -> dict[str, str]:
    """The GET parameters that choose `period` again (links to exports, the report, other months)."""
    if period.kind == "year":
        return {"ky": "nam", "nam": str(period.start.year)}
    if period.kind == "quarter":
        return {"ky": "quy", "nam": str(period.start.year), "quy": str((period.start.month - 1) // 3 + 1)}
    if period.kind == "custom":
        return {"ky": "tuy-chon", "tu": period.start.isoformat(), "den": period.last.isoformat()}
    return {"ky": "thang", "nam": str(period.start.year), "thang": str(period.start.month)}
