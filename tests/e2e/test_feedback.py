"""Feedback and focus in a real browser: progress while a filter or a download is on its
way (the response held back by a route), focus and a polite announcement after a filter,
the "Voice" player opened from a call-log row, and the seek bar's 5 s steps."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.factories import make_account, make_message, make_recorded_call, make_user, wav_bytes


@pytest.fixture
def inbox(transactional_db):
    account = make_account(5201, "Plomberie Test inc.", language="fr")
    alice = make_user("alice", (account, "manager"), language="en")
    for hours in range(3):
        make_message(account, subject=f"Fuite {hours}", ago=timedelta(hours=hours + 1))
    make_message(account, subject="Chauffe-eau", ago=timedelta(hours=5))
    return alice, account


def hold(page, pattern: str, when=lambda request: True) -> list:
    """Requests matching `pattern` (and `when`) wait in the returned list until continued."""
    held: list = []

    def keep(route):
        if when(route.request):
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, keep)
    return held


def test_a_filter_shows_progress_disables_its_button_then_focuses_and_announces(
    live_server, page, sign_in, inbox
):
    alice, account = inbox
    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    progress = page.get_by_test_id("progress")
    expect(progress).to_be_hidden()
    held = hold(page, "**/messages/?*", lambda request: "hx-request" in request.headers)

    page.get_by_label("Text").fill("chauffe")
    button = page.get_by_role("button", name="Show messages")
    button.click()
    page.wait_for_function("() => document.querySelector('#portal-progress.htmx-request')")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("Loading…")
    expect(button).to_be_disabled()
    assert len(held) == 1

    held.pop().continue_()
    expect(page.get_by_test_id("message-count")).to_have_text("1 message")
    expect(progress).to_be_hidden()
    expect(page.get_by_role("button", name="Show messages")).to_be_enabled()
    # Focus goes to the results, and their count is announced politely.
    expect(page.locator("#inbox")).to_be_focused()
    announce = page.get_by_test_id("announce")
    expect(announce).to_have_text("1 message")
    assert announce.get_attribute("aria-live") == "polite"


def test_focus_stays_on_the_row_after_acknowledging_with_the_keyboard(
    live_server, page, sign_in, inbox
):
    alice, account = inbox
    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    row = page.get_by_test_id("message-row").first
    row_id = row.get_attribute("id")
    row.get_by_test_id("acknowledge").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{row_id}").get_by_test_id("acknowledged")).to_be_visible()
    # The replaced row takes the focus: it does not fall back to the top of the page.
    page.wait_for_function(
        "(id) => document.activeElement && document.activeElement.closest('#' + id)", arg=row_id
    )


def test_a_download_shows_progress_and_disables_its_button_until_the_file_arrives(
    live_server, page, sign_in, inbox
):
    alice, account = inbox
    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    button = page.get_by_role("button", name="CSV")
    # What the page shows while the file is on its way, recorded as it changes (the page
    # cannot be asked while its download request is pending).
    page.evaluate(
        """() => {
          window.seen = [];
          const progress = document.getElementById("portal-progress");
          const button = document.querySelector("button[formaction$='export.csv']");
          const note = () => window.seen.push({
            progress: progress.classList.contains("htmx-request"), disabled: button.disabled});
          new MutationObserver(note).observe(progress, {attributes: true});
          new MutationObserver(note).observe(button, {attributes: true});
        }"""
    )
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename.endswith(".csv")
    assert any("export.csv?" in url and "download_token=" in url for url in requests)
    # The response's cookie ends the wait: the button comes back, the progress goes.
    expect(button).to_be_enabled()
    expect(page.get_by_test_id("progress")).to_be_hidden()
    seen = page.evaluate("window.seen")
    assert {"progress": True, "disabled": True} in seen, seen
    assert seen[-1] == {"progress": False, "disabled": False}, seen


@pytest.fixture
def call_log(transactional_db):
    account = make_account(5201, "Plomberie Test inc.", language="en")
    alice = make_user("alice", (account, "manager"), language="en")
    call = make_recorded_call(account, content=wav_bytes(30.0, frequency=300))
    return alice, account, call


DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_voice_plays_inline_from_the_call_log_row_and_the_seek_bar_steps_5_s(
    live_server, page, sign_in, call_log, viewport
):
    alice, account, call = call_log
    page.set_viewport_size(viewport)
    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/calls/")
    row = page.locator(f'tr[data-call="{call.external_id}"]')
    voice = row.get_by_test_id("voice")
    expect(voice).to_have_attribute("aria-expanded", "false")
    voice.click()

    # The player opens under the row, on the same page, and plays.
    assert page.url.rstrip("/").endswith("/calls")
    expect(voice).to_have_attribute("aria-expanded", "true")
    player = page.locator(f"#call-player-{call.pk}")
    expect(player).to_be_visible()
    audio = player.locator("audio")
    page.wait_for_function(
        f"() => document.querySelector('#call-player-{call.pk} audio').currentTime > 0.3"
    )
    assert audio.evaluate("a => !a.paused")
    expect(player.get_by_role("button", name="Pause")).to_be_focused()
    download = player.get_by_test_id("download")
    expect(download).to_be_visible()
    assert download.get_attribute("href").endswith(f"/calls/{call.pk}/recording?download=1")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # The buttons' names hold their visible words ("« 10 s" is "Back 10 s").
    player.get_by_role("button", name="Pause").click()
    expect(player.get_by_role("button", name="Back 10 s")).to_be_visible()
    expect(player.get_by_role("button", name="Forward 10 s")).to_be_visible()

    # One arrow key: 5 s.
    audio.evaluate("a => { a.currentTime = 10; }")
    seek = player.get_by_label("Position in the recording")
    seek.focus()
    near = "(t) => Math.abs(document.querySelector('#call-player-%s audio').currentTime - t) < 0.2"
    seek.press("ArrowRight")
    page.wait_for_function(near % call.pk, arg=15)
    seek.press("ArrowLeft")
    seek.press("ArrowLeft")
    page.wait_for_function(near % call.pk, arg=5)
    expect(player.get_by_test_id("player-current")).to_have_text("0:05")

    # Pressed again, "Voice" closes the player.
    voice.click()
    expect(player).to_have_count(0)
    expect(voice).to_have_attribute("aria-expanded", "false")
