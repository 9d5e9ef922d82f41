"""The platform's request bodies for contacts and information pages (docs/api.md, "Directory")."""

from __future__ import annotations

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import Field, model_validator

from api.schemas import LongText, StrictSchema

Position = Annotated[int, Field(ge=-2_147_483_648, le=2_147_483_647)]


class ContactMethodIn(StrictSchema):
    kind: Literal["phone", "mobile", "email", "pager", "sms", "fax"]
    value: str = Field(min_length=1, max_length=254)
    label: str = Field(default="", max_length=100)

    @model_validator(mode="after")
    def email_is_an_address(self) -> ContactMethodIn:
        if self.kind == "email":
            try:
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
