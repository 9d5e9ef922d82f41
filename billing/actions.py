"""Writing invoices and payments: the platform API and the demo seeder both call these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import BillingAccount
from billing.formatting import money
from billing.models import Invoice, InvoiceLine, InvoiceTax, Payment, totals_error
from portal.upsert import Outcome, upsert


@dataclass(frozen=True)
class LineData:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    account_number: int | None = None


@dataclass(frozen=True)
class TaxData:
    name: str
    rate: Decimal
    amount: Decimal


def write_invoice(
    billing_account: BillingAccount,
    number: str,
    *,
    date: date,
    period_start: date,
    period_end: date,
    lines: Sequence[LineData],
    taxes: Sequence[TaxData],
    total: Decimal,
) -> tuple[Invoice, Outcome]:
    """Create or replace an invoice; its lines and taxes are replaced wholesale.

    Refused (ValidationError naming the field) when there is no line, the total is not
    the lines plus the taxes, the period is reversed, or a line names an account that is
    not billed to this billing number.
    """
    if not lines:
        raise ValidationError({"lines": _("An invoice has at least one line.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    error = totals_error((line.amount for line in lines), (tax.amount for tax in taxes), total)
    if error:
        raise ValidationError({"total": error})
    accounts = {a.number: a for a in billing_account.accounts.all()}
    for index, line in enumerate(lines):
        if line.account_number is not None and line.account_number not in accounts:
            raise ValidationError(
                {
                    f"lines.{index}.account_number": _(
                        "Account %(number)s is not billed to %(billing)s."
                    )
                    % {"number": line.account_number, "billing": billing_account.number}
                }
            )

    wanted_lines = [
        (
            position,
            line.description,
            money(line.quantity),
            money(line.unit_price),
            money(line.amount),
            accounts[line.account_number].pk if line.account_number is not None else None,
        )
        for position, line in enumerate(lines, start=1)
    ]
    wanted_taxes = [
        (position, tax.name, Decimal(str(tax.rate)).quantize(Decimal("0.001")), money(tax.amount))
        for position, tax in enumerate(taxes, start=1)
    ]
    with transaction.atomic():
        invoice, outcome = upsert(
            Invoice,
            {"billing_account": billing_account, "number": number},
            {
                "date": date,
                "period_start": period_start,
                "period_end": period_end,
                "subtotal": money(sum((line.amount for line in lines), Decimal(0))),
                "total": money(total),
            },
        )
        stored_lines = list(
            invoice.lines.values_list(
                "position", "description", "quantity", "unit_price", "amount", "account_id"
            )
        )
        stored_taxes = list(invoice.taxes.values_list("position", "name", "rate", "amount"))
        if stored_lines == wanted_lines and stored_taxes == wanted_taxes:
            return invoice, outcome
        invoice.lines.all().delete()
        invoice.taxes.all().delete()
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                description=description,
                quantity=quantity,
                unit_price=unit_price,
                amount=amount,
                account_id=account_id,
            )
            for position, description, quantity, unit_price, amount, account_id in wanted_lines
        )
        InvoiceTax.objects.bulk_create(
            InvoiceTax(invoice=invoice, position=position, name=name, rate=rate, amount=amount)
            for position, name, rate, amount in wanted_taxes
        )
        return invoice, Outcome.CREATED if outcome is Outcome.CREATED else Outcome.REPLACED


def write_payment(
    billing_account: BillingAccount,
    external_id: str,
    *,
    date: date,
    amount: Decimal,
    method: str = "",
    reference: str = "",
) -> tuple[Payment, Outcome]:
    return upsert(
        Payment,
        {"billing_account": billing_account, "external_id": external_id},
        {"date": date, "amount": money(amount), "method": method, "reference": reference},
    )
