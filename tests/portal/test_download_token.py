"""A download asked for with download_token=T comes with the cookie download_T, which
tells the page (portal.js) that the file has started to arrive."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_file_asked_for_with_a_token_sets_its_cookie(alice_client, account):
    response = alice_client.get(
        f"/a/{account.number}/calls/export.csv", {"download_token": "abc123"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    cookie = response.cookies["download_abc123"]
    assert cookie.value == "1"
    assert cookie["max-age"] == 120
    assert cookie["samesite"] == "Lax"
    assert not cookie["httponly"]


def test_no_cookie_for_a_page_a_missing_token_or_a_token_that_is_not_plain(alice_client, account):
    page = alice_client.get(f"/a/{account.number}/calls/", {"download_token": "abc123"})
    assert page.status_code == 200
    assert not [name for name in page.cookies if name.startswith("download_")]
    for params in ({}, {"download_token": "a;b"}, {"download_token": "x" * 41}):
        response = alice_client.get(f"/a/{account.number}/calls/export.csv", params)
        assert response.status_code == 200
        assert not [name for name in response.cookies if name.startswith("download_")]
