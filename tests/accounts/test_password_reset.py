"""The forgotten-password page does the same work whether the address has an account:
it enqueues one task with the address, and the worker writes and sends the e-mail."""

import pytest
from django.test import Client

from accounts.tasks import send_password_reset

pytestmark = pytest.mark.django_db


def ask(address: str, **headers):
    return Client(**headers).post("/password-reset/", {"email": address})


def run(results) -> list:
    return [result.task.call(*result.args, **result.kwargs) for result in results]


def test_the_reset_link_sets_a_new_password(alice, mailoutbox, enqueued_tasks):
    response = ask("alice@example.com")
    assert response.status_code == 302
    assert mailoutbox == []  # nothing is sent while the visitor waits
    assert run(enqueued_tasks) == [1]
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    client = Client()
    response = client.get(link.split("testserver", 1)[1].strip(), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-new-pass-phrase-77", "new_password2": "a-new-pass-phrase-77"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-pass-phrase-77")


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(
    alice, mailoutbox, enqueued_tasks
):
    known = ask("alice@example.com")
    known_work = [(r.task.name, len(r.args), list(r.args[1:]), r.kwargs) for r in enqueued_tasks]
    enqueued_tasks.clear()
    unknown = ask("nobody@example.com")
    unknown_work = [(r.task.name, len(r.args), list(r.args[1:]), r.kwargs) for r in enqueued_tasks]

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    assert (
        known_work
        == unknown_work
        == [(send_password_reset.name, 4, ["testserver", False, "en"], {})]
    )
    assert [r.args[0] for r in enqueued_tasks] == ["nobody@example.com"]
    assert run(enqueued_tasks) == [0]
    assert mailoutbox == []


def test_the_page_does_not_read_the_users_table(alice, django_assert_num_queries, enqueued_tasks):
    """The only query is the task's row: nothing that depends on the address."""
    client = Client()
    client.get("/password-reset/")
    with django_assert_num_queries(1) as captured:
        client.post("/password-reset/", {"email": "alice@example.com"})
    assert "accounts_user" not in captured.captured_queries[0]["sql"]


def test_the_email_is_in_the_users_language(alice, mailoutbox, enqueued_tasks):
    alice.language = "fr"
    alice.save()
    ask("ALICE@example.com")
    run(enqueued_tasks)
    assert "nouveau mot de passe" in mailoutbox[0].subject.lower()


def test_an_invalid_address_is_refused_next_to_the_field_and_enqueues_nothing(enqueued_tasks, db):
    response = ask("not-an-address")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert enqueued_tasks == []


def test_inactive_users_get_no_email(alice, mailoutbox, enqueued_tasks):
    alice.is_active = False
    alice.save()
    ask("alice@example.com")
    assert run(enqueued_tasks) == [0]
    assert mailoutbox == []
