from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from billing.forms import default_range
from tests.e2e.conftest import PHONE
from tests.factories import make_account, make_billed_call, make_invoice, make_payment, make_user


def signed_in(page, live_server, user):
    """A session made by force_login, handed to the browser (faster than the form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page


@pytest.fixture
def billing_user(transactional_db):
    account = make_account(5201, "Plomberie E2E", language="en")
    make_invoice(
        account.billing_account, "780412-202610", day=date(2026, 10, 20), account_number=5201
    )
    make_payment(account.billing_account, "50.00", date(2026, 11, 2))
    day_range, _cut = default_range(timezone.localdate(timezone=account.tzinfo))
    started = datetime.combine(day_range.start + timedelta(days=1), time(10), account.tzinfo)
    for minutes in ["1.50", "3.25"]:
        make_billed_call(account, started, minutes)
    return make_user("carol", (account, "billing"), language="en")


def test_billing_user_reads_an_invoice_and_filters_billable_calls(page, live_server, billing_user):
    signed_in(page, live_server, billing_user)
    page.goto(f"{live_server.url}/a/5201/billing/")
    assert page.get_by_test_id("balance").inner_text() == "$64.98"

    page.get_by_role("link", name="Invoice 780412-202610").click()
    assert page.get_by_test_id("invoice-total").inner_text() == "$114.98"
    assert page.get_by_role("link", name="Download PDF").is_visible()

    page.goto(f"{live_server.url}/a/5201/billing/")
    page.get_by_role("link", name="Billable calls").click()
    assert page.get_by_test_id("total-calls").inner_text() == "2"
    assert page.get_by_test_id("total-stat").inner_text() == "4.75"

    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page.locator("#id_from").fill(yesterday)
    page.locator("#id_to").fill(yesterday)
    page.get_by_role("button", name="Retrieve calls").click()
    page.wait_for_url(f"**from={yesterday}**")
    assert page.get_by_test_id("total-calls").inner_text() == "0"


def test_billable_calls_fit_a_phone(page, live_server, billing_user):
    page.set_viewport_size(PHONE)
    signed_in(page, live_server, billing_user)
    page.goto(f"{live_server.url}/a/5201/billing/calls/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert page.get_by_test_id("total-calls").is_visible()
