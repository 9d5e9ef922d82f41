"""PUT /api/v1/accounts/{number}, and the lookup every account-scoped endpoint uses."""

from __future__ import annotations

from typing import Literal

from django.db import transaction
from django.http import Http404
from ninja import Router, Status
from pydantic import Field, field_validator

from accounts.models import Account, BillingAccount
from api.schemas import (
    MAX_ACCOUNT_NUMBER,
    AccountNumber,
    BillingNumber,
    StrictSchema,
    is_known_timezone,
    known_timezone_schema,
)
from portal.upsert import Outcome, upsert

router = Router(tags=["accounts"])

__all__ = ["MAX_ACCOUNT_NUMBER", "account_or_404", "status_of"]


def account_or_404(number: int) -> Account:
    account = Account.objects.filter(number=number).select_related("billing_account").first()
    if account is None:
        raise Http404(f"No account {number}.")
    return account


def status_of(outcome: Outcome) -> int:
    return 201 if outcome is Outcome.CREATED else 200


class AccountIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    billing_number: BillingNumber
    timezone: str = Field(
        default="America/Toronto", max_length=64, json_schema_extra=known_timezone_schema()
    )
    language: Literal["fr", "en"] = "fr"
    active: bool = True

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        if not is_known_timezone(value):
            raise ValueError("Not a known IANA time zone.")
        return value


class AccountOut(StrictSchema):
    number: int
    name: str
    billing_number: str
    timezone: str
    language: str
    active: bool
    outcome: str


def write_account(number: int, data: AccountIn) -> tuple[Account, Outcome]:
    """Create or replace an account (the API and the demo seed both call this)."""
    with transaction.atomic():
        billing, _ = upsert(BillingAccount, {"number": data.billing_number}, {})
        return upsert(
            Account,
            {"number": number},
            {
                "name": data.name,
                "billing_account": billing,
                "timezone": data.timezone,
                "language": data.language,
                "active": data.active,
            },
        )


@router.put("/accounts/{number}", response={200: AccountOut, 201: AccountOut})
def put_account(request, number: AccountNumber, payload: AccountIn):
    account, outcome = write_account(number, payload)
    return Status(
        status_of(outcome),
        {
            "number": account.number,
            "name": account.name,
            "billing_number": account.billing_account.number,
            "timezone": account.timezone,
            "language": account.language,
            "active": account.active,
            "outcome": outcome.value,
        },
    )
