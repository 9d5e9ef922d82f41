"""Shared pieces of the API's bodies: the intake rule every request body goes through
(StrictSchema and the types below, docs/api.md "What the API accepts"), and the errors.

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

import functools
import json
import re
import typing
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import MaxLen
from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic.json_schema import JsonSchemaValue, WithJsonSchema
from pydantic_core import core_schema

from portal.bounds import day_in_range, instant_in_range

# The intake rule (docs/api.md, "What the API accepts"), applied here once for every body
# of every write endpoint, a batch's operations included (they reach the same views):
#
# - null for a field is the same as leaving it out (the field takes its default);
# - JSON types are not converted (strict), except for what is written as a string:
#   instants, days and decimals;
# - C0 control characters other than tab, newline and carriage return are removed from
#   every string (its maximum length holds for the string as sent, its minimum once
#   cleaned);
# - an instant lies within the portal's one range (portal/bounds.py: 1970-01-01 included,
#   2100-01-01 excluded);
# - `details` is a JSON object at most DETAILS_MAX_DEPTH levels deep and
#   DETAILS_MAX_BYTES encoded;
# - every string has a max_length, the same as its column (tests/api/test_intake.py).

# The shape of an instant: RFC 3339, with its offset, its year written 1970 to 2099 (what
# a pattern can say of the bounds; an offset can still carry 1970-01-01T00:30:00+01:00
# outside them, which the bounds then refuse).
_YEARS = "(19[7-9][0-9]|20[0-9][0-9])"
# The offset is at most 15:59 either way (what PostgreSQL takes).
INSTANT_PATTERN = (
    rf"^{_YEARS}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$"
)
_INSTANT_SHAPE = re.compile(INSTANT_PATTERN)
_ANY_YEAR = re.compile(INSTANT_PATTERN.replace(_YEARS, "[0-9]{4}"))
INSTANT_BOUNDS = "An instant must lie between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z."
INSTANT_TEXT = (
    "An instant with its offset (2026-03-22T09:16:44-04:00), its year written 1970 to 2099, "
    "from 1970-01-01T00:00:00Z (included) to 2100-01-01T00:00:00Z (excluded)."
)
DETAILS_MAX_DEPTH = 8
DETAILS_MAX_BYTES = 64 * 1024

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value: str) -> str:
    """`value` without its C0 control characters (tab, newline and carriage return kept)."""
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def _instant_shape(value: Any) -> Any:
    if isinstance(value, datetime):
        return value  # from Python (the demo seed), not from a body
    if not isinstance(value, str):
        raise ValueError("An instant is written 2026-03-22T09:16:44-04:00 (with its offset).")
    if not _INSTANT_SHAPE.match(value):
        if _ANY_YEAR.match(value):
            raise ValueError(INSTANT_BOUNDS)
        raise ValueError("An instant is written 2026-03-22T09:16:44-04:00 (with its offset).")
    return value


def _instant_bounds(value: datetime) -> datetime:
    if not instant_in_range(value):
        raise ValueError(INSTANT_BOUNDS)
    return value


class _Documented:
    """Adds JSON Schema keywords to a type's generated schema."""

    def __init__(self, **keywords: Any):
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        generated = handler(schema)
        generated.update(self.keywords)
        return generated


# An instant with its offset (2026-03-22T09:16:44-04:00), within the bounds; a naive one is
# refused, and so is a number (pydantic would read it as a Unix time).
Instant = Annotated[
    AwareDatetime,
    Strict(False),
    BeforeValidator(_instant_shape),
    AfterValidator(_instant_bounds),
    _Documented(format="date-time", pattern=INSTANT_PATTERN, description=INSTANT_TEXT),
]


# A day (an invoice's date, its period): from 1970-01-01 to 2099-12-31, written 2026-03-22.
DAY_PATTERN = r"^(19[7-9][0-9]|20[0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DAY_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _day_shape(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY_SHAPE.match(value):
        raise ValueError("A day is written 2026-03-22.")
    return value


def _day_bounds(value: date) -> date:
    if not day_in_range(value):
        raise ValueError("A day must lie between 1970-01-01 and 2099-12-31.")
    return value


Day = Annotated[
    date,
    Strict(False),
    BeforeValidator(_day_shape),
    AfterValidator(_day_bounds),
    _Documented(
        pattern=DAY_PATTERN, description="A day (2026-03-22), from 1970-01-01 to 2099-12-31."
    ),
]


