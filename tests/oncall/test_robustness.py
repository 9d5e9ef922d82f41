"""Accepted means displayable: out-of-range calendar dates get the field error, and a shift
stored with an extreme instant (before the intake rules) breaks no page, export, feed or API."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from oncall import actions
from oncall.models import Shift
from tests.factories import make_shift

pytestmark = pytest.mark.django_db


def url(account, schedule, rest=""):
    return f"/a/{account.number}/oncall/{schedule.pk}/{rest}"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "2100-01-01"])
@pytest.mark.parametrize("view", ["day", "week", "month", "list"])
def test_an_out_of_range_date_is_a_field_error_in_every_view(
    alice_client, account, schedule, view, day
):
    response = alice_client.get(url(account, schedule), {"view": view, "date": day})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a date between 1970-01-01 and 2099-12-31." in html
    assert 'data-testid="period-title"' not in html


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_out_of_range_date_in_the_pdf_and_the_htmx_partial_is_a_field_error(
    alice_client, account, schedule, day, htmx_headers
):
    pdf = alice_client.get(url(account, schedule, "export.pdf"), {"view": "month", "date": day})
    assert pdf.status_code == 400 and "Choose a date between" in pdf.content.decode()
    partial = alice_client.get(
        url(account, schedule), {"view": "week", "date": day}, headers=htmx_headers
    )
    assert partial.status_code == 200 and "Choose a date between" in partial.content.decode()


def test_the_edges_of_the_range_still_show(alice_client, account, schedule):
    for day in ("1970-01-01", "2099-12-31"):
        for view in ("day", "week", "month", "list"):
            response = alice_client.get(url(account, schedule), {"view": view, "date": day})
            assert 'data-testid="period-title"' in response.content.decode(), (view, day)


def _extreme_shift(schedule, starts_sql: str, ends_sql: str) -> int:
    """A row as an old API accepted it: written with SQL, past what Python can load."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO oncall_shift (account_id, schedule_id, external_id, starts_at, ends_at,"
            " ranks, changed_at) VALUES (%s, %s, %s, %s::timestamptz, %s::timestamptz, 1, now())"
            " RETURNING id",
            [schedule.account_id, schedule.pk, "extreme", starts_sql, ends_sql],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def extreme(schedule):
    # From 3 days ahead to 9999-12-31T23:59:59-14:00: in UTC, a year Python cannot hold.
    start = (timezone.now() + timedelta(days=3)).isoformat()
    return _extreme_shift(schedule, start, "9999-12-31T23:59:59-14:00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a year-10000 timestamptz")
def test_an_extreme_stored_shift_breaks_no_reader_and_is_logged(
    alice_client, account, schedule, extreme, ann, alice, caplog
):
    cache.clear()
    normal = make_shift(schedule, timezone.now() - timedelta(hours=1), hours=24)
    actions.assign(normal, 1, ann, alice, notify=False)
    day = timezone.localdate().isoformat()
    with caplog.at_level(logging.WARNING, logger="oncall"):
        home = alice_client.get(f"/a/{account.number}/")
        assert home.status_code == 200 and "Ann Base" in home.content.decode()
        for view in ("day", "week", "month", "list"):
            page = alice_client.get(url(account, schedule), {"view": view, "date": day})
            assert page.status_code == 200, view
        pdf = alice_client.get(url(account, schedule, "export.pdf"), {"view": "month", "date": day})
        assert pdf.status_code == 200
        assert alice_client.get(url(account, schedule, f"shifts/{extreme}/")).status_code == 404
        _token, secret = ApiToken.issue("tests")
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        path = f"/api/v1/accounts/{account.number}/schedules/main/on-call"
        answer = api.get(path)
        assert (
            answer.status_code == 200 and answer.json()["ranks"][0]["contact"]["name"] == "Ann Base"
        )
        later = (timezone.now() + timedelta(days=4)).isoformat()
        answer = api.get(path, {"at": later})
        assert answer.status_code == 200 and answer.json()["shift"] is None
        _link, token = actions.create_feed_link(schedule, None, False, None)
        feed = Client().get(f"/ical/{token}.ics")
        assert feed.status_code == 200 and b"Ann Base" in feed.content
    assert any(
        "not shown" in record.getMessage() and str(extreme) in record.getMessage()
        for record in caplog.records
    )
    assert Shift.objects.filter(pk=normal.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a year-10000 timestamptz")
def test_gap_alerts_skip_an_extreme_stored_shift(schedule, extreme, alice):
    """The extreme shift is uncovered too, but only the readable one is listed."""
    from oncall.notify import send_gap_alerts

    make_shift(schedule, timezone.now() + timedelta(days=1), hours=24)
    assert send_gap_alerts() == 1


def test_a_year_9999_end_written_through_the_rulebook_is_refused(schedule):
    from datetime import UTC, datetime

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="between the years 1970 and 2100"):
        actions.write_shift(
            schedule,
            "far",
            starts_at=timezone.now(),
            ends_at=datetime(9999, 12, 31, tzinfo=UTC),
        )
    assert not Shift.objects.exists()
