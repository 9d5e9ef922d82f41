from django.core import mail

from directory.models import ChangeRequest
from tests.factories import make_contact


def test_member_sends_a_change_request_from_the_directory_and_sees_it_open(
    transactional_db, live_server, page, sign_in, bob, account
):
    make_contact(account, "Jean Tremblay", ("mobile", "514 555-0142"), title="Propriétaire")
    sign_in(bob)
    page.goto(f"{live_server.url}/a/{account.number}/directory/")
    assert page.locator("a[href='tel:+15145550142']").is_visible()

    page.locator("#id_text").fill("Ajouter Karine Lefebvre, technicienne, 438 555-0163.")
    page.locator("#change-request button[type=submit]").click()
    page.locator("#change-request .alert-success").wait_for()
    assert ChangeRequest.objects.filter(account=account, requested_by=bob).count() == 1
    assert len(mail.outbox) == 1

    page.locator("#change-request a[href$='/directory/requests/']").click()
    row = page.locator("[data-testid=change-request]")
    row.wait_for()
    assert "Ajouter Karine Lefebvre" in row.inner_text()
    assert row.locator(".status.status-yellow").is_visible()
