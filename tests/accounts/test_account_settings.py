"""/a/<number>/settings/: the manager requires two-factor sign-in for the whole account."""

import pytest
from django.test import Client

from accounts.models import AccessEvent
from tests.conftest import verified
from tests.factories import PASSWORD, make_totp_device

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return f"/a/{account.number}/settings/"


@pytest.fixture
def manager(alice):
    """alice with her authenticator app, signed in with it."""
    return verified(alice)


def test_page_shows_the_requirement_and_who_has_it_on(manager, account, bob, alice):
    response = manager.get(url(account))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="require_two_factor"' in html
    assert 'data-testid="two-factor-alice"><span class="badge text-bg-success">On' in html
    assert 'data-testid="two-factor-bob"><span class="badge text-bg-secondary">Off' in html


def test_page_is_in_the_managers_menu(manager, account):
    html = manager.get(f"/a/{account.number}/").content.decode()
    assert f'href="{url(account)}"' in html


@pytest.mark.parametrize("client_fixture", ["bob_client", "carol_client"])
def test_members_and_billing_users_get_403(request, client_fixture, account):
    client = request.getfixturevalue(client_fixture)
    assert client.get(url(account)).status_code == 403
    assert client.post(url(account), {"require_two_factor": "on"}).status_code == 403
    account.refresh_from_db()
    assert not account.require_two_factor


def test_another_accounts_settings_are_404(manager, other_account):
    assert manager.get(url(other_account)).status_code == 404
    assert manager.post(url(other_account), {"require_two_factor": "on"}).status_code == 404
    other_account.refresh_from_db()
    assert not other_account.require_two_factor


def test_requiring_it_is_saved_and_logged(manager, account):
    response = manager.post(url(account), {"require_two_factor": "on"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.require_two_factor
    event = AccessEvent.objects.get(account=account, action="changed")
    assert (event.username, event.object_ref) == ("alice", "on")
    # Saving the same again logs nothing more; turning it off is logged too.
    manager.post(url(account), {"require_two_factor": "on"})
    manager.post(url(account), {})
    assert list(
        AccessEvent.objects.filter(account=account, action="changed")
        .order_by("at", "pk")
        .values_list("object_ref", flat=True)
    ) == ["on", "off"]


def test_a_manager_without_two_factor_cannot_require_it(alice_client, account):
    response = alice_client.post(url(account), {"require_two_factor": "on"})
    assert response.status_code == 400
    assert "Turn on two-factor sign-in for yourself first" in response.content.decode()
    account.refresh_from_db()
    assert not account.require_two_factor


def test_the_requirement_sends_a_user_without_it_to_set_up_at_sign_in(manager, account, bob):
    manager.post(url(account), {"require_two_factor": "on"})
    client = Client()
    response = client.post(
        "/login/", {"username": "bob", "password": PASSWORD, "next": f"/a/{account.number}/"}
    )
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"/settings/two-factor/?next=/a/{account.number}/"


def test_the_requirement_reaches_sessions_already_open(manager, bob_client, account):
    assert bob_client.get(f"/a/{account.number}/").status_code == 200
    manager.post(url(account), {"require_two_factor": "on"})
    assert bob_client.get(f"/a/{account.number}/")["Location"].startswith("/settings/two-factor/")


def test_the_requirement_of_one_account_covers_the_users_other_accounts(
    erin_client, account, other_account
):
    account.require_two_factor = True
    account.save()
    response = erin_client.get(f"/a/{other_account.number}/")
    assert response["Location"].startswith("/settings/two-factor/")


def test_users_with_two_factor_are_not_held_back(manager, account, bob):
    make_totp_device(bob)
    manager.post(url(account), {"require_two_factor": "on"})
    assert verified(bob).get(f"/a/{account.number}/").status_code == 200
