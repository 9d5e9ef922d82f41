import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_settings_page_shows_password_and_language(alice_client):
    response = alice_client.get("/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="old_password"' in html
    assert 'name="language"' in html


def test_change_password(alice_client, alice):
    response = alice_client.post(
        "/settings/",
        {"old_password": PASSWORD, "new_password1": "fresh-secret-4471", "new_password2": "fresh-secret-4471"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("fresh-secret-4471")
    # The session survives the change.
    assert alice_client.get("/settings/").status_code == 200


def test_wrong_old_password_is_refused_by_the_field(alice_client, alice):
    response = alice_client.post(
        "/settings/",
        {"old_password": "nope", "new_password1": "fresh-secret-4471", "new_password2": "fresh-secret-4471"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_language_choice_is_remembered_for_the_user(alice_client, alice, account):
    response = alice_client.post("/language/", {"language": "fr", "next": f"/a/{account.number}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.number}/"
    alice.refresh_from_db()
    assert alice.language == "fr"
    # A new session (another browser) gets the user's language, whatever the browser says.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(alice)
    html = client.get(f"/a/{account.number}/").content.decode()
    assert '<html lang="fr">' in html
    assert "Déconnexion" in html


def test_language_switch_works_before_sign_in():
    client = Client()
    response = client.post("/language/", {"language": "fr", "next": "/login/"})
    assert response.status_code == 302
    html = client.get("/login/").content.decode()
    assert '<html lang="fr">' in html
    assert "Mot de passe" in html


def test_language_switch_refuses_an_outside_next_and_a_bad_language(db):
    client = Client()
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.post("/language/", {"language": "xx"}).status_code == 404
