import pytest

from tests.factories import make_info_page

pytestmark = pytest.mark.django_db


def test_list_shows_the_pages_titles_in_order_with_links(bob_client, account):
    second = make_info_page(account, "Heures d'ouverture", position=20)
    first = make_info_page(account, "Accueil téléphonique", position=10)
    response = bob_client.get(f"/a/{account.number}/info/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Accueil téléphonique") < html.index("Heures d&#x27;ouverture")
    assert f'href="/a/{account.number}/info/{first.pk}/"' in html
    assert f'href="/a/{account.number}/info/{second.pk}/"' in html


def test_list_shows_only_this_accounts_pages(erin_client, account, other_account):
    make_info_page(account, "Ours")
    make_info_page(other_account, "Theirs")
    html = erin_client.get(f"/a/{account.number}/info/").content.decode()
    assert "Ours" in html and "Theirs" not in html


def test_list_query_count_does_not_grow(bob_client, account, django_assert_max_num_queries):
    make_info_page(account, "One")
    with django_assert_max_num_queries(10) as few:
        bob_client.get(f"/a/{account.number}/info/")
    for index in range(20):
        make_info_page(account, f"Page {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        bob_client.get(f"/a/{account.number}/info/")


def test_page_shows_markdown_rendered(bob_client, account):
    page = make_info_page(
        account, "Urgences", "## Marche à suivre\n\n1. Appeler **Jean**\n2. Attendre"
    )
    response = bob_client.get(f"/a/{account.number}/info/{page.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Marche à suivre</h2>" in html
    assert "<strong>Jean</strong>" in html
    assert 'id="change-request"' in html


def test_script_in_a_body_never_reaches_the_page(bob_client, account):
    page = make_info_page(
        account, "Piège", "Texte\n\n<script>alert('pwned')</script>\n\n<img src=x onerror=alert(1)>"
    )
    html = bob_client.get(f"/a/{account.number}/info/{page.pk}/").content.decode()
    assert "alert(" not in html
    assert "onerror" not in html
    assert "Texte" in html


def test_htmx_request_of_the_page_is_the_page(bob_client, account, htmx_headers):
    page = make_info_page(account, "Heures")
    response = bob_client.get(f"/a/{account.number}/info/{page.pk}/", headers=htmx_headers)
    assert response.status_code == 200
    assert "Heures" in response.content.decode()


def test_another_accounts_page_is_404_even_through_own_account(bob_client, account, other_account):
    theirs = make_info_page(other_account, "Secret")
    assert bob_client.get(f"/a/{account.number}/info/{theirs.pk}/").status_code == 404
    assert bob_client.get(f"/a/{other_account.number}/info/{theirs.pk}/").status_code == 404
    assert bob_client.get(f"/a/{other_account.number}/info/").status_code == 404


def test_unknown_page_is_404(bob_client, account):
    assert bob_client.get(f"/a/{account.number}/info/999999/").status_code == 404


def test_billing_role_is_403(carol_client, account):
    page = make_info_page(account)
    assert carol_client.get(f"/a/{account.number}/info/").status_code == 403
    assert carol_client.get(f"/a/{account.number}/info/{page.pk}/").status_code == 403


def test_sections_are_in_the_menu_for_members_not_for_billing(bob_client, carol_client, account):
    bob_html = bob_client.get(f"/a/{account.number}/").content.decode()
    assert f'href="/a/{account.number}/directory/"' in bob_html
    assert f'href="/a/{account.number}/info/"' in bob_html
    carol_html = carol_client.get(f"/a/{account.number}/").content.decode()
    assert f'href="/a/{account.number}/directory/"' not in carol_html
    assert f'href="/a/{account.number}/info/"' not in carol_html
