"""The webhooks in the OpenAPI document (its 3.1 `webhooks` section): one per event type,
with the body the portal POSTs and the signature header (docs/api.md, "Webhooks")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from webhooks.models import EventType
from webhooks.signing import HEADER


class _Body(BaseModel):
    # What the portal sends, exactly: a field not listed here is never in a body.
    model_config = ConfigDict(extra="forbid")


class MessageAcknowledgedData(_Body):
    external_id: str
    acknowledged_at: datetime
    acknowledged_by: str = Field(description="The name of the client user.")


class OncallChangedData(_Body):
    schedule: str = Field(description="The schedule's external id.")
    shift: str = Field(description="The shift's external id.")
    action: Literal["assign", "override", "unassign"]
    rank: int
    contact: str | None = Field(description="Who is now on call there; null for unassign.")
    starts_at: datetime
    ends_at: datetime
    by: str | None = Field(description="The manager who made the change.")


class ChangeRequestCreatedData(_Body):
    id: int = Field(description="The portal's number for the request.")
    subject: Literal["directory", "info page"]
    text: str
    by: str | None = Field(description="The client user who asked.")


class _Event(_Body):
    id: UUID = Field(description="The event's id: the same on every retry.")
    created_at: datetime = Field(description="When the change happened.")
    account: str = Field(description="The account's number.")


class MessageAcknowledgedEvent(_Event):
    type: Literal["message.acknowledged"]
    data: MessageAcknowledgedData


class OncallChangedEvent(_Event):
    type: Literal["oncall.changed"]
    data: OncallChangedData


class ChangeRequestCreatedEvent(_Event):
    type: Literal["change_request.created"]
    data: ChangeRequestCreatedData


EVENTS: dict[str, type[_Event]] = {
    EventType.MESSAGE_ACKNOWLEDGED: MessageAcknowledgedEvent,
    EventType.ONCALL_CHANGED: OncallChangedEvent,
    EventType.CHANGE_REQUEST_CREATED: ChangeRequestCreatedEvent,
}

SIGNATURE = {
    "name": HEADER,
    "in": "header",
    "required": True,
    "description": (
        't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint\'s '
        "secret>. Refuse a t more than 5 minutes old."
    ),
    "schema": {"type": "string"},
}


def document_webhooks(schema: dict) -> None:
    """Add the `webhooks` section and the bodies' schemas to an OpenAPI 3.1 document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    webhooks = schema.setdefault("webhooks", {})
    for event_type, model in EVENTS.items():
        generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(generated.pop("$defs", {}))
        components[model.__name__] = generated
        webhooks[str(event_type)] = {
            "post": {
                "summary": str(event_type),
                "description": (
                    "POSTed to each active endpoint registered for this type. Delivered at "
                    "least once (retried for 3 days on anything but 2xx or no answer in "
                    "10 s); deduplicate by `id`."
                ),
                "parameters": [SIGNATURE],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                        }
                    },
                },
                "responses": {"2XX": {"description": "Received: the event is delivered."}},
            }
        }
