from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NotificationPreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("By e-mail"), required=False)
    sms = forms.BooleanField(
        label=_("By SMS"),
        required=False,
        help_text=_("Sent to the mobile phone number in your account."),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_sms(self) -> bool:
        sms = self.cleaned_data["sms"]
        if sms and not self.user.phone:
            raise forms.ValidationError(_("Add a mobile phone number to your account first."))
        return sms
