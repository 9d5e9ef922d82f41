"""The platform's request bodies for contacts and information pages (docs/api.md, "Directory")."""

from __future__ import annotations

import re
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import ConfigDict, Field, model_validator

from api.schemas import Int32, LongText, StrictSchema, nullable_optionals

Position = Int32  # an order in the directory


# An e-mail method's value, as the document states it (Django's validate_email is then
# applied too): a dot-atom local part of at most 64 characters, a domain of labels and a
# top-level label of 2 characters or more.
_ATOM = "[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = (
    rf"^(?=[^@]{{1,64}}@){_ATOM}(\.{_ATOM})*@({_LABEL}\.)+[A-Za-z0-9-]{{1,62}}[A-Za-z0-9]$"
)


def _one_schema_per_kind(schema: dict[str, Any], model: type | None = None) -> None:
    """The document states the e-mail rule: an `email` method's value is an address."""
    nullable_optionals(schema)
    properties = schema.pop("properties")
    common = {
        "type": "object",
        "additionalProperties": False,
        "required": schema.pop("required"),
    }
    other_kinds = [kind for kind in properties["kind"]["enum"] if kind != "email"]
    email = {
        "kind": {"const": "email", "type": "string"},
        "value": {**properties["value"], "format": "email", "pattern": EMAIL_PATTERN},
    }
    other = {"kind": {"enum": other_kinds, "type": "string"}}
    schema.pop("type", None)
    schema.pop("additionalProperties", None)
    schema["anyOf"] = [
        {**common, "properties": {**properties, **email}},
        {**common, "properties": {**properties, **other}},
    ]


class ContactMethodIn(StrictSchema):
    model_config = ConfigDict(json_schema_extra=_one_schema_per_kind)

    kind: Literal["phone", "mobile", "email", "pager", "sms", "fax"]
    value: str = Field(min_length=1, max_length=254)
    label: str = Field(default="", max_length=100)

    @model_validator(mode="after")
    def email_is_an_address(self) -> ContactMethodIn:
        if self.kind == "email":
            try:
                if not re.match(EMAIL_PATTERN, self.value):
                    raise ValidationError("not the documented shape")
                validate_email(self.value)
            except ValidationError as error:
                raise ValueError("Not a valid e-mail address.") from error
        return self


class ContactIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=200)
    position: Position = 0
    methods: list[ContactMethodIn] = Field(default_factory=list, max_length=50)


class InfoPageIn(StrictSchema):
    title: str = Field(min_length=1, max_length=200)
    body: LongText
    position: Position = 0
