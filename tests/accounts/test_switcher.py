import pytest

pytestmark = pytest.mark.django_db


def test_switcher_lists_every_account_of_the_user(erin_client, account, other_account):
    html = erin_client.get(f"/a/{account.number}/").content.decode()
    assert 'id="account-switcher"' in html
    assert f'value="{other_account.number}"' in html


def test_switcher_is_not_drawn_for_a_single_account(alice_client, account):
    assert 'id="account-switcher"' not in alice_client.get(f"/a/{account.number}/").content.decode()


def test_switch_keeps_the_section(erin_client, other_account):
    response = erin_client.get("/switch/", {"to": other_account.number, "section": "messages"})
    assert response.status_code == 302
    assert response["Location"] == f"/a/{other_account.number}/messages/"


def test_switch_goes_home_when_the_role_may_not_open_the_section(account, other_account):
    from tests.conftest import signed_in
    from tests.factories import make_user

    user = make_user("frank", (account, "manager"), (other_account, "billing"))
    response = signed_in(user).get("/switch/", {"to": other_account.number, "section": "stats"})
    assert response["Location"] == f"/a/{other_account.number}/"


def test_switch_to_an_account_of_someone_else_is_404(alice_client, other_account):
    assert alice_client.get("/switch/", {"to": other_account.number}).status_code == 404


def test_switch_with_garbage_goes_to_the_start(alice_client):
    assert alice_client.get("/switch/", {"to": "abc"}).status_code == 302
