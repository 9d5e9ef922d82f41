"""A transaction's details (the JSON the platform sends with a dispatch or an e-mail case)
in the reader's words: the keys and values we know are translated, any other key is made
readable ("mailbox_full" -> "Mailbox full") and any other value is shown as sent."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.words import humanize_key

# What the platform sends with a dispatch or an e-mail case (docs/api.md, "A call's details").
KEYS = {
    "type": _("Type"),
    "channel": _("Channel"),
    "to": pgettext_lazy("a dispatch's recipient", "To"),
    "recipient": pgettext_lazy("a dispatch's recipient", "To"),
    "from": pgettext_lazy("a dispatch's sender", "From"),
    "cc": _("Copy to"),
    "subject": _("Subject"),
    "status": _("Status"),
    "reason": _("Reason"),
    "error": _("Error"),
    "attempts": _("Attempts"),
    "sent_at": _("Sent at"),
    "delivered_at": _("Delivered at"),
    "message": _("Message"),
    "message_id": _("Message ID"),
    "contact": _("Contact"),
    "number": _("Number"),
    "email": _("E-mail"),
    "result": _("Result"),
    "note": _("Note"),
    "notes": _("Notes"),
}

VALUES = {
    "email": _("E-mail"),
    "e-mail": _("E-mail"),
    "sms": _("Text message"),
    "text": _("Text message"),
    "fax": _("Fax"),
    "voice": _("Voice call"),
    "phone": _("Phone call"),
    "pager": _("Pager"),
    "delivered": pgettext_lazy("a dispatch's status", "Delivered"),
    "sent": pgettext_lazy("a dispatch's status", "Sent"),
    "queued": pgettext_lazy("a dispatch's status", "Waiting to be sent"),
    "pending": pgettext_lazy("a dispatch's status", "Waiting to be sent"),
    "failed": pgettext_lazy("a dispatch's status", "Failed"),
    "bounced": pgettext_lazy("a dispatch's status", "Returned"),
    "read": pgettext_lazy("a dispatch's status", "Read"),
    "answered": pgettext_lazy("a dispatch's status", "Answered"),
    "no answer": pgettext_lazy("a dispatch's status", "No answer"),
    "no_answer": pgettext_lazy("a dispatch's status", "No answer"),
    "busy": pgettext_lazy("a dispatch's status", "Busy"),
    "mailbox full": _("Mailbox full"),
    "mailbox_full": _("Mailbox full"),
    "invalid address": _("Invalid address"),
    "invalid_address": _("Invalid address"),
    "true": _("Yes"),
    "false": _("No"),
}


def key_label(key: Any) -> str:
    text = str(key)
    known = KEYS.get(text.strip().lower())
    return str(known) if known is not None else humanize_key(text)


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value)
    known = VALUES.get(text.strip().lower())
    return str(known) if known is not None else text


def detail_items(details: Any) -> list[tuple[str, str]]:
    """The details as (term, description) pairs, nested objects flattened "Term · term"."""
    if not isinstance(details, dict):
        return [("", str(details))] if details else []
    items: list[tuple[str, str]] = []
    for key, value in details.items():
        label = key_label(key)
        if isinstance(value, dict):
            items += [(f"{label} · {term}", text) for term, text in detail_items(value)]
        elif isinstance(value, list):
            items.append((label, ", ".join(value_text(v) for v in value)))
        else:
            items.append((label, value_text(value)))
    return items
