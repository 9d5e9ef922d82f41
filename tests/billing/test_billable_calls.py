from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from billing.cycles import cycle_containing, last_complete_cycle
from billing.forms import BillableCallsForm, default_range
from tests.factories import make_account, make_billed_call

pytestmark = pytest.mark.django_db

PORTAL_EXAMPLE = ["1.50", "3.25", "2.00", "0.75", "1.50", "2.25", "2.50"]  # 01:30 03:15 ...


def url(account) -> str:
    return f"/a/{account.number}/billing/calls/"


def today_of(account) -> date:
    return timezone.localdate(timezone=account.tzinfo)


def at(account, day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=account.tzinfo)


def in_default_range(account) -> date:
    day_range, _cut = default_range(today_of(account))
    return day_range.start + timedelta(days=2)


def test_the_portal_example_gives_7_calls_13_75_and_1_96(carol_client, account):
    day = in_default_range(account)
    for minutes in PORTAL_EXAMPLE:
        make_billed_call(account, at(account, day), minutes)

    response = carol_client.get(url(account))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total-calls">7<' in html
    assert 'data-testid="total-stat">13.75<' in html
    assert 'data-testid="average-stat">1.96<' in html
    for shown in ["01:30", "03:15", "02:00", "00:45", "02:15", "02:30"]:
        assert shown in html


def test_each_call_shows_its_work_time_next_to_its_billed_minutes(alice_client, account):
    make_billed_call(account, at(account, in_default_range(account)), "2.00", work_s=95)

    html = alice_client.get(url(account)).content.decode()

    assert "1:35" in html  # work time, m:ss
    assert "02:00" in html  # billed, mm:ss


def test_default_range_is_the_last_complete_cycle(alice_client, account):
    day_range, _cut = default_range(today_of(account))
    cycle = last_complete_cycle(today_of(account))

    html = alice_client.get(url(account)).content.decode()

    assert day_range.end == cycle.end
    assert f'value="{day_range.start.isoformat()}"' in html
    assert f'value="{cycle.end.isoformat()}"' in html


def test_only_this_accounts_billed_calls_of_the_range_are_listed(alice_client, account):
    sibling = make_account(5202, "Sibling clinic")  # same billing number 780412
    day = in_default_range(account)
    make_billed_call(account, at(account, day), "1.00", caller_name="Shown caller")
    make_billed_call(account, at(account, day), None, caller_name="Unbilled caller")
    make_billed_call(sibling, at(sibling, day), "1.00", caller_name="Sibling caller")
    make_billed_call(account, at(account, today_of(account)), "1.00", caller_name="Later caller")

    html = alice_client.get(url(account)).content.decode()

    assert "Shown caller" in html
    assert "Unbilled caller" not in html
    assert "Sibling caller" not in html
    assert "Later caller" not in html
    assert 'data-testid="total-calls">1<' in html


def test_a_range_of_local_days_includes_the_whole_last_day(alice_client, account):
    today = today_of(account)
    day = today - timedelta(days=3)
    make_billed_call(account, at(account, day, 23), "1.00", caller_name="Late evening")
    make_billed_call(
        account, at(account, day + timedelta(days=1), 0), "1.00", caller_name="Next day"
    )

    html = alice_client.get(url(account), {"from": day.isoformat(), "to": day.isoformat()}).content
    html = html.decode()

    assert "Late evening" in html
    assert "Next day" not in html


