"""The statistics page in a real browser: the filter applied in place, on a phone."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import make_account, make_call, make_user


@pytest.fixture
def client_with_calls(transactional_db):
    account = make_account(5201, "Plomberie Test inc.", timezone="America/Toronto")
    user = make_user("bob", (account, "member"))
    today = timezone.localdate(timezone=account.tzinfo)
    for days in range(1, 15):
        for hour in (2, 9, 13, 18, 23):
            when = datetime.combine(today - timedelta(days=days), time(hour), tzinfo=account.tzinfo)
            make_call(account, when, answered_s=None if hour == 2 else 12)
    return account, user


def test_night_filter_applies_in_place_and_reads_on_a_phone(
    page, live_server, sign_in, client_with_calls
):
    account, user = client_with_calls
    page.set_viewport_size(PHONE)
    sign_in(user)
    page.goto(f"{live_server.url}/a/{account.number}/stats/")
    assert page.get_by_test_id("stats-table").is_visible()
    page.locator("#id_after").fill("17:00")
    page.locator("#id_before").fill("08:00")
    page.get_by_label("Saturday").uncheck()
    page.get_by_label("Sunday").uncheck()
    page.get_by_role("button", name="Retrieve stats").click()
    header = page.get_by_test_id("stats-header")
    header.filter(has_text="Calls after: 17:00").wait_for()
    assert "Day of Week: Mon, Tue, Wed, Thu, Fri" in header.inner_text()
    assert "after=17%3A00" in page.url and "days=mon" in page.url
    assert page.get_by_test_id("chart-hours").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert axe_violations(page) == []


@pytest.fixture
def client_with_two_accounts(transactional_db):
    """olivia's two accounts, in two time zones, each with its own calls."""
    plumber = make_account(5201, "Plomberie Test inc.", timezone="America/Toronto")
    clinic = make_account(5202, "Clinique Westmount", timezone="America/Vancouver")
    user = make_user("olivia", (clinic, "member"), (plumber, "member"))
    for account, count in ((plumber, 3), (clinic, 4)):
        today = timezone.localdate(timezone=account.tzinfo)
        for days in range(1, count + 1):
            when = datetime.combine(today - timedelta(days=days), time(22), tzinfo=account.tzinfo)
            make_call(account, when)
    return plumber, clinic, user


def test_two_accounts_picked_on_a_phone(page, live_server, sign_in, client_with_two_accounts):
    plumber, clinic, user = client_with_two_accounts
    page.set_viewport_size(PHONE)
    sign_in(user)
    page.goto(f"{live_server.url}/a/{plumber.number}/stats/")
    total = page.locator('[data-row="total"] [data-cell="unit"]')
    assert total.inner_text() == "3"
    current = page.get_by_label("5201 Plomberie Test inc.")
    assert current.is_checked() and current.is_disabled()
    # By keyboard: focus the clinic's box and tick it with the space bar.
    clinic_box = page.get_by_label("5202 Clinique Westmount")
    clinic_box.focus()
    page.keyboard.press("Space")
    assert clinic_box.is_checked()
    page.get_by_role("button", name="Retrieve stats").click()
    header = page.get_by_test_id("stats-header")
    header.filter(has_text="Accounts 5201, 5202").wait_for()
    assert total.inner_text() == "7"
    assert "accounts=5202" in page.url
    assert page.get_by_test_id("stats-title").inner_text() == (
        "Plomberie Test inc., Clinique Westmount"
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert axe_violations(page) == []
    # "All my accounts" ticks every box; unticking one unticks "All my accounts".
    everything = page.get_by_label("All my accounts")
    everything.check()
    assert clinic_box.is_checked()
    clinic_box.uncheck()
    assert not everything.is_checked()
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith("5201-statistics-")
