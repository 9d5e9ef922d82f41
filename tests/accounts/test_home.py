import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_account_name_number_and_billing_number(alice_client, account):
    response = alice_client.get(f"/a/{account.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert account.name in html
    assert 'data-testid="account-number">5201<' in html
    assert 'data-testid="billing-number">780412<' in html


def test_home_of_another_account_is_404(alice_client, other_account):
    assert alice_client.get(f"/a/{other_account.number}/").status_code == 404


def test_home_of_unknown_account_is_404(alice_client):
    assert alice_client.get("/a/999999/").status_code == 404


def test_root_sends_to_last_account_used(erin_client, erin, other_account):
    erin_client.get(f"/a/{other_account.number}/")
    response = erin_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/a/{other_account.number}/"


def test_signed_in_pages_are_never_stored(alice_client, account):
    response = alice_client.get(f"/a/{account.number}/")
    assert "no-store" in response["Cache-Control"]


def test_csp_has_a_nonce_and_no_unsafe_inline(alice_client, account):
    response = alice_client.get(f"/a/{account.number}/")
    policy = response["Content-Security-Policy"]
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
