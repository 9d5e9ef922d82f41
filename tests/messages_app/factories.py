"""Messages for tests, written through write_message as the API and the demo do."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from messages_app.actions import EventData, MessageData, write_message
from messages_app.models import Message

_ids = count(1000)


def make_message(
    account,
    *,
    subject: str = "Fuite d'eau",
    taken_at: datetime | None = None,
    ago: timedelta = timedelta(hours=1),
    urgent: bool = False,
    fields: tuple = (("Prénom", "Jean"), ("Problème", "Fuite sous l'évier")),
    caller_name: str = "Jean Tremblay",
    caller_number: str = "(514) 555-0101",
    events: tuple = (),
    external_id: str | None = None,
) -> Message:
    taken_at = taken_at or timezone.now() - ago
    data = MessageData(
        taken_at=taken_at,
        taken_by="A07",
        subject=subject,
        caller_name=caller_name,
        caller_number=caller_number,
        urgent=urgent,
        fields=fields,
        events=events
        or (
            EventData(taken_at, "taken"),
            EventData(taken_at + timedelta(seconds=30), "email_initiated", "info@compagnie.ca"),
        ),
    )
    message, _outcome, _added = write_message(account, external_id or str(next(_ids)), data)
    return message
