"""PUT /api/v1/billing/{billing_number}/invoices/{invoice_number} and .../payments/{external_id}."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Router
from ninja.responses import Status
from pydantic import Field

from accounts.models import BillingAccount
from api.accounts import status_of
from api.schemas import (
    AccountNumberField,
    BillingNumber,
    Day,
    ExternalId,
    Money,
    Rate,
    StrictSchema,
    Text,
    Written,
)
from billing.actions import LineData, TaxData, write_invoice, write_payment

router = Router(tags=["billing"])
routers = [("", router)]


class InvoiceLineIn(StrictSchema):
    description: Text
    quantity: Money = Decimal(0)
    unit_price: Money = Decimal(0)
    amount: Money
    account_number: AccountNumberField | None = None


class InvoiceTaxIn(StrictSchema):
    name: Annotated[str, Field(min_length=1, max_length=32)]
    rate: Rate = Decimal(0)
    amount: Money


class InvoiceIn(StrictSchema):
    date: Day
    period_start: Day
    period_end: Day
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=1000)]
    taxes: Annotated[list[InvoiceTaxIn], Field(max_length=20)] = []
    total: Money


class PaymentIn(StrictSchema):
    date: Day
    amount: Money
    method: Annotated[str, Field(max_length=32)] = ""
    reference: Annotated[str, Field(max_length=100)] = ""


def billing_account_or_404(billing_number: str) -> BillingAccount:
    billing_account = BillingAccount.objects.filter(number=billing_number).first()
    if billing_account is None:
        raise Http404(f"No billing number {billing_number}.")
    return billing_account


@router.put(
    "/billing/{billing_number}/invoices/{invoice_number}",
    response={200: Written, 201: Written},
    summary="Create or replace an invoice",
    description=(
        "Rules between fields, each refused with a 400 naming the field: `total` must equal "
        "the sum of the lines' `amount` plus the sum of the taxes' `amount` (`total`); "
        "`period_end` must not be before `period_start` (`period_end`); a line's "
        "`account_number`, when given, must be an account billed to this billing number "
        "(`lines.<index>.account_number`)."
    ),
)
def put_invoice(
    request, billing_number: BillingNumber, invoice_number: ExternalId, payload: InvoiceIn
):
    billing_account = billing_account_or_404(billing_number)
    invoice, outcome = write_invoice(
        billing_account,
        invoice_number,
        date=payload.date,
        period_start=payload.period_start,
        period_end=payload.period_end,
        lines=[LineData(**line.model_dump()) for line in payload.lines],
        taxes=[TaxData(**tax.model_dump()) for tax in payload.taxes],
        total=payload.total,
    )
    return Status(
        status_of(outcome),
        {
            "external_id": invoice.number,
            "id": invoice.pk,
            "outcome": outcome.value,
        },
    )


@router.put(
    "/billing/{billing_number}/payments/{external_id}",
    response={200: Written, 201: Written},
)
def put_payment(
    request, billing_number: BillingNumber, external_id: ExternalId, payload: PaymentIn
):
    billing_account = billing_account_or_404(billing_number)
    payment, outcome = write_payment(
        billing_account,
        external_id,
        date=payload.date,
        amount=payload.amount,
        method=payload.method,
        reference=payload.reference,
    )
    return Status(
        status_of(outcome),
        {
            "external_id": payment.external_id,
            "id": payment.pk,
            "outcome": outcome.value,
        },
    )
