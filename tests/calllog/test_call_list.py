from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from calllog.models import Call, recent_boundary
from tests.factories import make_call, make_recorded_call

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def url(account, query: str = "") -> str:
    return f"/a/{account.number}/calls/{query}"


def section(html: str, name: str) -> str:
    """The HTML of one part of the results: "recent" or "archive"."""
    start = html.index(f'data-testid="{name}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_boundary_is_local_midnight_seven_days_back_in_the_account_time_zone(account):
    # 02:30 UTC on 22 March is still 21 March (22:30 EDT) in Toronto.
    now = datetime(2026, 3, 22, 2, 30, tzinfo=UTC)
    boundary = recent_boundary(account, now)
    assert boundary == datetime(2026, 3, 14, 0, 0, tzinfo=TORONTO)
    assert boundary.astimezone(UTC) == datetime(2026, 3, 14, 4, 0, tzinfo=UTC)


def test_boundary_follows_the_account_time_zone(account):
    account.timezone = "America/Vancouver"
    account.save()
    now = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 23:30 on 21 March in Vancouver
    boundary = recent_boundary(account, now)
    assert boundary == datetime(2026, 3, 14, 0, 0, tzinfo=ZoneInfo("America/Vancouver"))


def test_page_splits_at_the_boundary_both_sides(alice_client, account):
    boundary = recent_boundary(account)
    make_call(account, started_at=boundary, external_id="AT-BOUNDARY", duration_s=60)
    make_call(
        account,
        started_at=boundary - timedelta(seconds=1),
        external_id="JUST-BEFORE",
        duration_s=30,
    )
    make_call(
        account,
        started_at=timezone.now() - timedelta(minutes=5),
        external_id="TODAY",
        duration_s=60,
    )
    html = alice_client.get(url(account)).content.decode()
    recent, archive = section(html, "recent"), section(html, "archive")
    assert "AT-BOUNDARY" in recent and "TODAY" in recent
    assert "JUST-BEFORE" in archive and "JUST-BEFORE" not in recent
    assert "AT-BOUNDARY" not in archive
    assert "2 calls · 2:00" in recent
    assert "1 call · 0:30" in archive


def test_page_lists_calls_with_their_columns_and_buttons(alice_client, account):
    make_recorded_call(account, external_id="WITH-VOICE", agent="SY1", duration_s=95)
    make_call(
        account, external_id="DISPATCH", kind=Call.Kind.TRANSACTION, details={"type": "email"}
    )
    response = alice_client.get(url(account))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voice" in html and "Details" in html
    assert "514-555-0142" in html and "Marc Lefebvre" in html and "SY1" in html
    assert "1:35" in html  # 95 s
    assert 'hx-push-url="true"' in html
    assert 'type="datetime-local"' in html


def test_htmx_request_gets_only_the_results(alice_client, account, htmx_headers):
    make_call(account, external_id="ONE")
    response = alice_client.get(url(account, "?caller=555"), headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="call-results"' in html
    assert "<html" not in html
    assert "ONE" in html


def test_filters_by_caller_digits_agent_kind_and_recording(alice_client, account):
    make_call(account, external_id="MATCH", caller_number="(514) 555-0199", agent="JL1")
    make_recorded_call(account, external_id="RECORDED", caller_number="514-555-0199", agent="JL1")
    make_call(account, external_id="OTHER-NUMBER", caller_number="450-555-0121", agent="JL1")
    make_call(account, external_id="OTHER-AGENT", caller_number="514 555 0199", agent="MJ1")
    make_call(
        account,
        external_id="TRANSACTION",
        caller_number="5145550199",
        agent="JL1",
        kind="transaction",
    )
    html = alice_client.get(
        url(account, "?caller=5145550199&agent=jl1&kind=conversation")
    ).content.decode()
    assert "MATCH" in html and "RECORDED" in html
    assert "OTHER-NUMBER" not in html and "OTHER-AGENT" not in html and "TRANSACTION" not in html
    html = alice_client.get(url(account, "?caller=514-555-0199&recording=1")).content.decode()
    assert "RECORDED" in html and "MATCH" not in html


def test_filters_by_local_date_and_time_range(alice_client, account):
    day = (timezone.localtime(timezone.now(), account.tzinfo) - timedelta(days=3)).date()
    at = lambda h, m: datetime(day.year, day.month, day.day, h, m, tzinfo=account.tzinfo)  # noqa: E731
    make_call(account, started_at=at(9, 15), external_id="MORNING")
    make_call(account, started_at=at(14, 0), external_id="AFTERNOON")
    make_call(account, started_at=at(23, 59), external_id="LATE")
    make_call(account, started_at=at(0, 0) + timedelta(days=1), external_id="NEXT-DAY")
    html = alice_client.get(url(account, f"?from={day}T09:00&to={day}T09:15")).content.decode()
    assert "MORNING" in html and "AFTERNOON" not in html
    html = alice_client.get(url(account, f"?from={day}&to={day}")).content.decode()
    assert "MORNING" in html and "LATE" in html and "NEXT-DAY" not in html
    assert f'value="{day}T00:00"' in html and f'value="{day}T23:59"' in html


def test_calls_older_than_sixty_days_are_never_shown(alice_client, account):
    make_call(account, started_at=timezone.now() - timedelta(days=61), external_id="TOO-OLD")
    html = alice_client.get(url(account, "?from=2000-01-01")).content.decode()
    assert "TOO-OLD" not in html


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-02-30",
        "?to=yesterday",
        "?from=2026-03-22&to=2026-03-01",
        "?kind=voicemail",
        "?to=9999-12-31",
        "?to=0001-01-01",
        "?from=9999-12-31T10:00",
    ],
)
def test_bad_filter_shows_an_error_and_no_results(alice_client, account, query):
    make_call(account, external_id="HIDDEN")
    response = alice_client.get(url(account, query))
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html
    assert "HIDDEN" not in html
    assert 'data-testid="filter-invalid"' in html