class _DecimalRule:
    """A decimal sent as a JSON string ("13.75") or number, as exact in the document as in
    the code: at most `places` decimals and `max_digits` digits in all, no exponent."""

    def __init__(self, max_digits: int, places: int, *, signed: bool = True):
        whole = max_digits - places
        self.pattern = rf"^{'-?' if signed else ''}[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?$"
        self._shape = re.compile(self.pattern)
        self.step = Decimal(1).scaleb(-places)
        self.maximum = Decimal(10) ** whole - self.step
        self.minimum = -self.maximum if signed else Decimal(0)
        self.message = (
            f"A decimal is written like 13.75: at most {whole} digits before the point "
            f"and {places} after{'' if signed else ', not negative'}."
        )

    def __call__(self, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, str) and not self._shape.match(value)):
            raise ValueError(self.message)
        return value

    def json_schema(self) -> WithJsonSchema:
        number = {
            "type": "number",
            "minimum": float(self.minimum),
            "maximum": float(self.maximum),
            "multipleOf": float(self.step),
        }
        return WithJsonSchema({"anyOf": [number, {"type": "string", "pattern": self.pattern}]})


_MONEY = _DecimalRule(12, 2)
_UNSIGNED_MONEY = _DecimalRule(12, 2, signed=False)
_BILLED_MINUTES = _DecimalRule(9, 2, signed=False)
_RATE = _DecimalRule(7, 3, signed=False)

# Money and minutes: JSON strings ("13.75") or numbers, two decimal places at most.
Money = Annotated[
    Decimal,
    Strict(False),
    BeforeValidator(_MONEY),
    Field(max_digits=12, decimal_places=2, ge=_MONEY.minimum, le=_MONEY.maximum),
    _MONEY.json_schema(),
]
UnsignedMoney = Annotated[
    Decimal,
    Strict(False),
    BeforeValidator(_UNSIGNED_MONEY),
    Field(max_digits=12, decimal_places=2, ge=0, le=_UNSIGNED_MONEY.maximum),
    _UNSIGNED_MONEY.json_schema(),
]
# A call's billed minutes (its column holds 9 digits).
BilledMinutes = Annotated[
    Decimal,
    Strict(False),
    BeforeValidator(_BILLED_MINUTES),
    Field(max_digits=9, decimal_places=2, ge=0, le=_BILLED_MINUTES.maximum),
    _BILLED_MINUTES.json_schema(),
]
# A tax rate in percent (14.975).
Rate = Annotated[
    Decimal,
    Strict(False),
    BeforeValidator(_RATE),
    Field(max_digits=7, decimal_places=3, ge=0, le=_RATE.maximum),
    _RATE.json_schema(),
]


def _json_integer(value: Any) -> Any:
    # A JSON integer (2.0 is one too); not true or false, not a string of digits.
    if isinstance(value, bool | str):
        raise ValueError("Input should be a valid integer")
    return value


# Integers: JSON numbers without a fraction, within their column's range.
Integer = Annotated[int, Strict(False), BeforeValidator(_json_integer)]
# (The bounds come before the validator, so that the document states them as such.)
Int32 = Annotated[
    int,
    Field(ge=-2_147_483_648, le=2_147_483_647),
    Strict(False),
    BeforeValidator(_json_integer),
]
Seconds = Annotated[
    int, Field(ge=0, le=2_147_483_647), Strict(False), BeforeValidator(_json_integer)
]

# Strings: each field states its maximum, the same as its column's (tests/api/test_intake.py).
Text = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=100_000)]
# An id in a path or a body: the platform's own, unique per account.
MAX_EXTERNAL_ID = 64
ExternalId = Annotated[str, Field(min_length=1, max_length=MAX_EXTERNAL_ID)]
# An account's number (a positive integer column) and a billing number, in a path or a body.
MAX_ACCOUNT_NUMBER = 2_147_483_647
# (AccountNumber is for a path, whose parts are text; AccountNumberField for a body.)
AccountNumber = Annotated[int, Field(ge=1, le=MAX_ACCOUNT_NUMBER)]
AccountNumberField = Annotated[
    int, Field(ge=1, le=MAX_ACCOUNT_NUMBER), Strict(False), BeforeValidator(_json_integer)
]
BillingNumber = Annotated[str, Field(min_length=1, max_length=32)]


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def known_timezone_schema(*, empty: bool = False) -> dict[str, Any]:
    """The JSON Schema keywords of a time zone field: one of the IANA names ("" too if
    `empty`), which is what the field's validator accepts."""
    return {"enum": ([""] if empty else []) + list(_zones())}


