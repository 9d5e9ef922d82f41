import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client

from api.models import ApiToken
from directory.models import Contact, InfoPage
from tests.factories import make_contact

pytestmark = pytest.mark.django_db

JEAN = {
    "name": "Jean Tremblay",
    "title": "Propriétaire",
    "position": 10,
    "methods": [
        {"kind": "mobile", "value": "514 555-0142", "label": "Cellulaire"},
        {"kind": "email", "value": "jean@example.com", "label": ""},
    ],
}


@pytest.fixture
def api(db):
    _token, secret = ApiToken.issue("platform")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def put(api, path, body):
    return api.put(f"/api/v1{path}", body, content_type="application/json")


def methods_of(contact):
    return list(contact.methods.values_list("kind", "value", "label"))


def test_put_contact_creates_then_replay_is_unchanged(api, account):
    response = put(api, "/accounts/5201/contacts/c-1", JEAN)
    assert response.status_code == 201
    assert response.json()["outcome"] == "created"
    contact = Contact.objects.get(account=account, external_id="c-1")
    assert (contact.name, contact.title, contact.position, contact.active) == (
        "Jean Tremblay",
        "Propriétaire",
        10,
        True,
    )
    assert methods_of(contact) == [
        ("mobile", "514 555-0142", "Cellulaire"),
        ("email", "jean@example.com", ""),
    ]
    method_ids = list(contact.methods.values_list("pk", flat=True))

    again = put(api, "/accounts/5201/contacts/c-1", JEAN)
    assert again.status_code == 200
    assert again.json() == {"external_id": "c-1", "id": contact.pk, "outcome": "unchanged"}
    assert list(contact.methods.values_list("pk", flat=True)) == method_ids


def test_put_contact_replaces_methods_wholesale_in_order(api, account):
    put(api, "/accounts/5201/contacts/c-1", JEAN)
    changed = {
        **JEAN,
        "methods": [
            {"kind": "fax", "value": "514 555-0101"},
            {"kind": "phone", "value": "514 555-0100"},
        ],
    }
    response = put(api, "/accounts/5201/contacts/c-1", changed)
    assert response.status_code == 200
    assert response.json()["outcome"] == "replaced"
    contact = Contact.objects.get(external_id="c-1")
    assert methods_of(contact) == [("fax", "514 555-0101", ""), ("phone", "514 555-0100", "")]
    assert {m.account_id for m in contact.methods.all()} == {account.pk}


def test_reordering_methods_is_a_replacement(api, account):
    put(api, "/accounts/5201/contacts/c-1", JEAN)
    reordered = {**JEAN, "methods": list(reversed(JEAN["methods"]))}
    assert put(api, "/accounts/5201/contacts/c-1", reordered).json()["outcome"] == "replaced"
    assert methods_of(Contact.objects.get())[0][0] == "email"


def test_same_external_id_in_two_accounts_are_two_contacts(api, account, other_account):
    put(api, "/accounts/5201/contacts/c-1", JEAN)
    assert put(api, "/accounts/7300/contacts/c-1", {"name": "Autre"}).status_code == 201
    assert Contact.objects.get(account=other_account).name == "Autre"
    assert Contact.objects.get(account=account).name == "Jean Tremblay"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**JEAN, "methods": [{"kind": "telegram", "value": "x"}]}, "methods.0.kind"),
        ({**JEAN, "nickname": "Jeannot"}, "nickname"),
        ({"title": "Sans nom"}, "name"),
        ({**JEAN, "name": ""}, "name"),
        ({**JEAN, "methods": [{"kind": "email", "value": "pas-une-adresse"}]}, "methods.0"),
        ({**JEAN, "methods": [{"kind": "phone", "value": "514", "extra": 1}]}, "methods.0.extra"),
        ({**JEAN, "position": "premier"}, "position"),
    ],
)
def test_bad_contact_body_is_400_with_the_field_and_changes_nothing(api, account, body, field):
    response = put(api, "/accounts/5201/contacts/c-1", body)
    assert response.status_code == 400
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields
    assert Contact.objects.count() == 0


def test_bad_replacement_keeps_the_old_contact_and_methods(api, account):
    put(api, "/accounts/5201/contacts/c-1", JEAN)
    bad = {**JEAN, "name": "Nouveau", "methods": [{"kind": "email", "value": "nope"}]}
    assert put(api, "/accounts/5201/contacts/c-1", bad).status_code == 400
    contact = Contact.objects.get()
    assert contact.name == "Jean Tremblay"
    assert len(methods_of(contact)) == 2