def test_a_start_older_than_60_days_is_refused_next_to_the_field(alice_client, account):
    too_old = today_of(account) - timedelta(days=61)
    make_billed_call(account, at(account, today_of(account) - timedelta(days=2)), "1.00")

    response = alice_client.get(url(account), {"from": too_old.isoformat()})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_from_error"' in html
    assert "Calls are kept 60 days" in html
    assert 'data-testid="totals"' not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "22/11/2026"}, "to"),
        ({"to": "9999-12-31"}, "to"),
        ({"to": "0001-01-01"}, "to"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_bad_dates_get_a_message_by_the_field(alice_client, account, query, field):
    response = alice_client.get(url(account), query)

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert 'data-testid="totals"' not in response.content.decode()


def test_a_date_out_of_range_gets_its_own_message_in_french(alice_client, account):
    alice_client.post("/language/", {"language": "fr", "next": "/"})

    html = alice_client.get(url(account), {"to": "9999-12-31"}).content.decode()

    assert 'id="id_to_error"' in html
    assert "Entrez une date du 1970-01-01 au 2099-12-31." in html


def test_a_reversed_range_is_refused_on_the_end(alice_client, account):
    today = today_of(account)
    query = {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}

    html = alice_client.get(url(account), query).content.decode()

    assert 'id="id_to_error"' in html


def test_no_call_leaves_the_average_blank(alice_client, account):
    html = alice_client.get(url(account)).content.decode()

    assert 'data-testid="total-calls">0<' in html
    assert 'data-testid="total-stat">0.00<' in html
    assert 'data-testid="average-stat"></strong>' in html


def test_the_page_compares_the_running_cycle_with_the_previous_one(alice_client, account):
    today = today_of(account)
    current = cycle_containing(today)
    previous = last_complete_cycle(today)
    make_billed_call(account, at(account, current.start), "2.00")
    make_billed_call(account, at(account, previous.start + timedelta(days=1)), "1.25")
    make_billed_call(account, at(account, previous.end), "1.25")

    html = alice_client.get(url(account)).content.decode()

    current_part = html.split('data-testid="current-cycle">')[1].split("<")[0]
    previous_part = html.split('data-testid="previous-cycle">')[1].split("<")[0]
    assert "1 call, 2.00 minutes" in current_part
    assert "2 calls, 2.50 minutes" in previous_part


def test_htmx_request_gets_only_the_results(alice_client, account, htmx_headers):
    response = alice_client.get(url(account), headers=htmx_headers)

    html = response.content.decode()
    assert 'id="billable-calls"' in html
    assert 'hx-push-url="true"' in html
    assert "<html" not in html


def test_member_gets_403(bob_client, account):
    assert bob_client.get(url(account)).status_code == 403
    assert bob_client.get(url(account) + "export.xlsx").status_code == 403


def test_another_billing_account_gets_404(dave_client, account):
    assert dave_client.get(url(account)).status_code == 404
    assert dave_client.get(url(account) + "export.xlsx").status_code == 404


def test_query_count_does_not_grow_with_calls(alice_client, account, django_assert_max_num_queries):
    day = in_default_range(account)
    for index in range(40):
        make_billed_call(account, at(account, day, index % 24), "1.00")

    with django_assert_max_num_queries(12):
        response = alice_client.get(url(account))

    assert 'data-testid="total-calls">40<' in response.content.decode()


# The form, with a fixed "today".


def test_default_range_after_the_20th():
    form = BillableCallsForm({}, today=date(2026, 11, 22))
    assert form.is_valid()
    assert (form.day_range.start, form.day_range.end) == (date(2026, 10, 20), date(2026, 11, 19))
    assert form.cut_cycle_start is None


def test_default_range_before_the_20th():
    form = BillableCallsForm({}, today=date(2026, 11, 15))
    assert form.is_valid()
    assert (form.day_range.start, form.day_range.end) == (date(2026, 9, 20), date(2026, 10, 19))


def test_default_range_in_january():
    form = BillableCallsForm({}, today=date(2027, 1, 10))
    assert form.is_valid()
    assert (form.day_range.start, form.day_range.end) == (date(2026, 11, 20), date(2026, 12, 19))


def test_default_range_is_cut_to_60_days():
    # Today 19 September: the last complete cycle began 20 July, 61 days ago.
    form = BillableCallsForm({}, today=date(2026, 9, 19))
    assert form.is_valid()
    assert form.day_range.start == date(2026, 7, 21)
    assert form.day_range.end == date(2026, 8, 19)
    assert form.cut_cycle_start == date(2026, 7, 20)


def test_a_start_exactly_60_days_back_is_allowed_and_61_is_not():
    today = date(2026, 11, 22)
    assert BillableCallsForm({"from": "2026-09-23", "to": "2026-11-22"}, today=today).is_valid()
    form = BillableCallsForm({"from": "2026-09-22", "to": "2026-11-22"}, today=today)
    assert not form.is_valid()
    assert "from" in form.errors


def test_from_alone_runs_to_today_and_to_alone_starts_60_days_back():
    today = date(2026, 11, 22)
    form = BillableCallsForm({"from": "2026-11-01"}, today=today)
    assert form.is_valid() and form.day_range.end == today
    form = BillableCallsForm({"to": "2026-11-01"}, today=today)
    assert form.is_valid() and form.day_range.start == date(2026, 9, 23)


def test_the_filtered_part_carries_the_export_and_email_links_of_its_filter(
    alice_client, account, htmx_headers
):
    day = (today_of(account) - timedelta(days=5)).isoformat()
    query = {"from": day, "to": day}

    html = alice_client.get(url(account), query, headers=htmx_headers).content.decode()

    assert f"/a/5201/billing/calls/export.xlsx?from={day}&amp;to={day}" in html
    assert f'action="/a/5201/billing/calls/email/?from={day}&amp;to={day}#email-report"' in html
