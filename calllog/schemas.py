"""The body of PUT /api/v1/accounts/{number}/calls/{external_id} (docs/api.md, "Calls")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas import BilledMinutes, Details, Instant, Seconds, StrictSchema


class BillingIn(StrictSchema):
    units: BilledMinutes  # decimal minutes billed
    invoice_number: str = Field(default="", max_length=64)


class CallIn(StrictSchema):
    started_at: Instant
    direction: Literal["inbound", "outbound"]
    kind: Literal["conversation", "transaction"]
    duration_s: Seconds
    caller_number: str = Field(default="", max_length=64)
    caller_name: str = Field(default="", max_length=200)
    dialed_number: str = Field(default="", max_length=64)
    agent: str = Field(default="", max_length=32)
    description: str = Field(default="", max_length=300)
    message_external_id: str = Field(default="", max_length=64)
    busy: bool = False
    queued_s: Seconds | None = None
    assigned_s: Seconds | None = None
    answered_s: Seconds | None = None
    work_s: Seconds | None = None
    hold_s: Seconds = 0
    patch_s: Seconds | None = None
    details: Details = Field(default_factory=dict)
    billing: BillingIn | None = None


class RecordingOut(StrictSchema):
    external_id: str
    id: int
    outcome: str
    content_type: str
    size: int
    duration_s: float | None
