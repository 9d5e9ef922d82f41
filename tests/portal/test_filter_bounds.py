"""Out-of-range dates in every filter and calendar parameter get the field error next to
the field (never a 500); every page uses the one set of bounds in portal/bounds.py."""

import pytest

from portal import bounds, filters
from tests.factories import make_schedule

pytestmark = pytest.mark.django_db

ERROR = "Enter a date from 1970-01-01 to 2099-12-31."
BAD_DAYS = ["9999-12-31", "0001-01-01", "1969-12-31", "2100-01-01", "99999-01-01"]


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize("param", ["from", "to"])
@pytest.mark.parametrize("page", ["messages/", "calls/", "billing/calls/", "stats/", "access-log/"])
def test_an_out_of_range_date_is_a_field_error(alice_client, account, page, param, day):
    response = alice_client.get(f"/a/{account.number}/{page}", {param: day})
    assert response.status_code == 200, (page, param, day)
    # A year of five digits is no date at all: "Enter a real date as YYYY-MM-DD."
    expected = "Enter a real date" if len(day) > 10 else ERROR
    assert expected in response.content.decode(), (page, param, day)


@pytest.mark.parametrize("day", ["9999-12-31T10:00", "0001-01-01T00:00"])
@pytest.mark.parametrize("page", ["messages/", "calls/"])
def test_an_out_of_range_date_and_time_is_a_field_error(alice_client, account, page, day):
    response = alice_client.get(f"/a/{account.number}/{page}", {"to": day})
    assert response.status_code == 200
    assert ERROR in response.content.decode()


@pytest.mark.parametrize(
    "page",
    [
        "messages/export.xlsx",
        "messages/export.csv",
        "messages/export.pdf",
        "calls/export.xlsx",
        "calls/export.csv",
        "billing/calls/export.xlsx",
        "stats/export.xlsx",
        "stats/export.pdf",
        "access-log/export.csv",
    ],
)
def test_an_export_with_an_out_of_range_date_is_refused_not_a_500(alice_client, account, page):
    response = alice_client.get(f"/a/{account.number}/{page}", {"to": "9999-12-31"}, follow=True)
    assert response.status_code in (200, 400), page
    assert ERROR in response.content.decode(), page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("view", ["day", "week", "month", "list"])
def test_the_calendar_uses_the_same_bounds(alice_client, account, view, day):
    schedule = make_schedule(account)
    base = f"/a/{account.number}/oncall/{schedule.pk}/"
    page = alice_client.get(base, {"view": view, "date": day})
    assert page.status_code == 200 and "1970-01-01" in page.content.decode()
    pdf = alice_client.get(base + "export.pdf", {"view": view, "date": day})
    assert pdf.status_code == 400


def test_one_set_of_bounds():
    from oncall import calendar, models

    assert filters.EARLIEST is bounds.EARLIEST_DAY and filters.LATEST is bounds.LATEST_DAY
    assert calendar.FIRST_DAY is bounds.EARLIEST_DAY and calendar.LAST_DAY is bounds.LATEST_DAY
    assert models.EARLIEST is bounds.EARLIEST_INSTANT
    assert models.LATEST is bounds.LATEST_INSTANT
