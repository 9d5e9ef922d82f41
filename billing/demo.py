"""Demo invoices and payments: three complete billing cycles per billing number.

Runs after the calls seeder, which bills its calls with invoice numbers
f"{billing_number}-{cycle_end:%Y%m}"; each invoice's minutes line is the sum of the
billed minutes of that cycle's calls, so the invoice and the billable calls agree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from billing.actions import LineData, TaxData, write_invoice, write_payment
from billing.billable import day_start
from billing.cycles import Cycle, last_complete_cycle
from billing.formatting import money
from calllog.models import Call

GST = Decimal("5.000")
QST = Decimal("9.975")
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}
FEE_DESCRIPTION = {"en": "Call Center Services", "fr": "Services de centre d'appels"}
CYCLES = 3


def _month(day, language: str) -> str:
    return MONTHS[language].split()[day.month - 1]


def minutes_description(minutes: Decimal, cycle: Cycle, language: str) -> str:
    if language == "fr":
        french_minutes = str(minutes).replace(".", ",")
        return (
            f"{french_minutes} minutes du {cycle.start.day} {_month(cycle.start, 'fr')} "
            f"au {cycle.end.day} {_month(cycle.end, 'fr')}"
        )
    return (
        f"{minutes} minutes from {cycle.start.day} {_month(cycle.start, 'en')} "
        f"to {cycle.end.day} {_month(cycle.end, 'en')}"
    )


def _billed_minutes(account, cycle: Cycle) -> Decimal:
    total = (
        Call.objects.for_account(account)
        .billed()
        .filter(
            started_at__gte=day_start(cycle.start, account),
            started_at__lt=day_start(cycle.end + timedelta(days=1), account),
        )
        .aggregate(minutes=Sum("billing_units"))["minutes"]
    )
    return money(total)


def seed_billing(accounts, rng, stdout) -> None:
    by_billing = defaultdict(list)
    for account in sorted(accounts.values(), key=lambda a: a.number):
        by_billing[account.billing_account].append(account)
    today = timezone.localdate()
    newest = last_complete_cycle(today)
    cycles = [newest]
    for _ in range(CYCLES - 1):
        cycles.append(cycles[-1].previous())
    cycles.reverse()
    methods = ["cheque", "eft", "credit_card"]
    for billing_account, members in by_billing.items():
        fees = {a.number: Decimal(rng.choice(["39.95", "49.95", "64.95"])) for a in members}
        rates = {a.number: Decimal(rng.choice(["0.85", "0.95", "1.10"])) for a in members}
        method = rng.choice(methods)
        for cycle in cycles:
            lines = []
            for account in members:
                language = account.language if account.language in MONTHS else "en"
                fee = fees[account.number]
                lines.append(
                    LineData(FEE_DESCRIPTION[language], Decimal(1), fee, fee, account.number)
                )
                minutes = _billed_minutes(account, cycle)
                rate = rates[account.number]
                lines.append(
                    LineData(
                        minutes_description(minutes, cycle, language),
                        minutes,
                        rate,
                        money(minutes * rate),
                        account.number,
                    )
                )
            subtotal = money(sum(line.amount for line in lines))
            taxes = [
                TaxData("GST", GST, money(subtotal * GST / 100)),
                TaxData("QST", QST, money(subtotal * QST / 100)),
            ]
            total = subtotal + sum(tax.amount for tax in taxes)
            number = f"{billing_account.number}-{cycle.end:%Y%m}"
            invoice_date = cycle.end + timedelta(days=1)
            write_invoice(
                billing_account,
                number,
                date=invoice_date,
                period_start=cycle.start,
                period_end=cycle.end,
                lines=lines,
                taxes=taxes,
                total=total,
            )
            paid_on = invoice_date + timedelta(days=rng.randint(14, 26))
            if paid_on <= today:
                write_payment(
                    billing_account,
                    f"PAY-{number}",
                    date=paid_on,
                    amount=total,
                    method=method,
                    reference=f"{method.upper()[:3]}-{rng.randint(10000, 99999)}",
                )
        stdout.write(f"    billing {billing_account.number}: {len(cycles)} invoices")
