"""The "Voice" player in a real browser: play, see the time move, change speed, jump, seek."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_account, make_recorded_call, make_user, wav_bytes


@pytest.fixture
def recorded_call(transactional_db):
    account = make_account(5201, "Plomberie Test inc.", language="en")
    alice = make_user("alice", (account, "manager"), language="en")
    call = make_recorded_call(account, content=wav_bytes(30.0, frequency=300))
    return alice, account, call


def test_player_plays_changes_speed_jumps_and_seeks(live_server, page, sign_in, recorded_call):
    alice, account, call = recorded_call
    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/calls/{call.pk}/")
    audio = page.locator("audio[data-player-audio]")
    expect(page.locator("[data-player-controls]")).to_be_visible()
    expect(page.locator("[data-player-duration]")).to_have_text("0:30")

    page.get_by_role("button", name="Play").click()
    expect(page.get_by_test_id("player-current")).not_to_have_text("0:00", timeout=5000)
    assert audio.evaluate("a => !a.paused")

    page.get_by_label("Speed").select_option("1.5")
    assert audio.evaluate("a => a.playbackRate") == 1.5

    before = audio.evaluate("a => a.currentTime")
    page.get_by_role("button", name="Forward 10 s").click()
    page.wait_for_function("() => document.querySelector('audio').currentTime >= 10")
    assert audio.evaluate("a => a.currentTime") >= before + 9

    page.get_by_role("button", name="Pause").click()
    seek = page.get_by_label("Position in the recording")
    seek.fill("25")
    page.wait_for_function("() => Math.abs(document.querySelector('audio').currentTime - 25) < 1")
    expect(page.get_by_test_id("player-current")).to_have_text("0:25")

    page.get_by_role("button", name="Back 10 s").click()
    page.wait_for_function("() => Math.abs(document.querySelector('audio').currentTime - 15) < 1")
