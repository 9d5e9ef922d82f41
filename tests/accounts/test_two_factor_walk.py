"""Every URL pattern, walked by a user half-way through signing in, and by a user whose
account requires two-factor sign-in before they have set it up: neither reaches anything.

The URLs are filled with the user's OWN account's objects, so a page that let them
through would answer 200.
"""

import pytest
from django.test import Client

from tests.factories import PASSWORD, make_totp_device
from tests.portal.test_walk_urls import all_patterns, fill, params
from tests.tenancy_registry import url_object_makers

pytestmark = pytest.mark.django_db

# The ways in and out, which answer anyone.
OPEN_TO_ALL = (
    "login/",
    "logout/",
    "admin/logout/",
    "password-reset/",
    "language/",
    "healthz",
    "api/v1/openapi.json",
    "static/",
)


def own_values(account) -> dict:
    makers = url_object_makers()
    values = {"number": account.number}
    for route in all_patterns():
        for name in params(route) - values.keys():
            values[name] = makers[name](account) if name in makers else 1
    return values


def walk(client: Client, account, skip: tuple[str, ...]):
    """(method, path, response) for every pattern outside `skip`."""
    values = own_values(account)
    for route in all_patterns():
        if route.startswith(skip):
            continue
        path = fill(route, values)
        response = client.get(path)
        method = "GET"
        if response.status_code == 405:
            response = client.post(path)
            method = "POST"
        yield method, path, response


def test_after_the_password_alone_no_url_answers(alice, account):
    make_totp_device(alice)
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/login/code/"
    walked = 0
    for method, path, response in walk(client, account, OPEN_TO_ALL):
        walked += 1
        status = response.status_code
        assert not 200 <= status < 300, f"{method} {path}: {status}"
        if 300 <= status < 400:
            assert response["Location"].startswith(("/login/", "/admin/login/")), path
        if path.startswith("/api/"):
            assert status in (401, 404, 405), path
        assert account.name not in response.content.decode(errors="replace"), path
    assert walked > 150  # the account pages, the user's settings, the switcher, the admin
    # Still half-way: the code step is the only page that opens.
    assert client.get("/login/code/").status_code == 200


def test_a_user_who_must_set_up_two_factor_sees_only_the_set_up(bob, account):
    account.require_two_factor = True
    account.save()
    client = Client()
    client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    allowed = (*OPEN_TO_ALL, "settings/two-factor/", "api/")
    walked = 0
    for method, path, response in walk(client, account, allowed):
        walked += 1
        assert response.status_code == 302, f"{method} {path}: {response.status_code}"
        assert response["Location"].startswith("/settings/two-factor/"), path
    assert walked > 150
    page = client.get("/settings/two-factor/")
    assert page.status_code == 200
    assert 'data-testid="two-factor-required"' in page.content.decode()


def test_htmx_requests_of_a_user_who_must_set_up_are_sent_to_the_set_up(
    bob_client, account, htmx_headers
):
    account.require_two_factor = True
    account.save()
    response = bob_client.get(f"/a/{account.number}/messages/", headers=htmx_headers)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/settings/two-factor/"
