from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SwitchAccountForm(forms.Form):
    to = forms.IntegerField(label=_("Account"), min_value=1)
    section = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
