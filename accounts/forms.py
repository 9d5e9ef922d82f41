from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The portal's date-range field (YYYY-MM-DD or YYYY-MM-DDTHH:MM, read in the account's zone).
from messages_app.forms import LocalMomentField


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


class AccessLogFilterForm(forms.Form):
    """from, to, user, action (portal.md, "access log"): validated, then applied."""

    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("username"), "autocapitalize": "none"}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, data=None, *, account, **kwargs):
        from accounts.access import ACTION_FILTERS
        from accounts.models import AccessEvent

        self.account = account
        super().__init__(data, **kwargs)
        labels = dict(AccessEvent.Action.choices)
        self.fields["action"].choices = [("", _("All actions"))] + [
            (value, labels[value]) for value in ACTION_FILTERS
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["start"], cleaned["end"] = local_range(self, cleaned, self.account.tzinfo)
        return cleaned

    def apply(self, events):
        """The account's events this (valid) filter selects, newest first."""
        from accounts.access import ACTION_FILTERS

        data = self.cleaned_data
        if data["start"]:
            events = events.filter(at__gte=data["start"])
        if data["end"]:
            events = events.filter(at__lt=data["end"])
        if data.get("user"):
            events = events.filter(username=data["user"].strip())
        if data.get("action"):
            events = events.filter(action__in=ACTION_FILTERS[data["action"]])
        return events.order_by("-at", "-pk")

    def describe(self) -> str:
        names = ("from", "to", "user", "action")
        return "&".join(f"{n}={self.data.get(n)}" for n in names if self.data.get(n))


# The date range, as the inbox reads it: YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH:MM,
# in the account's time zone. One field class for both ends, and local_range() below.
AccessLogFilterForm.base_fields = {
    "from": LocalMomentField(
        label=_("From"), help_text=_("YYYY-MM-DD, or YYYY-MM-DDTHH:MM with a time")
    ),
    "to": LocalMomentField(label=_("To"), help_text=_("A date alone includes that whole day")),
    **AccessLogFilterForm.base_fields,
}


def local_range(form: forms.Form, cleaned: dict, tz) -> tuple:
    """The form's from/to as instants [start, end); errors go next to the field."""
    from datetime import timedelta

    from django.utils import timezone

    start_moment, end_moment = cleaned.get("from"), cleaned.get("to")
    start = end = None
    try:
        if start_moment is not None:
            start = timezone.make_aware(start_moment.value, tz)
        if end_moment is not None:
            step = timedelta(days=1) if end_moment.date_only else timedelta(minutes=1)
            end = timezone.make_aware(end_moment.value + step, tz)
    except OverflowError:
        form.add_error(
            "to" if end_moment is not None else "from",
            LocalMomentField.default_error_messages["invalid"],
        )
        return None, None
    if start and end and end <= start:
        form.add_error("to", _("The end must be after the start."))
    return start, end
