"""An inbox open on a phone, in French: a message pushed through the API appears without a
reload (filter, page and ticked boxes kept), the user acknowledges it, the platform's
receiver gets the signed webhook, and the history says who."""

from __future__ import annotations

import io
import json
import urllib.request

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from api.models import ApiToken
from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import make_account, make_message, make_user
from tests.webhooks.conftest import Receiver

# The inbox polls every 10 seconds: a new message shows within 15.
APPEARS_WITHIN_MS = 15_000
SECRET = "whsec-e2e-0123456789abcdef"
# Stands in for the browser's Notification (headless Chromium shows none) and records
# what the page asks it to show; the user has allowed notifications.
NOTIFICATIONS = """
window.shown = [];
window.Notification = class {
  constructor(title, options) { window.shown.push({title, body: options.body}); }
  addEventListener() {}
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); }
};
"""


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def push(live_server, token: str, number: int, external_id: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{live_server.url}/api/v1/accounts/{number}/messages/{external_id}",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def test_a_pushed_message_appears_is_acknowledged_and_the_platform_hears_of_it(
    transactional_db, live_server, sign_in, page, receiver, monkeypatch
):
    account = make_account(5201, "Plomberie Test inc.", language="fr")
    marie = make_user("marie", (account, "member"), last_name="Tremblay", language="fr")
    older = make_message(account, subject="Chauffe-eau", urgent=True, external_id="M-1")
    make_message(account, subject="Rendez-vous", external_id="M-2")
    _token, token = ApiToken.issue("platform")
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    call_command(
        "webhook_endpoint",
        receiver.url,
        "--events",
        "message.acknowledged",
        "--secret-stdin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    page.set_viewport_size(PHONE)
    page.add_init_script(NOTIFICATIONS)
    sign_in(marie)
    page.goto(f"{live_server.url}/a/{account.number}/messages/?urgent=1")
    rows = page.get_by_test_id("message-row")
    expect(rows).to_have_count(1)
    page.locator(f"#tick-{older.pk}").check()

    urgent = {"taken_at": _now_iso(), "subject": "Odeur de gaz", "urgent": True}
    assert push(live_server, token, 5201, "M-3", urgent) == 201
    plain = {"taken_at": _now_iso(), "subject": "Pas urgent", "urgent": False}
    assert push(live_server, token, 5201, "M-4", plain) == 201

    expect(rows).to_have_count(2, timeout=APPEARS_WITHIN_MS)
    new_row = rows.filter(has_text="Odeur de gaz")
    expect(new_row).to_contain_text("Réception non confirmée")
    expect(page.locator(f"#tick-{older.pk}")).to_be_checked()  # ticked boxes are kept
    expect(page).to_have_url(f"{live_server.url}/a/{account.number}/messages/?urgent=1")
    expect(page.get_by_test_id("message-count")).to_contain_text("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shown = page.evaluate("window.shown")
    assert [note["title"] for note in shown] == ["Message urgent"]
    assert shown[0]["body"].startswith("Message M-3, pris à ")

    new_row.get_by_test_id("acknowledge").click()
    expect(new_row.get_by_test_id("acknowledged")).to_have_text("Reçu")
    expect(page.locator(f"#tick-{older.pk}")).to_be_checked()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    arrival = receiver.wait_for(1)[0]
    assert arrival.signed_with(SECRET)
    assert arrival.json["type"] == "message.acknowledged"
    assert arrival.json["account"] == "5201"
    assert arrival.json["data"]["external_id"] == "M-3"
    assert arrival.json["data"]["acknowledged_by"] == "Marie Tremblay"

    new_row.get_by_role("link", name="M-3").click()
    expect(page.get_by_test_id("history")).to_contain_text("Reçu par Marie Tremblay")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _now_iso() -> str:
    return timezone.now().replace(microsecond=0).isoformat()


def test_on_a_desktop_the_message_page_acknowledges_in_place_and_passes_axe(
    transactional_db, live_server, sign_in, page
):
    account = make_account(5201, "Plomberie Test inc.", language="en")
    alice = make_user("alice", (account, "manager"), language="en")
    message = make_message(account, subject="Gas smell", urgent=True, external_id="M-9")
    make_message(account, subject="Appointment", external_id="M-10")

    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    expect(page.get_by_test_id("not-acknowledged")).to_have_count(1)
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/a/{account.number}/messages/{message.pk}/")
    expect(page.get_by_test_id("acknowledgement")).to_contain_text("Not acknowledged")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("acknowledgement")).to_contain_text("Acknowledged by Alice")
    expect(page.get_by_test_id("history")).to_contain_text("Acknowledged by Alice")
    expect(page.get_by_test_id("acknowledge")).to_have_count(0)
    assert axe_violations(page) == []
