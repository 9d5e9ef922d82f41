"""The call log's filter: the query string of /a/<number>/calls/ (from, to, caller, agent,
kind, recording=1)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from calllog.models import Call, CallQuerySet
from portal.filters import DateRangeForm, OneCheckbox


class CallFilterForm(DateRangeForm):
    """The call log's search. Times are the account's local times:

    - `from` a date: from 00:00 that day; a date and time: from that minute.
    - `to` a date: up to the end of that day; a date and time: up to the end of that
      minute (so `to=2026-03-22` and `to=2026-03-22T23:59` mean the same).
    The result never reaches back further than the retention period (60 days).
    """

    caller = forms.CharField(
        label=_("Caller (number or name)"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"inputmode": "search", "autocomplete": "off"}),
    )
    agent = forms.CharField(label=_("Agent"), required=False, max_length=32)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + list(Call.Kind.choices)
    )
    recording = forms.BooleanField(
        label=_("With a recording only"), required=False, widget=OneCheckbox
    )

    with_time = True
    from_label = _("From (date and time)")
    to_label = _("To (date and time)")

    phrases = {
        "caller": _("caller “%(value)s”"),
        "agent": _("agent “%(value)s”"),
        "kind": _("kind: %(value)s"),
        "recording": _("with a recording only"),
    }

    account: Account

    def only_dates(self) -> bool:
        """True when the valid filter selects by time alone (no caller, agent, kind or
        recording): its totals can then come from the daily rollup."""
        data = self.cleaned_data
        return not any(data.get(name) for name in ("caller", "agent", "kind", "recording"))

    def filter(self, calls: CallQuerySet) -> CallQuerySet:
        """The valid filter applied to an account's retained calls."""
        data = self.cleaned_data
        calls = calls.started_between(self.start, self.end)
        if data.get("caller"):
            calls = calls.from_caller(data["caller"])
        if data.get("agent"):
            calls = calls.by_agent(data["agent"])
        if data.get("kind"):
            calls = calls.of_kind(data["kind"])
        if data.get("recording"):
            calls = calls.with_recording()
        return calls
