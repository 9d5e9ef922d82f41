"""403, 404 and 500 in production (DEBUG off): in the reader's language, in the portal's frame."""

import logging

import pytest
from django.test import Client

from tests.conftest import signed_in


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.fixture
def quiet_errors():
    """The 500's traceback is logged on purpose: kept out of the test's output."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def _as(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return signed_in(user)


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("en", "Page not found", "Back to the home page"),
        ("fr", "Page introuvable", "Retour à l’accueil"),
    ],
)
def test_a_404_is_translated_and_framed(alice, language, title, text):
    client = _as(alice, language)
    response = client.get("/a/5201/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert title in html and text in html
    assert 'class="portal-header' in html and 'data-testid="account-number"' not in html
    assert "Traceback" not in html and "Using the URLconf" not in html


@pytest.mark.parametrize(("language", "title"), [("en", "Not allowed"), ("fr", "Accès refusé")])
def test_a_403_is_translated_and_framed(carol, language, title):
    client = _as(carol, language)
    response = client.get("/a/5201/messages/")
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert title in html
    assert 'data-testid="account-number">5201<' in html  # the frame, with the account


@pytest.mark.parametrize(
    ("language", "title", "not_there"),
    [
        ("en", "Something went wrong", "Une erreur est survenue"),
        ("fr", "Une erreur est survenue", "Something went wrong"),
    ],
)
def test_a_500_is_translated_and_framed_without_the_request(
    settings, alice, quiet_errors, language, title, not_there
):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client = _as(alice, language)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert title in html and not_there not in html
    assert 'class="portal-header' in html and "Northwind" in html
    assert "a bug in a view" not in html


def test_the_500_page_needs_no_request_context(rf):
    from django.utils import translation

    from portal.errors import server_error

    with translation.override("fr"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_an_anonymous_404_is_framed_too():
    response = Client(headers={"accept-language": "fr"}).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
