"""/a/<number>/access-log/: the account's log for its managers, filtered, paged, as CSV."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from tests.factories import make_access_event, make_message, make_recorded_call

pytestmark = pytest.mark.django_db


def url(account, query: str = "") -> str:
    return f"/a/{account.number}/access-log/" + (f"?{query}" if query else "")


def local(account, text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), account.tzinfo)


def events_on(response) -> list[AccessEvent]:
    return [row["event"] for row in response.context["rows"]]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_managers_find_who_played_yesterdays_recording(alice_client, bob_client, account):
    yesterday = timezone.localtime(timezone.now(), account.tzinfo) - timedelta(days=1)
    call = make_recorded_call(account, started_at=yesterday.replace(hour=9, minute=14))
    assert bob_client.get(f"/a/{account.number}/calls/{call.pk}/recording").status_code == 200

    response = alice_client.get(url(account, "action=played"))
    assert response.status_code == 200
    html = response.content.decode()
    (event,) = events_on(response)
    assert (event.username, event.action) == ("bob", "played")
    # In words, in the account's time zone (English: 12-hour clock).
    assert f"Call {yesterday:%Y-%m-%d} 9:14 AM" in html
    assert "Bob" in html


def test_newest_first_with_objects_in_words(alice_client, account, alice):
    message = make_message(account, external_id="M-1001")
    make_access_event(
        account,
        "bob",
        "viewed",
        object_type="messages_app.message",
        object_id=str(message.pk),
        object_ref="M-1001",
        at=timezone.now() - timedelta(hours=2),
    )
    make_access_event(
        account,
        "alice",
        "exported",
        object_type="calllog.call",
        detail="xlsx",
        at=timezone.now() - timedelta(hours=1),
    )
    make_access_event(account, "alice", "signed_in", detail="Firefox on Windows")
    response = alice_client.get(url(account))
    assert [e.action for e in events_on(response)] == ["signed_in", "exported", "viewed"]
    html = response.content.decode()
    assert "Message M-1001" in html
    assert "Call log" in html
    assert "signed in" in html and "Firefox on Windows" in html


def test_a_purged_object_is_still_named(alice_client, account):
    make_access_event(
        account,
        action="viewed",
        object_type="messages_app.message",
        object_id="999999",
        object_ref="M-0042",
    )
    assert "Message M-0042" in alice_client.get(url(account)).content.decode()


def test_only_this_accounts_log_is_shown(alice_client, account, other_account):
    make_access_event(account, "bob")
    make_access_event(other_account, "dave")
    response = alice_client.get(url(account))
    assert [e.username for e in events_on(response)] == ["bob"]


def test_the_page_is_in_the_managers_menu_only(alice_client, bob_client, account):
    assert f'href="{url(account)}"' in alice_client.get(f"/a/{account.number}/").content.decode()
    assert f'href="{url(account)}"' not in bob_client.get(f"/a/{account.number}/").content.decode()


@pytest.mark.parametrize("client_fixture", ["bob_client", "carol_client"])
def test_members_and_billing_users_get_403(request, client_fixture, account):
    client = request.getfixturevalue(client_fixture)
    make_access_event(account)
    assert client.get(url(account)).status_code == 403
    assert client.get(f"/a/{account.number}/access-log/export.csv").status_code == 403


def test_another_accounts_log_is_404(alice_client, other_account):
    make_access_event(other_account, "dave")
    assert alice_client.get(url(other_account)).status_code == 404
    assert alice_client.get(f"/a/{other_account.number}/access-log/export.csv").status_code == 404


def test_htmx_gets_only_the_results(alice_client, account, htmx_headers):
    make_access_event(account)
    response = alice_client.get(url(account, "action=viewed"), headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="access-log-table"' in html


def test_filter_by_local_days(alice_client, account):
    make_access_event(account, at=local(account, "2026-11-19T23:59"))
    inside = make_access_event(account, at=local(account, "2026-11-20T00:00"))
    late = make_access_event(account, at=local(account, "2026-11-20T23:59"))
    make_access_event(account, at=local(account, "2026-11-21T00:00"))
    response = alice_client.get(url(account, "from=2026-11-20&to=2026-11-20"))
    assert events_on(response) == [late, inside]
    response = alice_client.get(url(account, "from=2026-11-20T00:00&to=2026-11-20T12:00"))
    assert events_on(response) == [inside]


def test_filter_by_user(alice_client, account):
    make_access_event(account, "bob")
    make_access_event(account, "carol")
    response = alice_client.get(url(account, "user=carol"))
    assert [e.username for e in events_on(response)] == ["carol"]
    assert events_on(alice_client.get(url(account, "user=nobody"))) == []


@pytest.mark.parametrize(
    ("action", "selects"),
    [
        ("exported", {"exported", "emailed"}),
        ("changed", {"changed", "requested"}),
        ("signed_in", {"signed_in"}),
        ("played", {"played"}),
        ("downloaded", {"downloaded"}),
        ("viewed", {"viewed"}),
    ],
)
def test_filter_by_action(alice_client, account, action, selects):
    for stored in (
        "viewed",
        "played",
        "downloaded",
        "exported",
        "emailed",
        "changed",
        "requested",
        "signed_in",
    ):
        make_access_event(account, action=stored)
    response = alice_client.get(url(account, f"action={action}"))
    assert {e.action for e in events_on(response)} == selects


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-45", "from", "Enter a real date"),
        ("from=2026-11-20&to=2026-11-19", "to", "The end must come after the start."),
        ("action=deleted", "action", "Select a valid choice."),
        ("user=" + "x" * 151, "user", "at most 150 characters"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_shows_nothing(
    alice_client, account, query, field, message
):
    make_access_event(account)
    response = alice_client.get(url(account, query))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert response.context["rows"] == []
    assert 'data-testid="filter-invalid"' in response.content.decode()


def test_pages_of_fifty(alice_client, account):
    start = timezone.now() - timedelta(days=1)
    made = [make_access_event(account, at=start + timedelta(minutes=i)) for i in range(55)]
    first = alice_client.get(url(account, "action=viewed"))
    assert events_on(first) == made[::-1][:50]
    assert 'data-testid="older"' in first.content.decode()
    second = alice_client.get(url(account, "action=viewed&page=2"))
    assert events_on(second) == made[::-1][50:]
    assert 'data-testid="older"' not in second.content.decode()
    assert events_on(alice_client.get(url(account, "page=abc"))) == made[::-1][:50]


def test_query_count_does_not_grow_with_the_log(
    alice_client, account, django_assert_max_num_queries
):
    for _ in range(3):
        make_access_event(account, "bob", object_type="messages_app.message", object_id="1")
    with django_assert_max_num_queries(10) as few:
        alice_client.get(url(account))
    for _ in range(60):
        make_access_event(account, "bob", object_type="messages_app.message", object_id="1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_client.get(url(account))


def test_csv_holds_everything_the_filter_selects(alice_client, account):
    for i in range(60):
        make_access_event(
            account,
            "bob",
            "played",
            object_type="calllog.call",
            object_id=str(i),
            object_ref=local(account, "2026-11-20T09:14").isoformat(),
        )
    make_access_event(account, "carol", "viewed")
    response = alice_client.get(f"/a/{account.number}/access-log/export.csv?action=played")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "5201-access-log-" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["When", "User", "Action", "What", "Detail", "Address"]
    assert len(rows) == 61
    assert rows[1][1:4] == ["bob", "played", "Call 2026-11-20 9:14 AM"]
    # The download is itself in the log.
    exported = AccessEvent.objects.get(action="exported", object_type="accounts.accessevent")
    assert exported.detail == "csv action: played"


def test_csv_is_in_the_readers_language(alice_client, account, alice):
    alice.language = "fr"
    alice.save()
    make_access_event(
        account,
        "bob",
        "played",
        object_type="calllog.call",
        object_id="1",
        object_ref=local(account, "2026-11-20T09:14").isoformat(),
    )
    rows = csv_rows(alice_client.get(f"/a/{account.number}/access-log/export.csv"))
    assert rows[0][0] == "Quand"
    assert rows[1][3] == "Appel du 2026-11-20 09:14"


def test_csv_with_a_bad_filter_goes_back_to_the_page(alice_client, account):
    response = alice_client.get(f"/a/{account.number}/access-log/export.csv?from=nope")
    assert response.status_code == 302
    assert response["Location"] == url(account, "from=nope")
    assert not AccessEvent.objects.filter(action="exported").exists()


def test_page_in_french(alice_client, account, alice):
    alice.language = "fr"
    alice.save()
    make_access_event(
        account,
        "bob",
        "viewed",
        object_type="messages_app.message",
        object_id="1",
        object_ref="M-1001",
    )
    html = alice_client.get(url(account)).content.decode()
    assert "Journal des accès" in html
    assert "Message M-1001" in html
