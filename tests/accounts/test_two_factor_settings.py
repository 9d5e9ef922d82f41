"""Turning two-factor sign-in on and off from /settings/, and the recovery codes."""

import re
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.actions import FRESH_CODES_KEY
from accounts.models import AccessEvent, UserSession
from tests.conftest import signed_in
from tests.factories import PASSWORD, make_totp_device, totp_code, verify_session

pytestmark = pytest.mark.django_db


def secret_on(html: str) -> bytes:
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    return b32decode(secret.replace(" ", ""))


def code_for(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def test_settings_show_two_factor_off_with_a_way_to_turn_it_on(alice_client):
    html = alice_client.get("/settings/").content.decode()
    assert "Two-factor sign-in" in html
    assert 'href="/settings/two-factor/"' in html


def test_set_up_page_draws_the_qr_code_and_shows_the_secret(alice_client, alice):
    response = alice_client.get("/settings/two-factor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="qr-code" role="img"' in html
    assert "<path" in html
    assert "<script" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert secret_on(html) == device.bin_key
    # Reloading keeps the same secret (the app may already hold it).
    assert secret_on(alice_client.get("/settings/two-factor/").content.decode()) == device.bin_key


def test_one_right_code_turns_it_on_and_shows_ten_codes_once(alice_client, alice, account):
    key = secret_on(alice_client.get("/settings/two-factor/").content.decode())
    response = alice_client.post("/settings/two-factor/", {"code": code_for(key)})
    assert response.status_code == 302
    assert response["Location"] == "/settings/two-factor/recovery-codes/"
    assert two_factor.has_two_factor(alice)
    # This session counts as verified by the app.
    assert alice_client.session[DEVICE_ID_SESSION_KEY]

    page = alice_client.get("/settings/two-factor/recovery-codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    download = alice_client.get("/settings/two-factor/recovery-codes.txt")
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)

    assert alice_client.post("/settings/two-factor/recovery-codes/").status_code == 302
    assert alice_client.get("/settings/two-factor/recovery-codes/")["Location"] == "/settings/"
    assert alice_client.get("/settings/two-factor/recovery-codes.txt").status_code == 404
    assert "Two-factor sign-in turned on" not in page  # the log shows it, not this page
    event = AccessEvent.objects.get(action="changed", account=account)
    assert (event.object_type, event.object_ref) == ("accounts.two_factor", "on")


def test_a_wrong_code_does_not_turn_it_on(alice_client, alice):
    key = secret_on(alice_client.get("/settings/two-factor/").content.decode())
    wrong = "000000" if code_for(key) != "000000" else "111111"
    response = alice_client.post("/settings/two-factor/", {"code": wrong})
    assert response.status_code == 400
    assert "This code does not match" in response.content.decode()
    assert not two_factor.has_two_factor(alice)


def test_a_code_in_letters_is_refused_next_to_the_field(alice_client, alice):
    response = alice_client.post("/settings/two-factor/", {"code": "abc"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not two_factor.has_two_factor(alice)


def test_turning_it_on_ends_the_users_other_sessions(alice, account):
    elsewhere = signed_in(alice)
    here = signed_in(alice)
    key = secret_on(here.get("/settings/two-factor/").content.decode())
    here.post("/settings/two-factor/", {"code": code_for(key)})
    assert UserSession.objects.filter(user=alice).count() == 1
    response = elsewhere.get(f"/a/{account.number}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert here.get(f"/a/{account.number}/").status_code == 200


def test_the_set_up_page_sends_back_when_it_is_already_on(alice, account):
    client = Client()
    make_totp_device(alice)
    verify_session(client, alice)
    assert client.get("/settings/two-factor/")["Location"] == "/settings/"


@pytest.fixture
def alice_with_app(alice):
    client = Client()
    device = verify_session(client, alice)
    codes = two_factor.new_recovery_codes(alice)
    return client, device, codes


def test_settings_show_it_on_with_the_codes_left(alice_with_app):
    client, _device, _codes = alice_with_app
    html = client.get("/settings/").content.decode()
    assert "You have 10 recovery codes left." in html
    assert 'action="/settings/two-factor/turn-off/"' in html


def test_turning_it_off_needs_the_password_and_a_code(alice_with_app, alice, account):
    client, device, _codes = alice_with_app
    response = client.post("/settings/two-factor/turn-off/", {"password": "nope", "code": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This is not your password." in html
    assert "This field is required." in html
    assert two_factor.has_two_factor(alice)

    response = client.post(
        "/settings/two-factor/turn-off/", {"password": PASSWORD, "code": totp_code(device)}
    )
    assert response.status_code == 302
    assert not two_factor.has_two_factor(alice)
    assert two_factor.recovery_codes_left(alice) == 0
    assert AccessEvent.objects.filter(object_ref="off", account=account).exists()


def test_turning_it_off_with_a_wrong_code_counts_toward_the_lockout(alice_with_app, alice):
    client, device, _codes = alice_with_app
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post("/settings/two-factor/turn-off/", {"password": PASSWORD, "code": wrong})
    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert two_factor.has_two_factor(alice)
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 1


def test_turning_it_off_works_with_a_recovery_code(alice_with_app, alice):
    client, _device, codes = alice_with_app
    response = client.post(
        "/settings/two-factor/turn-off/", {"password": PASSWORD, "code": codes[3]}
    )
    assert response.status_code == 302
    assert not two_factor.has_two_factor(alice)


def test_it_cannot_be_turned_off_when_an_account_requires_it(alice_with_app, alice, account):
    client, device, _codes = alice_with_app
    account.require_two_factor = True
    account.save()
    assert "stays on" in client.get("/settings/").content.decode()
    response = client.post(
        "/settings/two-factor/turn-off/", {"password": PASSWORD, "code": totp_code(device)}
    )
    assert response.status_code == 400
    assert "An account you belong to requires two-factor sign-in." in response.content.decode()
    assert two_factor.has_two_factor(alice)


def test_new_recovery_codes_replace_the_old_ones(alice_with_app, alice):
    client, _device, old = alice_with_app
    assert client.post("/settings/two-factor/new-codes/", {"password": "nope"}).status_code == 400
    response = client.post("/settings/two-factor/new-codes/", {"password": PASSWORD})
    assert response["Location"] == "/settings/two-factor/recovery-codes/"
    new = client.session[FRESH_CODES_KEY]["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.check_code(alice, new[0]).device is not None
    assert two_factor.check_code(alice, old[0]).device is None


def test_the_settings_sub_pages_need_sign_in(db):
    client = Client()
    for path in ("/settings/two-factor/", "/settings/two-factor/recovery-codes/"):
        assert client.get(path)["Location"].startswith("/login/?next=")
    assert client.post("/settings/two-factor/turn-off/")["Location"].startswith("/login/")
