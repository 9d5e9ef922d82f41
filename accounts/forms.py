from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
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


class QueuedPasswordResetForm(PasswordResetForm):
    """The password-reset form: the look-up and the e-mail are left to the worker."""

    def save(self, *, request=None, use_https: bool = False, domain_override=None, **kwargs):
        from accounts.tasks import send_password_reset

        send_password_reset.enqueue(
            email=self.cleaned_data["email"],
            domain=domain_override or request.get_host(),
            use_https=use_https,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