def test_unknown_account_is_404(api, account):
    assert put(api, "/accounts/9999/contacts/c-1", JEAN).status_code == 404
    assert put(api, "/accounts/9999/info-pages/p-1", {"title": "T", "body": "B"}).status_code == 404
    assert api.delete("/api/v1/accounts/9999/contacts/c-1").status_code == 404


def test_no_token_is_401(client, account):
    response = client.put(
        "/api/v1/accounts/5201/contacts/c-1", JEAN, content_type="application/json"
    )
    assert response.status_code == 401
    assert Contact.objects.count() == 0


def test_a_client_session_does_not_open_the_api(bob_client, account):
    response = bob_client.put(
        "/api/v1/accounts/5201/contacts/c-1", JEAN, content_type="application/json"
    )
    assert response.status_code == 401


def test_delete_removes_an_unreferenced_contact(api, account):
    put(api, "/accounts/5201/contacts/c-1", JEAN)
    response = api.delete("/api/v1/accounts/5201/contacts/c-1")
    assert response.status_code == 204
    assert Contact.objects.count() == 0


def test_delete_unknown_contact_is_404(api, account, other_account):
    make_contact(other_account, "Theirs", external_id="c-1")
    assert api.delete("/api/v1/accounts/5201/contacts/c-1").status_code == 404
    assert Contact.objects.count() == 1


@pytest.fixture
def assignment_model(db):
    """A table that refers to contacts, as the on-call assignments do."""

    class Assignment(models.Model):
        contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "directory"
            db_table = "test_directory_assignment"

        def __str__(self) -> str:
            return str(self.contact)

    with connection.schema_editor() as editor:
        editor.create_model(Assignment)
    yield Assignment
    del apps.all_models["directory"]["assignment"]
    apps.clear_cache()


def test_delete_of_a_referenced_contact_keeps_it_inactive_and_put_reactivates(
    api, account, bob_client, assignment_model
):
    put(api, "/accounts/5201/contacts/c-1", JEAN)
    contact = Contact.objects.get()
    assignment_model.objects.create(contact=contact)

    assert api.delete("/api/v1/accounts/5201/contacts/c-1").status_code == 204
    contact.refresh_from_db()
    assert contact.active is False
    assert "Jean Tremblay" not in bob_client.get("/a/5201/directory/").content.decode()
    # Deleting again is still 204 and still keeps it.
    assert api.delete("/api/v1/accounts/5201/contacts/c-1").status_code == 204
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = put(api, "/accounts/5201/contacts/c-1", JEAN)
    assert response.status_code == 200
    assert response.json()["outcome"] == "replaced"
    contact.refresh_from_db()
    assert contact.active is True


def test_put_info_page_creates_replaces_and_replays(api, account):
    body = {"title": "Urgences", "body": "## Marche à suivre\n\n1. Appeler", "position": 2}
    assert put(api, "/accounts/5201/info-pages/p-1", body).status_code == 201
    again = put(api, "/accounts/5201/info-pages/p-1", body)
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
    changed = put(api, "/accounts/5201/info-pages/p-1", {**body, "body": "Nouveau"})
    assert (changed.status_code, changed.json()["outcome"]) == (200, "replaced")
    page = InfoPage.objects.get(account=account, external_id="p-1")
    assert (page.title, page.body, page.position) == ("Urgences", "Nouveau", 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Sans corps"}, "body"),
        ({"body": "Sans titre"}, "title"),
        ({"title": "T", "body": "B", "html": "x"}, "html"),
    ],
)
def test_bad_info_page_is_400(api, account, body, field):
    response = put(api, "/accounts/5201/info-pages/p-1", body)
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]
    assert InfoPage.objects.count() == 0


def test_too_long_external_id_is_400(api, account):
    response = put(api, f"/accounts/5201/contacts/{'x' * 65}", JEAN)
    assert response.status_code == 400
    assert Contact.objects.count() == 0


def test_openapi_lists_the_directory_endpoints(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/accounts/{number}/contacts/{external_id}" in paths
    assert {"put", "delete"} <= set(paths["/api/v1/accounts/{number}/contacts/{external_id}"])
    assert "/api/v1/accounts/{number}/info-pages/{external_id}" in paths
