import pytest
from django.urls import URLPattern, get_resolver

from tests.billing.tenancy import URL_OBJECTS

pytestmark = pytest.mark.django_db


def test_billing_is_in_the_menu_for_billing_and_managers_only(carol_client, bob_client, account):
    assert "/a/5201/billing/" in carol_client.get("/a/5201/").content.decode()
    assert "/a/5201/billing/" not in bob_client.get("/a/5201/").content.decode()


def billing_patterns():
    resolver = get_resolver()
    for top in resolver.url_patterns:
        if str(top.pattern) != "a/<int:number>/":
            continue
        for section in top.url_patterns:
            if getattr(section, "namespace", None) == "billing":
                return [p for p in section.url_patterns if isinstance(p, URLPattern)]
    return []


def test_every_billing_url_answers_404_with_another_billing_accounts_objects(
    alice_client, account, other_account
):
    with_objects = [p for p in billing_patterns() if p.pattern.converters]
    assert {p.name for p in with_objects} == {"invoice", "invoice_pdf"}
    for pattern in with_objects:
        path = "/a/5201/billing/" + str(pattern.pattern)
        for name in pattern.pattern.converters:
            path = path.replace(f"<int:{name}>", str(URL_OBJECTS[name](other_account)))
        assert alice_client.get(path).status_code == 404, path
