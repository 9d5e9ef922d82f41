"""Workflows on messages: writing them (the API and the demo seed), reading, purging."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from messages_app.models import Message, MessageEvent, MessageRead
from portal.retention import delete_in_batches
from portal.upsert import (
    ExternalKey,
    Outcome,
    insert_ignoring_conflicts,
    insert_new,
    lock_by_external_id,
    plan_writes,
    update_rows,
)
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


def _acknowledged_by_the_platform(message: Message, added: Sequence[Any]) -> None:
    """An "acknowledged" event from the platform acknowledges the message, if nobody had."""
    if _acknowledge_in_memory(message, added):
        Message.objects.filter(pk=message.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=message.acknowledged_at, acknowledged_by=message.acknowledged_by
        )


def _acknowledge_in_memory(message: Message, added: Sequence[Any]) -> bool:
    """The rule: the earliest "acknowledged" event among those just added (EventIn,
    EventData or MessageEvent) acknowledges the message if nobody had (its target names
    who, else its detail). Sets the fields on `message` and returns whether it did; the
    caller writes them."""
    acks = sorted(
        (event for event in added if event.kind == MessageEvent.Kind.ACKNOWLEDGED),
        key=lambda event: event.at,
    )
    if not acks or message.acknowledged_at is not None:
        return False
    first = acks[0]
    message.acknowledged_at, message.acknowledged_by = first.at, first.target or first.detail[:254]
    return True


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


# The message's own fields, which a PUT replaces (its events are merged, never replaced).
MESSAGE_VALUES = (
    "taken_at",
    "taken_by",
    "subject",
    "caller_name",
    "caller_number",
    "urgent",
    "fields",
)


def message_values(data) -> dict[str, Any]:
    """The fields a PUT writes, from the API body (MessageIn) or a MessageData."""
    return {
        "taken_at": data.taken_at,
        "taken_by": data.taken_by,
        "subject": data.subject,
        "caller_name": data.caller_name,
        "caller_number": data.caller_number,
        "urgent": data.urgent,
        "fields": [{"label": _text(f, "label"), "value": _text(f, "value")} for f in data.fields],
    }


def write_message(account: Account, external_id: str, data) -> tuple[Message, Outcome, int]:
    """Create or replace a message's fields and merge its events (API PUT and demo seed).

    `data` has the API body's attributes (MessageIn or MessageData). Returns the message,
    what happened to it, and how many events were added; a message whose fields did not
    change but that gained events is reported as replaced.
    """
    return write_messages([(account, external_id, data)])[0]


def write_messages(
    writes: Sequence[tuple[Account, str, Any]],
) -> list[tuple[Message, Outcome, int]]:
    """write_message for many messages at once, in a few statements whatever their number
    (a batch of the API): the same rows, events, outcomes and counts as calling
    write_message for each in order, in one transaction.

    1. the stored messages of all the keys, locked, in one query;
    2. what each write does (created, replaced, unchanged), worked out in order in memory
       (portal.upsert.plan_writes): a key written twice sees its first write;
    3. the new messages inserted in one statement (a key another request creates at the
       same moment is then locked and treated as stored, as upsert does);
    4. every event not yet in its message's history inserted in one statement, which
       answers those it added (INSERT ... ON CONFLICT DO NOTHING RETURNING);
    5. the changed messages, and the acknowledgements the platform's events give
       (_acknowledged_by_the_platform's rule, write after write), updated in one statement.
    """
    keyed = [
        ((account.pk, external_id), message_values(data)) for account, external_id, data in writes
    ]
    accounts = {account.pk: account for account, _external_id, _data in writes}
    with transaction.atomic(savepoint=False):
        rows = lock_by_external_id(Message, [key for key, _values in keyed])
        outcomes, finals = plan_writes(keyed, _stored_values(rows))
        missing = [key for key in finals if key not in rows]
        if missing:
            created = _insert_messages(accounts, {key: finals[key] for key in missing})
            lost = [key for key in missing if key not in created]
            if lost:  # created by another request meanwhile: now a stored message
                rows |= lock_by_external_id(Message, lost)
                outcomes, finals = plan_writes(keyed, _stored_values(rows))
            stored_keys = set(rows)
            rows |= created
        else:
            stored_keys = set(rows)
        added = _add_events_of(writes, rows)
        changed = {
            key for key in stored_keys if finals[key] != _stored_values({key: rows[key]})[key]
        }
        for key in changed:
            for name, value in finals[key].items():
                setattr(rows[key], name, value)
            rows[key].search_text = rows[key].build_search_text()
        acknowledged = _acknowledgements(writes, rows, added)
        update = [rows[key] for key in sorted(changed | acknowledged)]
        names = [*MESSAGE_VALUES, "search_text"] if changed else []
        if acknowledged:
            names += ["acknowledged_at", "acknowledged_by"]
        update_rows(update, names)
    results = []
    for (key, _values), outcome, events in zip(keyed, outcomes, added, strict=True):
        if events and outcome is Outcome.UNCHANGED:
            outcome = Outcome.REPLACED
        results.append((rows[key], outcome, len(events)))
    return results


def _stored_values(rows: dict[ExternalKey, Message]) -> dict[ExternalKey, dict[str, Any]]:
    return {key: {name: getattr(row, name) for name in MESSAGE_VALUES} for key, row in rows.items()}


def _insert_messages(
    accounts: dict[int, Account], values: dict[ExternalKey, dict[str, Any]]
) -> dict[ExternalKey, Message]:
    """Insert these new messages; returns those inserted (not those another request
    inserted first), with their ids."""
    new = {}
    for (account_id, external_id), fields in values.items():
        message = Message(account=accounts[account_id], external_id=external_id, **fields)
        message.search_text = message.build_search_text()
        new[(account_id, external_id)] = message
    return insert_new(new)


def _unique_events(events: Iterable) -> dict[str, Any]:
    """The events of one write by fingerprint, the first of equal ones kept (add_events)."""
    unique: dict[str, Any] = {}
    for event in events:
        fingerprint = MessageEvent.make_fingerprint(
            event.at, event.kind, event.target, event.detail
        )
        unique.setdefault(fingerprint, event)
    return unique


def _add_events_of(
    writes: Sequence[tuple[Account, str, Any]], rows: dict[ExternalKey, Message]
) -> list[list[Any]]:
    """Insert every event of the writes that its message does not hold yet, in one
    statement; returns the events each write added (an event sent by two writes of one
    message counts for the first)."""
    candidates: list[tuple[int, Any, dict[str, Any]]] = []
    seen: set[tuple[int, str]] = set()
    for index, (account, external_id, data) in enumerate(writes):
        message = rows[(account.pk, external_id)]
        for fingerprint, event in _unique_events(data.events).items():
            if (message.pk, fingerprint) in seen:
                continue
            seen.add((message.pk, fingerprint))
            row = {
                "account_id": message.account_id,
                "message_id": message.pk,
                "at": event.at,
                "kind": event.kind,
                "target": event.target,
                "detail": event.detail,
                "fingerprint": fingerprint,
            }
            candidates.append((index, event, row))
    inserted = set(
        insert_ignoring_conflicts(
            MessageEvent,
            [row for _index, _event, row in candidates],
            ["message", "fingerprint"],
            ["message", "fingerprint"],
        )
    )
    added: list[list[Any]] = [[] for _write in writes]
    for index, event, row in candidates:
        if (row["message_id"], row["fingerprint"]) in inserted:
            added[index].append(event)
    return added


def _acknowledgements(
    writes: Sequence[tuple[Account, str, Any]],
    rows: dict[ExternalKey, Message],
    added: list[list[Any]],
) -> set[ExternalKey]:
    """Apply _acknowledged_by_the_platform's rule write after write, in memory; returns
    the keys of the messages it acknowledged (to be written)."""
    acknowledged = set()
    for (account, external_id, _data), events in zip(writes, added, strict=True):
        key = (account.pk, external_id)
        if _acknowledge_in_memory(rows[key], events):
            acknowledged.add(key)
    return acknowledged


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