def test_a_date_out_of_range_is_named_next_to_its_field(alice_client, account):
    html = alice_client.get(url(account, "?from=0001-01-01")).content.decode()
    assert 'id="id_from_error"' in html
    assert "Enter a date from 1970-01-01 to 2099-12-31." in html


def test_reversed_range_message_is_next_to_the_end_field(alice_client, account):
    html = alice_client.get(url(account, "?from=2026-03-22&to=2026-03-01")).content.decode()
    assert 'id="id_to_error"' in html


def test_other_accounts_calls_are_not_listed(alice_client, account, other_account):
    make_call(other_account, external_id="THEIRS")
    make_call(account, external_id="OURS")
    html = alice_client.get(url(account)).content.decode()
    assert "OURS" in html and "THEIRS" not in html


def test_other_account_log_is_404(alice_client, other_account):
    assert alice_client.get(url(other_account)).status_code == 404


def test_billing_role_is_refused(carol_client, account):
    assert carol_client.get(url(account)).status_code == 403


def test_member_may_open_the_log(bob_client, account):
    assert bob_client.get(url(account)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, account):
    response = client.get(url(account))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_log_query_count_does_not_grow_with_rows(
    alice_client, account, django_assert_max_num_queries
):
    boundary = recent_boundary(account)
    for i in range(3):
        make_call(account, started_at=boundary + timedelta(hours=i + 1))
        make_call(account, started_at=boundary - timedelta(days=i + 1))
    with django_assert_max_num_queries(12) as few:
        alice_client.get(url(account))
    for i in range(40):
        make_recorded_call(account, started_at=boundary + timedelta(minutes=i + 1), content=b"RIFF")
        make_call(account, started_at=boundary - timedelta(days=1, minutes=i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(url(account))
    assert response.status_code == 200


def test_each_part_is_paginated(alice_client, account):
    boundary = recent_boundary(account)
    for i in range(55):
        make_call(account, started_at=boundary - timedelta(hours=i + 1), external_id=f"OLD{i:02d}")
    html = alice_client.get(url(account)).content.decode()
    archive = section(html, "archive")
    assert "Page 1 of 2" in archive
    assert archive.count('data-testid="call-row"') == 50
    html = alice_client.get(url(account, "?archive_page=2")).content.decode()
    assert section(html, "archive").count('data-testid="call-row"') == 5
