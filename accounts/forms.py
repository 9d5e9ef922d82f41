from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.access import ACTION_FILTERS
from accounts.models import AccessEvent, Account
from portal.filters import DateRangeForm


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


class SecondStepForm(forms.Form):
    """The sign-in's second step: a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ConfirmDeviceForm(forms.Form):
    """Setting up the app: one code proves it holds the secret."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        help_text=_("The 6 digits the app shows for this portal."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordCheckForm(forms.Form):
    """A sensitive change asks for the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password


class TurnOffTwoFactorForm(PasswordCheckForm):
    """Turning two-factor sign-in off: the password and a code (or a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("From your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )


class AccountSecurityForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor sign-in for everyone on this account"),
        required=False,
        help_text=_(
            "Each user of the account then signs in with a password and a code from an "
            "authenticator app. Those who have not set it up are taken to do so before they "
            "can open any page."
        ),
    )


class AccessLogFilterForm(DateRangeForm):
    """from, to, user, action: validated, then applied to the account's access log."""

    with_time = True

    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("username"), "autocapitalize": "none"}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)

    phrases = {"user": _("user “%(value)s”"), "action": _("action: %(value)s")}

    def __init__(
        self, data: QueryDict | dict[str, Any] | None = None, *, account: Account, **kwargs: Any
    ) -> None:
        super().__init__(data, account=account, **kwargs)
        labels = dict(AccessEvent.Action.choices)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("All actions"))] + [
            (value, labels[value]) for value in ACTION_FILTERS
        ]

    def apply(self, events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
        """The account's events this (valid) filter selects, newest first."""
        data = self.cleaned_data
        if self.start is not None:
            events = events.filter(at__gte=self.start)
        if self.end is not None:
            events = events.filter(at__lt=self.end)
        if data.get("user"):
            events = events.filter(username=data["user"].strip())
        if data.get("action"):
            events = events.filter(action__in=ACTION_FILTERS[data["action"]])
        return events.order_by("-at", "-pk")
