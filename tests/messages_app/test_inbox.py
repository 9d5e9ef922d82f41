from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from messages_app.actions import mark_read
from tests.factories import make_message

pytestmark = pytest.mark.django_db


def inbox_url(account, query: str = "") -> str:
    return f"/a/{account.number}/messages/" + (f"?{query}" if query else "")


def local(account, text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), account.tzinfo)


def ids_on(response) -> list[str]:
    return [m.external_id for m in response.context["page"].object_list]


def test_inbox_lists_messages_newest_first_with_id_subject_and_caller(alice_client, account):
    older = make_message(account, subject="Fuite d'eau", ago=timedelta(days=2))
    newer = make_message(account, subject="RENDEZ-VOUS", ago=timedelta(hours=1))
    response = alice_client.get(inbox_url(account))
    assert response.status_code == 200
    assert ids_on(response) == [newer.external_id, older.external_id]
    html = response.content.decode()
    assert "RENDEZ-VOUS" in html and "Jean Tremblay" in html
    assert 'hx-push-url="true"' in html


def test_htmx_request_renders_only_the_results_partial(alice_client, account, htmx_headers):
    make_message(account, subject="Fuite d'eau")
    response = alice_client.get(inbox_url(account, "q=fuite"), headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fuite d&#x27;eau" in html or "Fuite d'eau" in html
    assert "<html" not in html and 'data-testid="inbox-filter"' in html


def test_inbox_of_another_account_is_404(alice_client, other_account):
    make_message(other_account)
    assert alice_client.get(inbox_url(other_account)).status_code == 404


def test_billing_role_may_not_open_messages(carol_client, account):
    assert carol_client.get(inbox_url(account)).status_code == 403


def test_member_may_open_messages(bob_client, account):
    assert bob_client.get(inbox_url(account)).status_code == 200


def test_impossible_date_is_reported_next_to_the_field(alice_client, account):
    make_message(account)
    response = alice_client.get(inbox_url(account, "from=2026-02-30"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "from" in form.errors
    assert ids_on(response) == []
    assert 'id="id_from_error"' in response.content.decode()


def test_reversed_range_is_reported_on_the_end_field(alice_client, account):
    make_message(account)
    response = alice_client.get(inbox_url(account, "from=2026-03-10&to=2026-03-01"))
    assert response.status_code == 200
    assert "to" in response.context["form"].errors
    assert ids_on(response) == []


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-13-01", "2026-03-01T25:00", "9999-12-31", "x" * 40]
)
def test_bad_dates_never_raise(alice_client, account, value):
    response = alice_client.get(inbox_url(account, f"from=2026-01-01&to={value}"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=9999-12-31", "to"),
        ("from=0001-01-01", "from"),
        ("to=2100-01-01T00:00", "to"),
        ("from=1969-12-31T23:59", "from"),
    ],
)
def test_dates_out_of_range_get_the_field_error(alice_client, account, query, field):
    make_message(account)
    response = alice_client.get(inbox_url(account, query))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Enter a date from 1970-01-01 to 2099-12-31."]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert ids_on(response) == []


def test_the_date_fields_are_native_pickers_with_hints(alice_client, account):
    html = alice_client.get(inbox_url(account, "from=2026-03-01&to=2026-03-02")).content.decode()
    assert 'type="datetime-local"' in html and 'placeholder="YYYY-MM-DD"' not in html
    assert 'value="2026-03-01T00:00"' in html and 'value="2026-03-02T23:59"' in html
    assert "Up to and including that minute." in html


def test_search_is_accent_and_case_insensitive(alice_client, account):
    hit = make_message(account, subject="Problème de chauffe-eau", fields=(("Ville", "Montréal"),))
    make_message(account, subject="Fuite d'eau", fields=(("Ville", "Laval"),))
    assert ids_on(alice_client.get(inbox_url(account, "q=probleme"))) == [hit.external_id]
    assert ids_on(alice_client.get(inbox_url(account, "q=PROBLÈME montreal"))) == [hit.external_id]


def test_search_reads_field_values_and_caller(alice_client, account):
    hit = make_message(
        account, subject="RENDEZ-VOUS", fields=(("Série", "10906256AJ"),), caller_name="Hélène Côté"
    )
    make_message(account, subject="RENDEZ-VOUS")
    assert ids_on(alice_client.get(inbox_url(account, "q=10906256aj"))) == [hit.external_id]
    assert ids_on(alice_client.get(inbox_url(account, "q=helene cote"))) == [hit.external_id]


def test_from_and_to_dates_are_local_and_to_includes_its_whole_day(alice_client, account):
    now_local = timezone.localtime(timezone.now(), account.tzinfo)
    day = (now_local - timedelta(days=3)).date()
    early = make_message(account, taken_at=local(account, f"{day}T00:10"))
    late = make_message(account, taken_at=local(account, f"{day}T23:50"))
    make_message(account, taken_at=local(account, f"{day - timedelta(days=1)}T23:50"))
    make_message(account, taken_at=local(account, f"{day + timedelta(days=1)}T00:05"))
    response = alice_client.get(inbox_url(account, f"from={day}&to={day}"))
    assert ids_on(response) == [late.external_id, early.external_id]


def test_from_and_to_accept_a_time(alice_client, account):
    day = (timezone.localtime(timezone.now(), account.tzinfo) - timedelta(days=3)).date()
    make_message(account, taken_at=local(account, f"{day}T09:00"))
    inside = make_message(account, taken_at=local(account, f"{day}T11:30"))
    make_message(account, taken_at=local(account, f"{day}T12:01"))
    response = alice_client.get(inbox_url(account, f"from={day}T11:00&to={day}T12:00"))
    assert ids_on(response) == [inside.external_id]


def test_urgent_filter(alice_client, account):
    urgent = make_message(account, urgent=True)
    make_message(account, urgent=False)
    response = alice_client.get(inbox_url(account, "urgent=1"))
    assert ids_on(response) == [urgent.external_id]
    assert "Urgent" in response.content.decode()


def test_unread_filter_is_per_user(alice_client, alice, bob, account):
    read = make_message(account)
    unread = make_message(account)
    mark_read(read, alice)
    mark_read(unread, bob)  # a colleague's reading does not count
    response = alice_client.get(inbox_url(account, "unread=1"))
    assert ids_on(response) == [unread.external_id]
    assert "message-unread" in response.content.decode()


def test_unread_zero_means_all(alice_client, alice, account):
    read = make_message(account)
    mark_read(read, alice)
    assert ids_on(alice_client.get(inbox_url(account, "unread=0"))) == [read.external_id]


def test_messages_older_than_sixty_days_are_never_shown(alice_client, account, settings):
    settings.RETENTION_DAYS = 60
    make_message(account, ago=timedelta(days=61))
    kept = make_message(account, ago=timedelta(days=59))
    response = alice_client.get(inbox_url(account, "from=2000-01-01"))
    assert ids_on(response) == [kept.external_id]


def test_inbox_is_paginated_by_fifty(alice_client, account):
    for hours in range(55):
        make_message(account, ago=timedelta(hours=hours + 1))
    first = alice_client.get(inbox_url(account))
    second = alice_client.get(inbox_url(account, "page=2"))
    assert len(ids_on(first)) == 50 and len(ids_on(second)) == 5
    assert "page=2" in first.content.decode()


def test_inbox_query_count_does_not_grow_with_messages(
    alice_client, account, django_assert_max_num_queries
):
    for hours in range(3):
        make_message(account, ago=timedelta(hours=hours + 1))
    with django_assert_max_num_queries(12) as few:
        alice_client.get(inbox_url(account))
    for hours in range(40):
        make_message(account, ago=timedelta(hours=hours + 10), urgent=hours % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_client.get(inbox_url(account))


def test_inbox_is_not_an_access_event_but_a_message_view_is(alice_client, account):
    message = make_message(account)
    alice_client.get(inbox_url(account))
    assert not AccessEvent.objects.exists()
    alice_client.get(f"/a/{account.number}/messages/{message.pk}/")
    assert AccessEvent.objects.filter(action="viewed", object_id=str(message.pk)).count() == 1


def test_home_panel_counts_unread_messages_of_the_week(alice_client, alice, account):
    make_message(account, ago=timedelta(days=1))
    read = make_message(account, ago=timedelta(days=2))
    make_message(account, ago=timedelta(days=20))
    mark_read(read, alice)
    response = alice_client.get(f"/a/{account.number}/")
    html = response.content.decode()
    assert 'data-testid="panel-messages"' in html
    assert "1 message" in html and "unread=1" in html


def test_home_panel_is_absent_for_billing_role(carol_client, account):
    make_message(account)
    html = carol_client.get(f"/a/{account.number}/").content.decode()
    assert 'data-testid="panel-messages"' not in html
