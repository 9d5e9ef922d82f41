import pytest
from django.core import mail

from accounts.models import AccessEvent
from directory.models import ChangeRequest
from tests.factories import make_change_request, make_info_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _change_address(settings):
    settings.SERVICE = {**settings.SERVICE, "change_request_email": "changes@service.example"}


def test_directory_request_is_stored_mailed_logged_and_redirects_back(bob_client, bob, account):
    response = bob_client.post(
        f"/a/{account.number}/directory/request/", {"text": "Retirer Patrick Côté de la liste."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.number}/directory/"
    change = ChangeRequest.objects.get()
    assert (change.account, change.requested_by, change.subject) == (account, bob, "directory")
    assert change.info_page is None
    assert change.status == "open"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["changes@service.example"]
    assert "5201" in sent.subject
    assert account.name in sent.body
    assert "5201" in sent.body
    assert "bob" in sent.body
    assert "Retirer Patrick Côté de la liste." in sent.body
    event = AccessEvent.objects.get(action="requested")
    assert (event.user, event.account, event.object_id) == (bob, account, str(change.pk))
    page = bob_client.get(response["Location"]).content.decode()
    assert 'class="alert alert-success"' in page


def test_info_page_request_names_the_page(bob_client, account):
    page = make_info_page(account, "Heures d'ouverture")
    response = bob_client.post(
        f"/a/{account.number}/info/{page.pk}/request/", {"text": "Fermé le samedi dès mai."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.number}/info/{page.pk}/"
    change = ChangeRequest.objects.get()
    assert (change.subject, change.info_page) == ("info_page", page)
    assert "Heures d'ouverture" in mail.outbox[0].subject
    assert "Heures d'ouverture" in mail.outbox[0].body


def test_htmx_request_swaps_the_form_in_place(bob_client, account, htmx_headers):
    response = bob_client.post(
        f"/a/{account.number}/directory/request/", {"text": "Ajouter Karine."}, headers=htmx_headers
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="change-request"')
    assert "alert-success" in html
    assert ChangeRequest.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_too_long_text_gets_a_message_and_nothing_is_stored_or_sent(
    bob_client, account, text
):
    response = bob_client.post(f"/a/{account.number}/directory/request/", {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_text_error"' in html
    assert ChangeRequest.objects.count() == 0
    assert mail.outbox == []


def test_bad_text_on_info_page_with_htmx_shows_the_form_with_its_error(
    bob_client, account, htmx_headers
):
    page = make_info_page(account)
    response = bob_client.post(
        f"/a/{account.number}/info/{page.pk}/request/", {"text": ""}, headers=htmx_headers
    )
    assert response.status_code == 200
    assert 'id="id_text_error"' in response.content.decode()
    assert ChangeRequest.objects.count() == 0
    assert mail.outbox == []


def test_request_for_another_accounts_page_is_404_and_changes_nothing(
    bob_client, account, other_account
):
    theirs = make_info_page(other_account)
    for number in (account.number, other_account.number):
        response = bob_client.post(f"/a/{number}/info/{theirs.pk}/request/", {"text": "Hack"})
        assert response.status_code == 404
    assert (
        bob_client.post(f"/a/{other_account.number}/directory/request/", {"text": "x"}).status_code
        == 404
    )
    assert ChangeRequest.objects.count() == 0
    assert mail.outbox == []


def test_get_on_the_request_url_is_not_allowed(bob_client, account):
    assert bob_client.get(f"/a/{account.number}/directory/request/").status_code == 405


def test_billing_role_may_not_request(carol_client, account):
    page = make_info_page(account)
    assert (
        carol_client.post(f"/a/{account.number}/directory/request/", {"text": "x"}).status_code
        == 403
    )
    assert (
        carol_client.post(f"/a/{account.number}/info/{page.pk}/request/", {"text": "x"}).status_code
        == 403
    )
    assert ChangeRequest.objects.count() == 0


def test_requests_list_shows_the_accounts_requests_newest_first_with_status(
    bob_client, alice, account, other_account
):
    make_change_request(account, alice, "Première demande")
    make_change_request(account, alice, "Deuxième demande", status="done")
    make_change_request(other_account, None, "Pas la nôtre")
    response = bob_client.get(f"/a/{account.number}/directory/requests/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Deuxième demande") < html.index("Première demande")
    assert "Pas la nôtre" not in html
    assert 'class="status status-green"' in html
    assert 'class="status status-yellow"' in html


def test_requests_list_htmx_renders_only_the_results(bob_client, account, htmx_headers):
    make_change_request(account, None, "Une demande")
    response = bob_client.get(f"/a/{account.number}/directory/requests/", headers=htmx_headers)
    html = response.content.decode()
    assert "Une demande" in html
    assert "<html" not in html


def test_requests_list_bad_page_number_shows_first_page(bob_client, account):
    make_change_request(account, None, "Une demande")
    response = bob_client.get(f"/a/{account.number}/directory/requests/?page=abc")
    assert response.status_code == 200
    assert "Une demande" in response.content.decode()


def test_requests_list_of_another_account_is_404(bob_client, other_account):
    assert bob_client.get(f"/a/{other_account.number}/directory/requests/").status_code == 404


def test_requests_list_billing_role_is_403(carol_client, account):
    assert carol_client.get(f"/a/{account.number}/directory/requests/").status_code == 403


def test_requests_list_query_count_does_not_grow(
    bob_client, alice, account, django_assert_max_num_queries
):
    page = make_info_page(account)
    make_change_request(account, alice)
    with django_assert_max_num_queries(10) as few:
        bob_client.get(f"/a/{account.number}/directory/requests/")
    for _ in range(20):
        make_change_request(account, alice, subject="info_page", info_page=page)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = bob_client.get(f"/a/{account.number}/directory/requests/")
    assert response.content.decode().count('data-testid="change-request"') == 21


def test_a_change_request_is_mailed_through_the_queue(bob_client, account, queued_mail, run_tasks):
    from jobs.models import QueuedEmail

    response = bob_client.post(
        f"/a/{account.number}/directory/request/", {"text": "Retirer Patrick Côté."}
    )
    assert response.status_code == 302
    assert mail.outbox == [] and QueuedEmail.objects.count() == 1  # the page did not wait
    assert run_tasks() == 1
    (sent,) = mail.outbox
    assert sent.to == ["changes@service.example"] and "Retirer Patrick Côté." in sent.body


def test_a_change_requests_status_reads_as_a_status_in_french(bob, account):
    from tests.conftest import signed_in

    bob.language = "fr"
    bob.save(update_fields=["language"])
    make_change_request(account, None, "Une demande")
    make_change_request(account, None, "Une autre", status="done")
    html = signed_in(bob).get(f"/a/{account.number}/directory/requests/").content.decode()
    assert '<span class="status status-yellow">Ouverte</span>' in html
    assert '<span class="status status-green">Traitée</span>' in html
    assert "Ouvrir<" not in html
