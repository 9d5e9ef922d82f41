import io
import random

import pytest

from accounts.demo import seed_tenants
from directory.demo import seed_directory
from directory.models import Contact, ContactMethod, InfoPage

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(
            Contact.objects.values_list(
                "account__number", "external_id", "name", "position", "active"
            )
        ),
        sorted(
            ContactMethod.objects.values_list(
                "contact__external_id", "kind", "value", "label", "position"
            )
        ),
        sorted(InfoPage.objects.values_list("account__number", "external_id", "title", "body")),
    )


def test_demo_directory_is_realistic_and_idempotent():
    accounts = seed_tenants()
    seed_directory(accounts, random.Random("demo-directory"), io.StringIO())
    first = snapshot()
    method_ids = set(ContactMethod.objects.values_list("pk", flat=True))
    for number in (5201, 5202, 7300):
        assert 5 <= Contact.objects.filter(account__number=number).count() <= 8
        assert 3 <= InfoPage.objects.filter(account__number=number).count() <= 4
    assert Contact.objects.filter(
        external_id="c-5201-1", name="Jean Tremblay", title="Propriétaire"
    ).exists()
    assert InfoPage.objects.filter(account__number=5202, title="Emergency procedure").exists()
    assert (
        ContactMethod.objects.filter(kind="email").exclude(value__endswith="@example.com").count()
        == 0
    )

    seed_directory(accounts, random.Random("demo-directory"), io.StringIO())
    assert snapshot() == first
    assert set(ContactMethod.objects.values_list("pk", flat=True)) == method_ids
