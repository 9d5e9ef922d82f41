from datetime import date
from decimal import Decimal

import pytest

from billing.models import Ledger
from tests.factories import make_invoice, make_payment

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return f"/a/{account.number}/billing/"


def test_running_balance_across_invoices_and_payments(account):
    billing = account.billing_account
    first = make_invoice(billing, day=date(2026, 8, 20), amounts=("100.00",), taxed=False)
    make_payment(billing, "60.00", date(2026, 9, 5))
    second = make_invoice(billing, day=date(2026, 9, 20), amounts=("50.00",), taxed=False)
    make_payment(billing, "90.00", date(2026, 10, 1))
    third = make_invoice(billing, day=date(2026, 10, 20), amounts=("40.00",), taxed=False)

    entries = Ledger(billing.pk)[0:10]

    assert [(e.kind, e.amount, e.balance) for e in entries] == [
        ("invoice", Decimal("40.00"), Decimal("40.00")),
        ("payment", Decimal("90.00"), Decimal("0.00")),
        ("invoice", Decimal("50.00"), Decimal("90.00")),
        ("payment", Decimal("60.00"), Decimal("40.00")),
        ("invoice", Decimal("100.00"), Decimal("100.00")),
    ]
    assert [e.id for e in entries if e.is_invoice] == [third.pk, second.pk, first.pk]


def test_a_payment_the_same_day_as_an_invoice_comes_after_it(account):
    billing = account.billing_account
    make_invoice(billing, day=date(2026, 10, 20), amounts=("80.00",), taxed=False)
    make_payment(billing, "80.00", date(2026, 10, 20))

    entries = Ledger(billing.pk)[0:10]

    assert [(e.kind, e.balance) for e in entries] == [
        ("payment", Decimal("0.00")),
        ("invoice", Decimal("80.00")),
    ]


def test_the_ledger_pages_keep_the_balance_of_the_whole_history(account):
    billing = account.billing_account
    for month in range(1, 7):
        make_invoice(billing, day=date(2026, month, 20), amounts=("10.00",), taxed=False)
    ledger = Ledger(billing.pk)

    older = ledger[2:4]

    assert ledger.count() == 6
    assert [e.balance for e in older] == [Decimal("40.00"), Decimal("30.00")]
    assert ledger.balance == Decimal("60.00")


def test_history_page_shows_invoices_payments_and_balance(carol_client, account):
    billing = account.billing_account
    invoice = make_invoice(billing, day=date(2026, 9, 20), amounts=("100.00",))
    make_payment(billing, "50.00", date(2026, 10, 3), method="eft")

    response = carol_client.get(url(account))

    assert response.status_code == 200
    html = response.content.decode()
    assert "For Billing ID: 780412" in html
    assert f"/a/5201/billing/invoices/{invoice.pk}/" in html
    assert invoice.number in html
    # 100 + 5% + 9.975% = 114.98, less 50 paid.
    assert 'data-testid="balance">$64.98<' in html
    assert "/a/5201/billing/calls/" in html  # the tab to the billable calls


def test_history_htmx_request_gets_only_the_results(alice_client, account, htmx_headers):
    make_invoice(account.billing_account)

    response = alice_client.get(url(account), headers=htmx_headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="billing-history"' in html
    assert "<html" not in html


def test_history_shows_the_siblings_invoices_of_the_same_billing_number(
    alice_client, account, other_account
):
    make_invoice(other_account.billing_account, "781990-OTHER")
    make_invoice(account.billing_account, "780412-MINE")

    html = alice_client.get(url(account)).content.decode()

    assert "780412-MINE" in html
    assert "781990-OTHER" not in html


def test_member_gets_403(bob_client, account):
    assert bob_client.get(url(account)).status_code == 403


def test_another_billing_account_gets_404(dave_client, account):
    assert dave_client.get(url(account)).status_code == 404


def test_bad_page_number_shows_the_last_page_not_an_error(alice_client, account):
    make_invoice(account.billing_account)
    assert alice_client.get(url(account) + "?page=zzz").status_code == 200
    assert alice_client.get(url(account) + "?page=999").status_code == 200


def test_history_query_count_does_not_grow_with_rows(
    alice_client, account, django_assert_max_num_queries
):
    billing = account.billing_account
    for month in range(1, 13):
        make_invoice(billing, day=date(2025, month, 20))
        make_payment(billing, "10.00", date(2025, month, 28))

    with django_assert_max_num_queries(10):
        response = alice_client.get(url(account))

    assert response.status_code == 200
    assert response.content.decode().count('class="ledger-') == 24
