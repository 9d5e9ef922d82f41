"""Shared pieces of the API's request bodies: unknown fields refused, aware instants only."""

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
