"""The inbox filter: the query string of /a/<number>/messages/ (from, to, q, urgent=1, unread=1,
unacknowledged=1)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from messages_app.models import MessageQuerySet
from portal.filters import DateRangeForm, OneCheckbox


class InboxFilterForm(DateRangeForm):
    """from, to, q, urgent, unread, unacknowledged: validated, then applied to messages."""

    with_time = True

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

    phrases = {
        "q": _("containing “%(value)s”"),
        "urgent": _("urgent only"),
        "unread": _("unread only"),
        "unacknowledged": _("not acknowledged only"),
    }

    account: Account

    def apply(self, messages: MessageQuerySet, user: User) -> MessageQuerySet:
        """The messages this (valid) filter selects, with each one's read state for `user`."""
        data = self.cleaned_data
        messages = messages.retained().taken_between(self.start, self.end).with_read_state(user)
        if data.get("q"):
            messages = messages.matching(data["q"])
        if data.get("urgent"):
            messages = messages.urgent_only()
        if data.get("unread"):
            messages = messages.filter(is_read=False)
        if data.get("unacknowledged"):
            messages = messages.unacknowledged()
        return messages