def is_known_timezone(name: str) -> bool:
    return name in frozenset(_zones())


def _details_checked(value: Any) -> Any:
    if not isinstance(value, dict):
        return value  # refused by the dict type, with its own message
    cleaned = _cleaned_json(value, 1)
    size = len(json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")).encode())
    if size > DETAILS_MAX_BYTES:
        raise ValueError(f"details is over {DETAILS_MAX_BYTES // 1024} KB ({size} bytes).")
    return cleaned


def _cleaned_json(value: Any, depth: int) -> Any:
    """A JSON value with its strings (keys included) cleaned; too deep: ValueError."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict | list) and depth > DETAILS_MAX_DEPTH:
        raise ValueError(f"details is nested more than {DETAILS_MAX_DEPTH} levels deep.")
    if isinstance(value, dict):
        return {clean_text(str(k)): _cleaned_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned_json(item, depth + 1) for item in value]
    return value


# A call's `details`: any JSON object, at most 8 levels deep (the object itself is level 1)
# and 64 KB encoded.
Details = Annotated[
    dict[str, Any],
    BeforeValidator(_details_checked),
    _Documented(
        description=(
            f"Any JSON object, at most {DETAILS_MAX_DEPTH} levels deep (this object is level 1) "
            f"and {DETAILS_MAX_BYTES // 1024} KB encoded as UTF-8 JSON."
        )
    ),
]


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_text(item) if isinstance(item, str) else item for item in value]
    return value


# What a string that must not be empty needs: a character that is not a C0 control
# character (those are removed on intake, so "\u0001" alone would become "").
NOT_ONLY_CONTROL = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"


def nullable_optionals(schema: dict[str, Any], model: type | None = None) -> None:
    """In the document, every optional property also takes null (same as leaving it out),
    and a string with a minimum length says it needs a character that is not removed."""
    required = set(schema.get("required", []))
    for prop in schema.get("properties", {}).values():
        if prop.get("type") == "string" and prop.get("minLength") and "pattern" not in prop:
            prop["pattern"] = NOT_ONLY_CONTROL
    for name, prop in schema.get("properties", {}).items():
        if name in required or _takes_null(prop):
            continue
        kept = {key: prop.pop(key) for key in ("title", "description", "default") if key in prop}
        schema["properties"][name] = {"anyOf": [prop, {"type": "null"}], **kept}


def _takes_null(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf", prop.get("oneOf", [prop]))
    return any(option.get("type") == "null" for option in options)


def _takes_none(field: FieldInfo) -> bool:
    """A required field whose type includes None keeps its null (an answer's `null`); any
    other field given null is left out: it takes its default, or is missing."""
    return field.is_required() and type(None) in typing.get_args(field.annotation)


class StrictSchema(Schema):
    """A request body: a typo in a field name is an error, not silently ignored; the intake
    rule above is applied to every field."""

    # strict: a JSON value of the wrong type is refused, never converted (0 is not false,
    # "5" is not 5); the types that are written as strings (instants, days, decimals) say
    # Strict(False) themselves.
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        str_strip_whitespace=False,
        json_schema_extra=nullable_optionals,
    )

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        # Replaces ninja's own, which validates a body twice (the second time through a
        # DjangoGetter, which the null rule could not see): a body is a plain JSON value.
        if not isinstance(values, dict):
            return handler(values)
        if None in values.values():
            fields = cls.model_fields
            values = {
                key: value
                for key, value in values.items()
                if not (value is None and key in fields and not _takes_none(fields[key]))
            }
        return handler(values)

    @field_validator("*", mode="before")
    @classmethod
    def _without_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        # The maximum length holds for the string as sent (as the document says); the
        # minimum, for the string once cleaned.
        if isinstance(value, str) and info.field_name:
            for rule in cls.model_fields[info.field_name].metadata:
                if isinstance(rule, MaxLen) and len(value) > rule.max_length:
                    raise ValueError(f"String should have at most {rule.max_length} characters")
        return _cleaned(value)


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
