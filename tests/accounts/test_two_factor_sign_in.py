"""Signing in with a second factor: the password, then a code or a recovery code."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts import two_factor
from accounts.models import AccessEvent
from accounts.signin import PENDING_KEY
from tests.factories import PASSWORD, make_totp_device, totp_code

pytestmark = pytest.mark.django_db

ADDRESS = "10.0.0.9"


def password_step(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data, REMOTE_ADDR=ADDRESS)


def code_step(client: Client, code: str):
    return client.post("/login/code/", {"code": code}, REMOTE_ADDR=ADDRESS)


@pytest.fixture
def device(alice):
    return make_totp_device(alice)


@pytest.fixture
def codes(alice, device):
    return two_factor.new_recovery_codes(alice)


def test_right_password_leads_to_the_code_step_without_signing_in(alice, device):
    client = Client()
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    page = client.get("/login/code/")
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_the_apps_code_signs_in_and_goes_where_the_user_was_going(alice, device, account):
    client = Client()
    password_step(client, "alice", next_url=f"/a/{account.number}/messages/")
    response = code_step(client, totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.number}/messages/"
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert PENDING_KEY not in client.session
    assert client.get(f"/a/{account.number}/messages/").status_code == 200


def test_a_code_with_spaces_is_accepted(alice, device, account):
    client = Client()
    password_step(client, "alice")
    code = totp_code(device)
    assert code_step(client, f" {code[:3]} {code[3:]} ").status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_recovery_code_signs_in_once(alice, codes, account):
    client = Client()
    password_step(client, "alice")
    assert code_step(client, codes[0].upper()).status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)

    again = Client()
    password_step(again, "alice")
    response = code_step(again, codes[0])
    assert response.status_code == 200
    assert "This code is not right (or was already used)" in response.content.decode()
    assert "_auth_user_id" not in again.session
    assert two_factor.recovery_codes_left(alice) == 9


def test_the_same_app_code_does_not_work_twice(alice, device):
    code = totp_code(device)
    first = Client()
    password_step(first, "alice")
    assert code_step(first, code).status_code == 302
    second = Client()
    password_step(second, "alice")
    assert code_step(second, code).status_code == 200
    assert "_auth_user_id" not in second.session


def test_a_wrong_code_is_refused_next_to_the_field(alice, device):
    client = Client()
    password_step(client, "alice")
    response = code_step(client, "000000" if totp_code(device) != "000000" else "111111")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This code is not right" in html
    assert 'aria-invalid="true"' in html
    assert "_auth_user_id" not in client.session


def test_an_empty_code_is_refused_in_french_for_a_french_browser(alice, device):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    password_step(client, "alice")
    response = code_step(client, "")
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()


def test_five_wrong_codes_lock_like_five_wrong_passwords(alice, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the device's own back-off is tested below
    client = Client()
    password_step(client, "alice")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    for _ in range(4):
        assert code_step(client, wrong).status_code == 200
    response = code_step(client, wrong)
    assert response.status_code == 429
    assert "locked from this address" in response.content.decode()
    # The half-way sign-in is forgotten, and the password is refused while locked.
    assert PENDING_KEY not in client.session
    assert password_step(Client(), "alice").status_code == 429


def test_wrong_passwords_and_wrong_codes_add_up(alice, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    for _ in range(3):
        assert password_step(client, "alice", "wrong").status_code == 200
    password_step(client, "alice")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    assert code_step(client, wrong).status_code == 200
    assert code_step(client, wrong).status_code == 429


def test_a_locked_user_cannot_use_a_right_code(alice, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    password_step(client, "alice")
    for _ in range(5):
        password_step(Client(), "alice", "wrong")
    response = code_step(client, totp_code(device))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_right_code_resets_the_failures(alice, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    password_step(client, "alice", "wrong")
    password_step(client, "alice")
    assert code_step(client, totp_code(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_quick_retries_after_wrong_codes_are_asked_to_wait(alice, device):
    client = Client()
    password_step(client, "alice")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    code_step(client, wrong)
    response = code_step(client, totp_code(device))
    assert response.status_code == 200
    assert "wait a few seconds" in response.content.decode()
    # Waiting is enough (the back-off counted from the last failure).
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=5)
    device.save()
    assert code_step(client, totp_code(device)).status_code == 302


def test_the_code_step_expires_after_five_minutes(alice, device):
    client = Client()
    password_step(client, "alice")
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "until": 0}
    session.save()
    response = code_step(client, totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_goes_back_to_sign_in(db):
    response = Client().get("/login/code/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_a_user_without_two_factor_signs_in_with_the_password(bob, account):
    client = Client()
    response = password_step(client, "bob")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_a_sign_in_is_in_the_log_of_each_account_of_the_user(erin, account, other_account):
    client = Client()
    password_step(client, "erin")
    events = AccessEvent.objects.filter(action="signed_in", username="erin")
    assert sorted(e.account.number for e in events) == [account.number, other_account.number]
    assert {e.ip_address for e in events} == {ADDRESS}


def test_the_password_step_alone_logs_no_sign_in(alice, device):
    password_step(Client(), "alice")
    assert not AccessEvent.objects.filter(action="signed_in").exists()
