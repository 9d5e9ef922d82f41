import pytest

from directory.models import tel_uri
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


def url(account, query: str = "") -> str:
    return f"/a/{account.number}/directory/{query}"


def test_it_lists_active_contacts_in_order_with_their_methods(bob_client, account):
    make_contact(account, "Zoé Second", ("phone", "514 555-0100"), position=20)
    make_contact(
        account, "Jean Premier", ("mobile", "438 555-0117"), title="Propriétaire", position=10
    )
    make_contact(account, "Parti Ancien", active=False)
    response = bob_client.get(url(account))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Jean Premier") < html.index("Zoé Second")
    assert "Propriétaire" in html
    assert "Parti Ancien" not in html
    assert "Request a change" in html or "Demander un changement" in html


def test_phones_are_tel_links_and_emails_mailto(bob_client, account):
    make_contact(
        account,
        "Jean",
        ("phone", "514 555-0100 poste 21"),
        ("mobile", "(438) 555-0117"),
        ("fax", "514 555-0101"),
        ("email", "jean@example.com"),
        ("pager", "514 555-0189"),
        ("sms", "438 555-0163"),
    )
    html = bob_client.get(url(account)).content.decode()
    assert 'href="tel:+15145550100;ext=21"' in html
    assert 'href="tel:+14385550117"' in html
    assert 'href="tel:+15145550101"' in html
    assert 'href="mailto:jean@example.com"' in html
    # Pager and SMS are shown with their kind, not as links.
    assert "514 555-0189" in html and 'href="tel:+15145550189"' not in html
    assert "SMS" in html


@pytest.mark.parametrize(
    ("typed", "uri"),
    [
        ("514 555-0100", "tel:+15145550100"),
        ("1-514-555-0100", "tel:+15145550100"),
        ("+33 1 23 45 67 89", "tel:+33123456789"),
        ("514 555-0100 ext. 3", "tel:+15145550100;ext=3"),
        ("514.555.0100 x12", "tel:+15145550100;ext=12"),
        ("—", ""),
    ],
)
def test_tel_uri(typed, uri):
    assert tel_uri(typed) == uri


def test_filter_by_name_or_title(bob_client, account):
    make_contact(account, "Jean Tremblay", title="Propriétaire")
    make_contact(account, "Karine Lefebvre", title="Technicienne")
    html = bob_client.get(url(account, "?q=techn")).content.decode()
    assert "Karine Lefebvre" in html
    assert "Jean Tremblay" not in html
    html = bob_client.get(url(account, "?q=TREMBLAY")).content.decode()
    assert "Jean Tremblay" in html and "Karine Lefebvre" not in html


def test_htmx_filter_renders_only_the_results(bob_client, account, htmx_headers):
    make_contact(account, "Jean Tremblay")
    make_contact(account, "Karine Lefebvre")
    response = bob_client.get(url(account, "?q=karine"), headers=htmx_headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Karine Lefebvre" in html
    assert "Jean Tremblay" not in html
    assert "<html" not in html
    assert 'id="change-request"' not in html


def test_too_long_filter_gets_a_message_by_the_field_and_no_results(bob_client, account):
    make_contact(account, "Jean Tremblay")
    response = bob_client.get(url(account, "?q=" + "x" * 101))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_q_error"' in html
    assert "Jean Tremblay" not in html


def test_another_accounts_directory_is_404(bob_client, other_account):
    make_contact(other_account, "Secret Contact")
    assert bob_client.get(url(other_account)).status_code == 404


def test_only_own_accounts_contacts_are_listed(erin_client, account, other_account):
    make_contact(account, "Mine")
    make_contact(other_account, "Theirs")
    html = erin_client.get(url(account)).content.decode()
    assert "Mine" in html and "Theirs" not in html


def test_billing_role_is_403(carol_client, account):
    assert carol_client.get(url(account)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, account):
    response = client.get(url(account))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_query_count_does_not_grow_with_contacts(
    bob_client, account, django_assert_max_num_queries
):
    for index in range(3):
        make_contact(
            account, f"Contact {index}", ("phone", "514 555-0100"), ("email", "a@example.com")
        )
    with django_assert_max_num_queries(10) as few:
        bob_client.get(url(account))
    for index in range(30):
        make_contact(
            account, f"More {index}", ("phone", "514 555-0100"), ("email", "a@example.com")
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = bob_client.get(url(account))
    assert response.content.decode().count('data-testid="contact"') == 33
