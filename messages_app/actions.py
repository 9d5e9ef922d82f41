"""Workflows on messages: writing them (the API and the demo seed), reading, purging."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from messages_app.models import Message, MessageEvent, MessageRead
from portal.retention import delete_in_batches
from portal.upsert import Outcome, upsert
from webhooks.models import EventType
from webhooks.outbox import emit, message_acknowledged_data

# The `detail` of the acknowledged events the portal itself adds to a history.
PORTAL_DETAIL = "portal"


@dataclass(frozen=True)
class EventData:
    at: datetime
    kind: str
    target: str = ""
    detail: str = ""


@dataclass(frozen=True)
class MessageData:
    taken_at: datetime
    taken_by: str = ""
    subject: str = ""
    caller_name: str = ""
    caller_number: str = ""
    urgent: bool = False
    fields: tuple[tuple[str, str], ...] = ()
    events: tuple[EventData, ...] = ()


def add_events(message: Message, events: Iterable) -> int:
    """Add the events not stored yet (equal = same fingerprint); none is ever removed.

    Call it with the message row locked (write_message and the API do), so two requests
    adding the same event cannot both insert it. Returns how many were added.
    """
    new: dict[str, MessageEvent] = {}
    for event in events:
        fingerprint = MessageEvent.make_fingerprint(
            event.at, event.kind, event.target, event.detail
        )
        if fingerprint not in new:
            new[fingerprint] = MessageEvent(
                account_id=message.account_id,
                message=message,
                at=event.at,
                kind=event.kind,
                target=event.target,
                detail=event.detail,
                fingerprint=fingerprint,
            )
    if not new:
        return 0
    stored = set(
        message.events.filter(fingerprint__in=list(new)).values_list("fingerprint", flat=True)
    )
    to_add = [event for fingerprint, event in new.items() if fingerprint not in stored]
    MessageEvent.objects.bulk_create(to_add)
    _acknowledged_by_the_platform(message, to_add)
    return len(to_add)


def _acknowledged_by_the_platform(message: Message, added: list[MessageEvent]) -> None:
    """An "acknowledged" event from the platform acknowledges the message, if nobody had."""
    acks = sorted(
        (event for event in added if event.kind == MessageEvent.Kind.ACKNOWLEDGED),
        key=lambda event: event.at,
    )
    if acks and message.acknowledged_at is None:
        first = acks[0]
        by = first.target or first.detail[:254]
        Message.objects.filter(pk=message.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=first.at, acknowledged_by=by
        )
        message.acknowledged_at, message.acknowledged_by = first.at, by


def acknowledge(message: Message, user, *, now: datetime | None = None) -> bool:
    """A client user says "got it": once per message, whoever asks and however often.

    The conditional UPDATE is the lock: of many acknowledgements at once, the first one
    to commit sets the fields and the others find them set and change nothing. The
    winner adds the "acknowledged" event to the history and writes the platform's
    `message.acknowledged` event, all in one transaction. Returns whether this call
    acknowledged the message (False: it already was).
    """
    now = now or timezone.now()
    name = user.display_name()[:254]
    with transaction.atomic():
        won = Message.objects.filter(pk=message.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=name, acknowledged_by_user=user
        )
        if not won:
            message.refresh_from_db(
                fields=["acknowledged_at", "acknowledged_by", "acknowledged_by_user"]
            )
            return False
        message.acknowledged_at, message.acknowledged_by = now, name
        message.acknowledged_by_user = user
        MessageEvent.objects.create(
            account_id=message.account_id,
            message=message,
            at=now,
            kind=MessageEvent.Kind.ACKNOWLEDGED,
            target=name,
            detail=PORTAL_DETAIL,
        )
        emit(message.account, EventType.MESSAGE_ACKNOWLEDGED, message_acknowledged_data(message))
    return True


def write_message(account: Account, external_id: str, data) -> tuple[Message, Outcome, int]:
    """Create or replace a message's fields and merge its events (API PUT and demo seed).

    `data` has the API body's attributes (MessageIn or MessageData). Returns the message,
    what happened to it, and how many events were added; a message whose fields did not
    change but that gained events is reported as replaced.
    """
    fields = [{"label": _text(f, "label"), "value": _text(f, "value")} for f in data.fields]
    values = {
        "taken_at": data.taken_at,
        "taken_by": data.taken_by,
        "subject": data.subject,
        "caller_name": data.caller_name,
        "caller_number": data.caller_number,
        "urgent": data.urgent,
        "fields": fields,
    }
    with transaction.atomic():
        # upsert locks the row (select_for_update) until this transaction ends.
        message, outcome = upsert(Message, {"account": account, "external_id": external_id}, values)
        added = add_events(message, data.events)
    if added and outcome is Outcome.UNCHANGED:
        outcome = Outcome.REPLACED
    return message, outcome, added


def append_events(message: Message, events: Iterable) -> int:
    """POST .../events: lock the message, add what is new."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        return add_events(locked, events)


def _text(field, name: str) -> str:
    if isinstance(field, dict):
        return str(field.get(name, ""))
    if isinstance(field, tuple):
        return field[0 if name == "label" else 1]
    return getattr(field, name)


def mark_read(message: Message, user) -> None:
    try:
        with transaction.atomic():
            MessageRead.objects.get_or_create(
                message=message, user=user, defaults={"account_id": message.account_id}
            )
    except IntegrityError:
        pass  # opened twice at once: it is read either way


def mark_unread(message: Message, user) -> None:
    MessageRead.objects.filter(message=message, user=user).delete()


def purge_messages(cutoff: datetime, batch_size: int) -> int:
    """Delete messages taken before `cutoff`, with their events and read marks.

    In batches, each in its own short transaction, so the portal keeps serving; a row
    that cannot be deleted is skipped with a log line (portal.retention).
    """

    def delete(pks: list[int]) -> None:
        MessageEvent.objects.filter(message_id__in=pks).delete()
        MessageRead.objects.filter(message_id__in=pks).delete()
        Message.objects.filter(pk__in=pks).delete()

    return delete_in_batches(
        Message.objects.filter(taken_at__lt=cutoff), delete, batch_size, what="messages"
    )
