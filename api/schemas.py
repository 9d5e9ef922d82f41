"""Shared pieces of the API's bodies: unknown fields refused, aware instants only, errors.

A section router declares its answers and, if it wants them spelled out, the errors:

    from api.schemas import Written, error_responses

    @router.put("/accounts/{number}/things/{external_id}",
                response={200: Written, 201: Written, **error_responses})

Declaring them is optional: api.api.PlatformApi adds the 400/401/404 (and 413 for an
operation with a body) `ErrorOut` answers to every operation of the OpenAPI document that
does not declare them itself, so the document is complete either way. Never return an
ErrorOut yourself: raise api.errors.bad_request(field, message), ApiError or Http404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

# An instant with its offset (2026-03-22T09:16:44-04:00); a naive one is refused.
Instant = AwareDatetime
# Money and minutes: JSON strings ("13.75") or numbers, two decimal places at most.
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]
Text = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=100_000)]
ExternalId = Annotated[str, Field(min_length=1, max_length=64)]


class StrictSchema(Schema):
    """A request body: a typo in a field name is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Written(Schema):
    """What a PUT answers: the platform's id, the portal's id, and what happened."""

    external_id: str
    id: int
    outcome: str  # created, replaced or unchanged


class ErrorItem(Schema):
    field: str = Field(
        description="The body field at fault, dotted (lines.0.amount); empty for the whole request."
    )
    message: str


class ErrorOut(Schema):
    """Every refusal: {"errors": [{"field": "...", "message": "..."}]}."""

    errors: list[ErrorItem]


# The documented error answers of an endpoint, to spread into its `response=` dict.
error_responses: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
