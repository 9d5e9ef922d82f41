from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_sign_in_with_username_and_password_opens_the_account(alice, account):
    client = Client()
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == f"/a/{account.number}/"


def test_wrong_password_says_so_and_does_not_sign_in(alice):
    client = Client()
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_that_username_from_that_address(alice):
    client = Client()
    for _ in range(4):
        assert attempt(client, "alice", "wrong").status_code == 200
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 429
    assert "locked from this address for 15 minutes" in response.content.decode()
    # Even the right password is refused while locked.
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_is_per_username_and_address(alice, bob):
    client = Client()
    for _ in range(5):
        attempt(client, "alice", "wrong")
    assert attempt(Client(), "bob", PASSWORD).status_code == 302
    assert attempt(Client(), "alice", PASSWORD, address="10.0.0.2").status_code == 302


def test_lock_ends_after_fifteen_minutes(alice):
    client = Client()
    for _ in range(5):
        attempt(client, "alice", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(Client(), "alice", PASSWORD).status_code == 302


def test_lockout_message_is_in_french_for_a_french_browser(alice):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(5):
        response = attempt(client, "alice", "wrong")
    assert response.status_code == 429
    assert "verrouillé" in response.content.decode()


def test_sessions_end_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_sign_out_is_a_post_and_ends_the_session(alice_client, account):
    response = alice_client.post("/logout/")
    assert response.status_code == 302
    assert alice_client.get(f"/a/{account.number}/").status_code == 302


@pytest.mark.parametrize("password", ["wrong", PASSWORD])
def test_attempts_while_locked_do_not_extend_the_lock(alice, password):
    """A stranger who keeps trying cannot keep alice locked out: the lock still ends 15
    minutes after the failure that set it."""
    client = Client()
    for _ in range(5):
        attempt(client, "alice", "wrong")
    locked_at = timezone.now() - timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=locked_at)
    for _ in range(3):
        assert attempt(client, "alice", password).status_code == 429
    stored = AccessAttempt.objects.get()
    assert stored.attempt_time == locked_at and stored.failures_since_start == 5
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(Client(), "alice", PASSWORD).status_code == 302


def test_wrong_codes_while_locked_do_not_extend_the_lock(alice):
    """The second step (two-factor code) shares the counter, and the same rule."""
    from tests.factories import make_totp_device

    make_totp_device(alice)
    client = Client()
    for _ in range(5):
        attempt(client, "alice", "wrong")
    locked_at = timezone.now() - timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=locked_at)
    assert attempt(client, "alice", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at
