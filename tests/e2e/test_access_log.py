"""The access log in a real browser: a manager filters it on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import make_access_event, make_account, make_user


@pytest.fixture
def clinic(transactional_db):
    account = make_account(5202, "Westmount Medical Clinic", language="en")
    james = make_user("james", (account, "manager"), language="en")
    make_user("olivia", (account, "member"), language="en")
    now = timezone.now()
    make_access_event(
        account,
        "olivia",
        "signed_in",
        at=now - timedelta(hours=3),
        detail="Safari on iPhone",
        ip_address="203.0.113.77",
    )
    make_access_event(
        account,
        "olivia",
        "played",
        at=now - timedelta(hours=2),
        object_type="calllog.call",
        object_id="1",
        object_ref=(now - timedelta(hours=5)).isoformat(),
        ip_address="203.0.113.77",
    )
    make_access_event(
        account,
        "james",
        "exported",
        at=now - timedelta(hours=1),
        object_type="calllog.call",
        detail="xlsx",
    )
    return account, james


def test_a_manager_finds_who_played_a_recording_on_a_phone(page, live_server, clinic, sign_in):
    account, james = clinic
    page.set_viewport_size(PHONE)
    sign_in(james)
    page.goto(f"{live_server.url}/a/{account.number}/access-log/")
    # The three events, and james's own sign-in just now.
    expect(page.get_by_test_id("access-row")).to_have_count(4)
    expect(page.get_by_test_id("access-row").first).to_contain_text("signed in")
    page.get_by_label("Action").select_option("played")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("access-row")).to_have_count(1)
    row = page.get_by_test_id("access-row")
    expect(row).to_contain_text("olivia")
    expect(row).to_contain_text("played")
    expect(row).to_contain_text("Call ")
    assert "action=played" in page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
