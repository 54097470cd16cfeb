"""Forms of the evaluation: the twelve criteria (radio groups) and a comment; the counter's source;
the agency's answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import COUNTER_SOURCES, CRITERIA, SatisfactionEvaluation
from .services import COMMENT_MAX, REPLY_MAX


class EvaluationForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment or suggestion (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The agency may answer it; you will see the answer on the dossier page."),
    )

    def __init__(self, *args, evaluation: SatisfactionEvaluation | None = None, **kwargs):
        if evaluation is not None:
            kwargs.setdefault(
                "initial", {**{c.key: getattr(evaluation, c.key) for c in CRITERIA}, "comment": evaluation.comment}
            )
        super().__init__(*args, **kwargs)
        criteria = {
            c.key: forms.ChoiceField(
                label=c.question,
                choices=c.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer.")},
            )
            for c in CRITERIA
        }
        self.fields = {**criteria, **self.fields}

    def criteria_fields(self):
        return [self[c.key] for c in CRITERIA]

    def answers(self) -> dict[str, str]:
        return {c.key: self.cleaned_data[c.key] for c in CRITERIA}


class CounterEvaluationForm(EvaluationForm):
    source = forms.ChoiceField(
        label=_("Where the applicant gave the evaluation"),
        choices=[(s.value, s.label) for s in COUNTER_SOURCES],
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    reply = forms.CharField(
        label=_("Answer to the applicant"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
