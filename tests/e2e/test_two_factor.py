"""Two-factor sign-in in a real browser: set up the app from the secret on the page, sign
in with a code, then with a recovery code, which is refused the second time; an account
that requires it takes its users to the set-up first."""

from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import make_account, make_totp_device, make_user


@pytest.fixture
def clinic(transactional_db):
    account = make_account(5202, "Westmount Medical Clinic", language="en")
    james = make_user("james", (account, "manager"), language="en")
    olivia = make_user("olivia", (account, "member"), language="en")
    return account, james, olivia


def code(key: bytes, steps_ahead: int = 0) -> str:
    """What the phone's app shows (a later step, since each code is accepted once)."""
    totp = TOTP(key)
    totp.time += steps_ahead * 30
    return f"{totp.token():06d}"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(
    page, live_server, clinic, sign_in
):
    account, james, _olivia = clinic
    sign_in(james)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Turn on two-factor sign-in").click()

    expect(page.locator("svg.qr-code")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    key = b32decode(secret.replace(" ", ""))
    assert axe_violations(page) == []
    page.get_by_label("Code from the app").fill(code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    codes_list = page.get_by_test_id("recovery-codes")
    expect(codes_list).to_be_visible()
    codes = [c.strip() for c in codes_list.locator("code").all_inner_texts()]
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(c in text for c in codes)
    page.get_by_role("button", name="I have saved them").click()
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("On")

    sign_out(page)
    sign_in(james, home=False)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("Code").fill(code(key, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("account-number")).to_have_text(str(account.number))

    sign_out(page)
    sign_in(james, home=False)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("account-number")).to_have_text(str(account.number))

    sign_out(page)
    sign_in(james, home=False)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This code is not right (or was already used)")).to_be_visible()
    expect(page.get_by_test_id("account-number")).to_have_count(0)


def test_an_account_that_requires_it_takes_its_user_to_the_set_up_first(
    page, live_server, clinic, sign_in
):
    account, james, olivia = clinic
    make_totp_device(james)
    account.require_two_factor = True
    account.save()
    page.set_viewport_size(PHONE)
    sign_in(olivia, home=False)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_test_id("two-factor-required")).to_contain_text("5202")
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert fits_the_screen(page)
    # Any page of the account leads back here.
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()

    key = b32decode(page.get_by_test_id("totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert fits_the_screen(page)
    page.get_by_role("button", name="I have saved them").click()
    assert page.url.endswith(f"/a/{account.number}/messages/")


def test_settings_fit_a_phone(page, live_server, clinic, sign_in):
    _account, james, _olivia = clinic
    page.set_viewport_size(PHONE)
    sign_in(james)
    page.goto(f"{live_server.url}/settings/")
    expect(page.get_by_test_id("open-session")).to_have_count(1)
    assert fits_the_screen(page)
    assert axe_violations(page) == []
