import pytest

from directory.models import ChangeRequest
from tests.factories import make_change_request, make_contact, make_info_page

pytestmark = pytest.mark.django_db


def test_mark_as_done_closes_the_selected_open_requests(staff_client, support, account, bob):
    first = make_change_request(account, bob, "Un")
    second = make_change_request(account, bob, "Deux")
    untouched = make_change_request(account, bob, "Trois")
    response = staff_client.post(
        "/admin/directory/changerequest/",
        {"action": "mark_as_done", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    for change in (first, second):
        change.refresh_from_db()
        assert change.status == ChangeRequest.Status.DONE
        assert change.closed_at is not None
        assert change.closed_by == support
    untouched.refresh_from_db()
    assert untouched.status == ChangeRequest.Status.OPEN and untouched.closed_at is None


def test_the_client_then_sees_the_request_as_done(staff_client, bob_client, account, bob):
    change = make_change_request(account, bob, "Changer le numéro de Jean")
    staff_client.post(
        "/admin/directory/changerequest/",
        {"action": "mark_as_done", "_selected_action": [change.pk]},
    )
    html = bob_client.get(f"/a/{account.number}/directory/requests/").content.decode()
    assert 'class="status status-green"' in html


def test_change_request_list_filters_by_status_and_account(staff_client, account, other_account):
    make_change_request(account, None, "Ouverte ici")
    make_change_request(account, None, "Fermée ici", status="done")
    make_change_request(other_account, None, "Ailleurs")
    html = staff_client.get(
        f"/admin/directory/changerequest/?status__exact=open&account__id__exact={account.pk}"
    ).content.decode()
    assert "Ouverte ici" in html
    assert "Fermée ici" not in html
    assert "Ailleurs" not in html


def test_admin_pages_open(staff_client, account):
    contact = make_contact(account, "Jean", ("phone", "514 555-0100"))
    page = make_info_page(account)
    for url in (
        "/admin/directory/contact/",
        f"/admin/directory/contact/{contact.pk}/change/",
        "/admin/directory/infopage/?q=urgence",
        f"/admin/directory/infopage/{page.pk}/change/",
        "/admin/directory/changerequest/?q=x",
    ):
        assert staff_client.get(url).status_code == 200, url


def test_admin_contact_form_gives_new_methods_the_contacts_account(staff_client, account):
    contact = make_contact(account, "Jean")
    data = {
        "account": account.pk,
        "external_id": contact.external_id,
        "name": "Jean",
        "title": "",
        "position": 0,
        "active": "on",
        "methods-TOTAL_FORMS": "1",
        "methods-INITIAL_FORMS": "0",
        "methods-0-position": "0",
        "methods-0-kind": "mobile",
        "methods-0-value": "438 555-0117",
        "methods-0-label": "",
    }
    response = staff_client.post(f"/admin/directory/contact/{contact.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    method = contact.methods.get()
    assert method.account == account
