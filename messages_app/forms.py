"""The inbox filter: the query string of /a/<number>/messages/ (portal.md, "messages")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messages_app.models import MessageQuerySet

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class LocalMoment:
    """What the user typed: a wall-clock moment, and whether it was a date alone."""

    value: datetime
    date_only: bool


class LocalMomentField(forms.Field):
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM, read later in the account's time zone."""

    default_error_messages = {
        "invalid": _("Enter a real date as YYYY-MM-DD, or a date and time as YYYY-MM-DDTHH:MM."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": "YYYY-MM-DD", "maxlength": 16, "autocomplete": "off"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> LocalMoment | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return LocalMoment(datetime.strptime(text, DATE_FORMAT), date_only=True)
        except ValueError:
            pass
        for fmt in DATETIME_FORMATS:
            try:
                return LocalMoment(datetime.strptime(text, fmt), date_only=False)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class OneCheckbox(forms.CheckboxInput):
    """A checkbox sent as `name=1` (the contract's urgent=1, unread=1); "0" means off."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"value": "1", **(attrs or {})})

    def value_from_datadict(self, data, files, name) -> bool:
        value = data.get(name)
        return value is not None and str(value).lower() not in ("", "0", "false", "off")


class InboxFilterForm(forms.Form):
    """from, to, q, urgent, unread, unacknowledged: validated, then applied to messages."""

    q = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Subject, caller, any field")}
        ),
    )
    urgent = forms.BooleanField(label=_("Urgent only"), required=False, widget=OneCheckbox)
    unread = forms.BooleanField(label=_("Unread only"), required=False, widget=OneCheckbox)
    unacknowledged = forms.BooleanField(
        label=_("Not acknowledged only"), required=False, widget=OneCheckbox
    )

    def __init__(self, data=None, *, account, **kwargs):
        self.account = account
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        tz = self.account.tzinfo
        start = cleaned.get("from")
        end = cleaned.get("to")
        cleaned["start"] = cleaned["end"] = None
        try:
            if start is not None:
                cleaned["start"] = timezone.make_aware(start.value, tz)
            if end is not None:
                # A date alone includes that whole day; a time includes that minute.
                step = timedelta(days=1) if end.date_only else timedelta(minutes=1)
                cleaned["end"] = timezone.make_aware(end.value + step, tz)
        except OverflowError:
            self.add_error(
                "to" if end is not None else "from",
                LocalMomentField.default_error_messages["invalid"],
            )
            return cleaned
        if cleaned["start"] and cleaned["end"] and cleaned["end"] <= cleaned["start"]:
            self.add_error("to", _("The end must be after the start."))
        return cleaned

    def apply(self, messages: MessageQuerySet, user) -> MessageQuerySet:
        """The messages this (valid) filter selects, with each one's read state for `user`."""
        data = self.cleaned_data
        messages = (
            messages.retained().taken_between(data["start"], data["end"]).with_read_state(user)
        )
        if data.get("q"):
            messages = messages.matching(data["q"])
        if data.get("urgent"):
            messages = messages.urgent_only()
        if data.get("unread"):
            messages = messages.filter(is_read=False)
        if data.get("unacknowledged"):
            messages = messages.unacknowledged()
        return messages

    def describe(self) -> str:
        """The filter as the access log records it (the query-string parameters used)."""
        if not self.is_bound:
            return ""
        names = ("from", "to", "q", "urgent", "unread", "unacknowledged")
        return "&".join(f"{n}={self.data.get(n)}" for n in names if self.data.get(n))


# "from" is a Python keyword: the field is declared by name, first in the form.
InboxFilterForm.base_fields = {
    "from": LocalMomentField(
        label=_("From"), help_text=_("YYYY-MM-DD, or YYYY-MM-DDTHH:MM with a time")
    ),
    "to": LocalMomentField(label=_("To"), help_text=_("A date alone includes that whole day")),
    **InboxFilterForm.base_fields,
}
