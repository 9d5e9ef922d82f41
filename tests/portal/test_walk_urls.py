"""Walk every URL pattern of the portal (docs/architecture.md, tenancy rule 5).

- Signed out, every page that is not public sends the visitor to sign in.
- Signed in, every pattern under /a/<number>/ filled with ANOTHER account's objects
  answers 404 for GET and POST and changes nothing.
A new URL is covered without anyone remembering to add it: a URL keyword that no
tests/<app>/tenancy.py knows how to fill fails the walk.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core import serializers
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.tenancy_registry import account_query_parameters, url_object_makers

pytestmark = pytest.mark.django_db

PUBLIC = (
    "login/",
    "logout/",
    "password-reset/",
    "language/",
    "healthz",
    "admin/",
    "api/v1/",
    "ical/",
)
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def all_patterns(resolver=None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += all_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route.lstrip("^").rstrip("$"))
    return found


def fill(route: str, values: dict) -> str:
    return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), route)


def params(route: str) -> set[str]:
    return {m.group("name") for m in PARAM.finditer(route)}


def account_routes() -> list[str]:
    return [r for r in all_patterns() if r.startswith("a/<int:number>/")]


def tenant_snapshot(of=None) -> str:
    """Every row of every model with an account, or of one account (for 'changes nothing')."""
    rows = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if model._meta.label == "accounts.Account":
            rows.extend(model.objects.filter(**({"pk": of.pk} if of else {})).order_by("pk"))
        elif "account" in names:
            rows.extend(model.objects.filter(**({"account": of} if of else {})).order_by("pk"))
    return serializers.serialize("json", rows)


def test_every_account_page_is_walked():
    assert len(account_routes()) >= 1


def test_every_url_keyword_has_an_object_maker():
    makers = url_object_makers()
    missing = {
        (route, name)
        for route in account_routes()
        for name in params(route) - {"number"}
        if name not in makers
    }
    assert not missing, f"Add these URL keywords to a tests/<app>/tenancy.py: {sorted(missing)}"


def test_signed_out_visitors_are_sent_to_sign_in(account):
    makers = url_object_makers()
    values = {"number": account.number}
    client = Client()
    for route in all_patterns():
        if route.startswith(PUBLIC) or "static" in route:
            continue
        for name in params(route) - values.keys():
            values[name] = makers[name](account) if name in makers else 1
        path = fill(route, values)
        response = client.get(path)
        if response.status_code == 405:  # a POST-only action
            response = client.post(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/?next="), path


def test_another_accounts_objects_answer_404_and_change_nothing(alice, account, other_account):
    makers = url_object_makers()
    theirs = {}
    for route in account_routes():
        for name in params(route) - {"number"} - theirs.keys():
            theirs[name] = makers[name](other_account)
    before = tenant_snapshot()
    client = Client()
    client.force_login(alice)
    for route in account_routes():
        names = params(route) - {"number"}
        if not names:
            continue
        path = fill(route, {"number": account.number, **theirs})
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (404, 405), (
                f"{method.upper()} {path}: {response.status_code}"
            )
    # Any page of the other account itself is 404 for a non-member.
    for route in account_routes():
        path = fill(route, {"number": other_account.number, **theirs})
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (404, 405), (
                f"{method.upper()} {path}: {response.status_code}"
            )
    assert tenant_snapshot() == before


def content_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_account_parameters_never_reach_another_account(alice, account, other_account):
    """Every account page, given another client's account number (or `all`) in a query
    parameter that names accounts, shows nothing of that account and changes nothing."""
    assert "accounts" in account_query_parameters()
    makers = url_object_makers()
    for name in makers:
        makers[name](other_account)  # the other client has data of every kind
    before = tenant_snapshot(of=other_account)
    client = Client()
    client.force_login(alice)
    secret = other_account.name.encode()
    for route in account_routes():
        if params(route) - {"number"}:
            continue
        path = fill(route, {"number": account.number})
        for parameter in sorted(account_query_parameters()):
            for value in (str(other_account.number), "all"):
                response = client.get(path, {parameter: value})
                if response.status_code == 302:  # long work: its job page, of this account
                    assert response["Location"].startswith(f"/a/{account.number}/exports/")
                    response = client.get(response["Location"])
                assert response.status_code in (200, 400, 403, 405), (path, parameter, value)
                assert secret not in content_of(response), (path, parameter, value)
    assert tenant_snapshot(of=other_account) == before
