"""The frame in a real browser: sign in, switch account and language, the phone menu, axe."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import PASSWORD, make_account, make_user


@pytest.fixture
def two_accounts(transactional_db):
    first = make_account(5201, "Plomberie Saint-Laurent inc.")
    second = make_account(7300, "Chauffage Laval Heating", billing="781990")
    user = make_user("erin", (first, "member"), (second, "manager"), language="en")
    return user, first, second


def test_sign_in_switch_account_and_language(page, live_server, two_accounts):
    user, first, second = two_accounts
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("account-number")).to_have_text("5201")
    expect(page.get_by_test_id("account-name")).to_have_text(first.name)

    page.get_by_label("Switch account").select_option(str(second.number))
    expect(page.get_by_test_id("account-number")).to_have_text("7300")
    assert page.url.endswith("/a/7300/")
    expect(page.get_by_test_id("billing-number")).to_have_text("781990")

    page.get_by_test_id("language-fr").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    assert page.url.endswith("/a/7300/")
    user.refresh_from_db()
    assert user.language == "fr"

    page.get_by_test_id("language-en").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_menu_folds_behind_a_button_on_a_phone(page, live_server, two_accounts, sign_in):
    user, first, _second = two_accounts
    page.set_viewport_size(PHONE)
    sign_in(user)
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_be_visible()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    menu_button.click()
    expect(sign_out).to_be_visible()
    home_link = page.locator("#portal-menu").get_by_role("link", name="Home")
    expect(home_link).to_be_visible()
    # Nothing spills sideways at 360 px.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    home_link.click()
    assert page.url.endswith(f"/a/{first.number}/")


def test_sign_in_and_home_pass_axe(page, live_server, two_accounts, sign_in):
    user, _first, _second = two_accounts
    page.goto(f"{live_server.url}/login/")
    assert axe_violations(page) == []
    sign_in(user)
    expect(page.get_by_test_id("account-number")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []
