import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.cycles import last_complete_cycle
from billing.demo import seed_billing
from billing.models import Invoice, Payment
from tests.factories import make_account, make_billed_call

pytestmark = pytest.mark.django_db


def run(accounts):
    seed_billing(accounts, random.Random("demo-billing"), io.StringIO())


def test_demo_invoices_bill_the_cycles_minutes_with_quebec_taxes(account, other_account):
    sibling = make_account(5202, "Clinic", language="en")
    cycle = last_complete_cycle(timezone.localdate())
    started = datetime.combine(cycle.start + timedelta(days=3), time(9), account.tzinfo)
    for minutes in ["1.50", "3.25"]:
        make_billed_call(account, started, minutes)
    make_billed_call(sibling, started, "2.00")
    accounts = {5201: account, 5202: sibling, 7300: other_account}

    run(accounts)

    assert Invoice.objects.filter(billing_account=account.billing_account).count() == 3
    assert Invoice.objects.filter(billing_account=other_account.billing_account).count() == 3
    invoice = Invoice.objects.get(number=f"780412-{cycle.end:%Y%m}")
    lines = {(line.account.number, line.description.split()[0]) for line in invoice.lines.all()}
    assert (5201, "4,75") in lines  # a French account: a French line
    assert (5202, "2.00") in lines  # an English account: an English line
    minutes_line = invoice.lines.get(account=sibling, quantity=Decimal("2.00"))
    assert minutes_line.description.startswith("2.00 minutes from 20 ")
    taxes = {tax.name: tax for tax in invoice.taxes.all()}
    assert taxes["GST"].amount == (invoice.subtotal * Decimal("0.05")).quantize(Decimal("0.01"))
    assert taxes["QST"].rate == Decimal("9.975")
    assert invoice.total == invoice.subtotal + taxes["GST"].amount + taxes["QST"].amount
    invoice.full_clean()
    assert Payment.objects.filter(billing_account=account.billing_account).exists()


def test_demo_seeder_is_idempotent(account, other_account):
    accounts = {5201: account, 7300: other_account}
    run(accounts)
    before = sorted(Invoice.objects.values_list("number", "total"))
    payments = Payment.objects.count()

    run(accounts)

    assert sorted(Invoice.objects.values_list("number", "total")) == before
    assert Payment.objects.count() == payments
