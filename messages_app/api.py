"""The platform's messages (docs/api.md, "Messages"): PUT one, POST events to it, and read back
what the portal added (the acknowledgement): GET one, GET the list not yet acknowledged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from api.accounts import account_or_404, status_of
from api.batch import AccountWrite, register_set_writer
from api.schemas import AccountNumber, ExternalId, Instant, LongText, StrictSchema, Text, Written
from messages_app.actions import append_events, write_message, write_messages
from messages_app.models import Message, MessageEvent

router = Router(tags=["messages"])
routers = [("", router)]

EventKind = Literal[
    "taken",
    "dispatched",
    "email_initiated",
    "email_completed",
    "sms_sent",
    "fax_sent",
    "page_sent",
    "delivered",
    "failed",
    "read",
    "acknowledged",
]


class FieldIn(StrictSchema):
    label: Text
    value: Annotated[str, Field(max_length=10_000)] = ""


class EventIn(StrictSchema):
    at: Instant
    kind: EventKind
    target: Annotated[str, Field(max_length=254)] = ""
    detail: LongText = ""


class MessageIn(StrictSchema):
    taken_at: Instant
    taken_by: Annotated[str, Field(max_length=32)] = ""
    subject: Text = ""
    caller_name: Annotated[str, Field(max_length=200)] = ""
    caller_number: Annotated[str, Field(max_length=64)] = ""
    urgent: bool = False
    fields: Annotated[list[FieldIn], Field(max_length=200)] = []
    events: Annotated[list[EventIn], Field(max_length=1000)] = []


class EventsIn(StrictSchema):
    events: Annotated[list[EventIn], Field(max_length=1000)]


class MessageWritten(Written):
    events_added: int


class EventsWritten(StrictSchema):
    external_id: str
    id: int
    events_added: int


@router.put(
    "/accounts/{number}/messages/{external_id}",
    response={200: MessageWritten, 201: MessageWritten},
)
def put_message(request, number: AccountNumber, external_id: ExternalId, payload: MessageIn):
    account = account_or_404(number)
    message, outcome, added = write_message(account, external_id, payload)
    return Status(
        status_of(outcome),
        {
            "external_id": message.external_id,
            "id": message.pk,
            "outcome": outcome.value,
            "events_added": added,
        },
    )


def put_messages(writes: list[AccountWrite]) -> list[tuple[int, dict]]:
    """Many PUTs of a batch at once (api/batch.py): put_message's answers, in order."""
    written = write_messages(
        [(write.found(), write.external_id, write.payload) for write in writes]
    )
    return [
        (
            status_of(outcome),
            {
                "external_id": message.external_id,
                "id": message.pk,
                "outcome": outcome.value,
                "events_added": added,
            },
        )
        for message, outcome, added in written
    ]


register_set_writer("PUT", "put_message", MessageIn, put_messages)


@router.post(
    "/accounts/{number}/messages/{external_id}/events",
    response={200: EventsWritten, 201: EventsWritten},
)
def post_events(request, number: AccountNumber, external_id: ExternalId, payload: EventsIn):
    account = account_or_404(number)
    message = Message.objects.for_account(account).filter(external_id=external_id).first()
    if message is None:
        raise Http404(f"No message {external_id} in account {number}.")
    added = append_events(message, payload.events)
    body = {"external_id": message.external_id, "id": message.pk, "events_added": added}
    return Status(201 if added else 200, body)


# Reading back (docs/api.md, "Reading back what the portal adds").

# The list answers at most this many messages, newest first.
LIST_LIMIT = 500
# Without `since`, the list covers this much time back.
LIST_DEFAULT_SPAN = timedelta(hours=24)


class FieldOut(Schema):
    label: str
    value: str


class EventOut(Schema):
    at: datetime
    kind: EventKind
    target: str = Field(description="Who it went to; for an acknowledgement, who gave it.")
    detail: str = Field(description='"portal" for an acknowledgement given in the portal.')


class MessageOut(Schema):
    external_id: str
    taken_at: datetime
    taken_by: str
    subject: str
    caller_name: str
    caller_number: str
    urgent: bool
    fields: list[FieldOut]
    events: list[EventOut] = Field(description="The dispatch history, oldest first.")
    acknowledged_at: datetime | None = Field(description="null while not acknowledged.")
    acknowledged_by: str | None = Field(description="Who acknowledged it; null while nobody.")


class MessageListOut(Schema):
    since: datetime
    messages: list[MessageOut] = Field(description=f"Newest first, at most {LIST_LIMIT}.")


def _with_history(messages):
    return messages.prefetch_related(
        Prefetch("events", queryset=MessageEvent.objects.order_by("at", "pk"))
    )


def message_out(message: Message, tz) -> dict:
    """A message as stored, its instants in the account's time zone."""

    def local(moment: datetime | None) -> datetime | None:
        return timezone.localtime(moment, tz) if moment else None

    return {
        "external_id": message.external_id,
        "taken_at": local(message.taken_at),
        "taken_by": message.taken_by,
        "subject": message.subject,
        "caller_name": message.caller_name,
        "caller_number": message.caller_number,
        "urgent": message.urgent,
        "fields": [
            {"label": str(f.get("label", "")), "value": str(f.get("value", ""))}
            for f in message.fields or []
            if isinstance(f, dict)
        ],
        "events": [
            {"at": local(e.at), "kind": e.kind, "target": e.target, "detail": e.detail}
            for e in message.events.all()
        ],
        "acknowledged_at": local(message.acknowledged_at),
        "acknowledged_by": message.acknowledged_by if message.acknowledged_at else None,
    }


@router.get("/accounts/{number}/messages/{external_id}", response=MessageOut)
def get_message(request, number: AccountNumber, external_id: ExternalId):
    """The message as stored, with its merged history and its acknowledgement."""
    account = account_or_404(number)
    message = (
        _with_history(Message.objects.for_account(account)).filter(external_id=external_id).first()
    )
    if message is None:
        raise Http404(f"No message {external_id} in account {number}.")
    return message_out(message, account.tzinfo)


@router.get("/accounts/{number}/messages", response=MessageListOut)
def list_messages(
    request,
    number: AccountNumber,
    acknowledged: bool | None = None,
    since: Instant | None = None,
):
    """The account's messages taken since `since` (default: 24 hours ago), newest first,
    at most 500; `acknowledged=false` keeps those nobody has acknowledged yet (what a
    platform that takes no webhooks polls to know whom to stop calling)."""
    account = account_or_404(number)
    since = since or timezone.now() - LIST_DEFAULT_SPAN
    messages = Message.objects.for_account(account).retained().taken_between(since, None)
    if acknowledged is False:
        messages = messages.unacknowledged()
    elif acknowledged is True:
        messages = messages.acknowledged()
    page = _with_history(messages.order_by("-taken_at", "-pk"))[:LIST_LIMIT]
    tz = account.tzinfo
    return {
        "since": timezone.localtime(since, tz),
        "messages": [message_out(message, tz) for message in page],
    }
