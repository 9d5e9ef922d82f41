"""PUT /api/v1/accounts/{number}/messages/{external_id} and POST .../events (platform-api.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import Http404
from ninja import Router, Status
from pydantic import Field

from api.accounts import account_or_404, status_of
from api.errors import bad_request
from api.schemas import Instant, LongText, StrictSchema, Text, Written
from messages_app.actions import append_events, write_message
from messages_app.models import Message

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


def _checked_external_id(external_id: str) -> str:
    if not 1 <= len(external_id) <= 64:
        raise bad_request("external_id", "An external id has 1 to 64 characters.")
    return external_id


@router.put(
    "/accounts/{number}/messages/{external_id}",
    response={200: MessageWritten, 201: MessageWritten},
)
def put_message(request, number: int, external_id: str, payload: MessageIn):
    account = account_or_404(number)
    message, outcome, added = write_message(account, _checked_external_id(external_id), payload)
    return Status(
        status_of(outcome),
        {
            "external_id": message.external_id,
            "id": message.pk,
            "outcome": outcome.value,
            "events_added": added,
        },
    )


@router.post(
    "/accounts/{number}/messages/{external_id}/events",
    response={200: EventsWritten, 201: EventsWritten},
)
def post_events(request, number: int, external_id: str, payload: EventsIn):
    account = account_or_404(number)
    message = Message.objects.for_account(account).filter(external_id=external_id).first()
    if message is None:
        raise Http404(f"No message {external_id} in account {number}.")
    added = append_events(message, payload.events)
    body = {"external_id": message.external_id, "id": message.pk, "events_added": added}
    return Status(201 if added else 200, body)
