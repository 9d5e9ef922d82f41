"""Nothing raw on screen, seen in a real browser in French: translated transaction details,
"Détails" only where there are some, amounts with their currency, a change request's status
as a status, and the error pages in the portal's frame."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from calllog.models import Call
from tests.e2e.conftest import PHONE
from tests.factories import (
    make_account,
    make_call,
    make_change_request,
    make_invoice,
    make_user,
)

NBSP = "\u00a0"
RAW = re.compile(r"\b(from|to|urgent|q)=|America/|mailbox full|\bfailed\b")


@pytest.fixture
def marie(transactional_db):
    account = make_account(5201, "Plomberie Test inc.", language="fr")
    make_invoice(
        account.billing_account,
        "780412-202610",
        day=date(2026, 10, 20),
        amounts=("1234.56",),
        account_number=5201,
    )
    return make_user("marie", (account, "manager"), language="fr")


def signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page


def test_a_transaction_reads_in_french_and_bare_calls_offer_no_details(page, live_server, marie):
    account = marie.memberships.get().account
    make_call(account, external_id="BARE")
    sent = make_call(
        account,
        external_id="SENT",
        kind=Call.Kind.TRANSACTION,
        details={"type": "email", "to": "a@b.ca", "status": "failed", "reason": "mailbox full"},
    )
    signed_in(page, live_server, marie)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/a/5201/calls/")
    expect(page.locator('[data-call="BARE"]').get_by_role("link", name="Détails")).to_have_count(0)
    page.locator('[data-call="SENT"]').get_by_role("link", name=re.compile("^Détails")).click()
    expect(page).to_have_url(re.compile(f"/calls/{sent.pk}/"))
    details = page.get_by_test_id("details")
    for word in ("Destinataire", "État", "Échec", "Raison", "Boîte pleine"):
        expect(details).to_contain_text(word)
    assert not RAW.search(page.locator("main").inner_text())


def test_amounts_carry_the_currency_the_french_way(page, live_server, marie):
    signed_in(page, live_server, marie)
    page.goto(f"{live_server.url}/a/5201/billing/")
    page.get_by_role("link", name=re.compile("780412-202610")).click()
    total = page.get_by_test_id("invoice-total").inner_text()
    assert re.fullmatch(r"1[\u00a0\u202f ]\d{3},\d{2}[\u00a0 ]\$", total), total


def test_a_change_request_status_is_a_word_not_a_button(page, live_server, marie):
    account = marie.memberships.get().account
    make_change_request(account, marie, "Retirer Patrick.")
    signed_in(page, live_server, marie)
    page.goto(f"{live_server.url}/a/5201/directory/requests/")
    status = page.locator("span.status", has_text="Ouverte")
    expect(status).to_be_visible()
    assert status.evaluate("e => getComputedStyle(e).cursor") == "default"
    expect(page.get_by_role("button", name="Ouvrir")).to_have_count(0)
    expect(page.get_by_role("link", name="Ouvrir")).to_have_count(0)


def test_a_missing_page_is_french_and_in_the_frame(page, live_server, marie):
    signed_in(page, live_server, marie)
    response = page.goto(f"{live_server.url}/a/5201/pas-de-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    expect(page.locator("header.portal-header")).to_be_visible()
    page.get_by_role("link", name="Retour à l’accueil").click()
    expect(page).to_have_url(re.compile(r"/a/5201/$"))
