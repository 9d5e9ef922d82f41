"""Invoices, payments and billed calls for the billing tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from billing.actions import LineData, TaxData, write_invoice, write_payment
from billing.formatting import money
from calllog.models import Call

_ids = itertools.count(1)


def make_invoice(
    billing_account,
    number: str | None = None,
    *,
    day: date = date(2026, 10, 20),
    amounts: tuple[str, ...] = ("100.00",),
    account_number: int | None = None,
    taxed: bool = True,
):
    lines = [
        LineData(f"Line {i}", Decimal(1), Decimal(a), Decimal(a), account_number)
        for i, a in enumerate(amounts, start=1)
    ]
    subtotal = money(sum(Decimal(a) for a in amounts))
    taxes = (
        [
            TaxData("GST", Decimal("5"), money(subtotal * Decimal("0.05"))),
            TaxData("QST", Decimal("9.975"), money(subtotal * Decimal("0.09975"))),
        ]
        if taxed
        else []
    )
    invoice, _ = write_invoice(
        billing_account,
        number or f"{billing_account.number}-{next(_ids):04d}",
        date=day,
        period_start=date(day.year, day.month, 1),
        period_end=day,
        lines=lines,
        taxes=taxes,
        total=subtotal + sum((t.amount for t in taxes), Decimal(0)),
    )
    return invoice


def make_payment(billing_account, amount: str, day: date, method: str = "cheque"):
    payment, _ = write_payment(
        billing_account,
        f"P{next(_ids)}",
        date=day,
        amount=Decimal(amount),
        method=method,
        reference=f"REF{next(_ids)}",
    )
    return payment


def make_call(account, started_at: datetime, units: str | None = "1.50", **extra) -> Call:
    values = {
        "external_id": f"C{next(_ids)}",
        "started_at": started_at,
        "direction": Call.Direction.INBOUND,
        "kind": Call.Kind.CONVERSATION,
        "duration_s": 120,
        "work_s": 95,
        "agent": "CL2",
        "caller_number": "514 555 0101",
        "caller_name": "Caller",
        "description": "Message taken",
        "billing_units": Decimal(units) if units is not None else None,
        "invoice_number": f"{account.billing_account.number}-202611" if units is not None else "",
    }
    values.update(extra)
    return Call.objects.create(account=account, **values)
