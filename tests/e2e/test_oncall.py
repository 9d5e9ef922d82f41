"""A manager fills an empty shift, replaces part of it, takes the replacement back: red to green."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    future_day,
    make_account,
    make_contact,
    make_schedule,
    make_shift,
    make_user,
)


@pytest.fixture
def world(transactional_db):
    account = make_account(5201, "Plomberie Test inc.", timezone="America/Toronto", language="en")
    alice = make_user("alice", (account, "manager"), language="en")
    schedule = make_schedule(account)
    shift = make_shift(schedule, future_day(9, 7, 30), hours=24)
    make_contact(account, "Ann Base")
    make_contact(account, "Olga Override")
    return account, alice, schedule, shift


def signed_in(page, live_server, user) -> None:
    """A session cookie from Django's test client: no dependence on the login page's wording."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_assign_override_unassign_turns_the_day_green(world, page, live_server):
    account, alice, schedule, shift = world
    signed_in(page, live_server, alice)
    day = timezone.localtime(shift.starts_at, schedule.tzinfo).date().isoformat()
    page.goto(f"{live_server.url}/a/{account.number}/oncall/?view=month&date={day}")
    cell = page.locator(f'td[data-day="{day}"]')
    expect(cell).to_have_attribute("data-colour", "red")

    page.locator(f'a[href*="shifts/{shift.pk}/"]').first.click()
    page.get_by_text("Assign", exact=True).first.click()
    page.locator("#id_assign-contact").select_option(label="Ann Base")
    page.locator('[data-testid="assign-form"] button[type=submit]').click()
    expect(page.locator('[data-testid="rank-1"]')).to_contain_text("Ann Base")

    local = timezone.localtime(shift.starts_at, schedule.tzinfo)
    page.locator("summary", has_text="Override").click()
    page.locator("#id_override-start").fill(
        (local + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("#id_override-end").fill((local + timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_override-contact").select_option(label="Olga Override")
    page.locator('[data-testid="override-form"] button[type=submit]').click()
    expect(page.locator('[data-testid="rank-1"]')).to_contain_text("Olga Override")

    page.locator("summary", has_text="Unassign").click()
    page.get_by_label(re.compile("Olga Override")).check()
    page.locator('[data-testid="unassign-form"] button[type=submit]').click()
    expect(page.locator('[data-testid="rank-1"]')).not_to_contain_text("Olga Override")
    expect(page.locator('[data-testid="history"]')).to_contain_text(
        "Override of rank 1 by Olga Override"
    )

    page.goto(f"{live_server.url}/a/{account.number}/oncall/?view=month&date={day}")
    expect(page.locator(f'td[data-day="{day}"]')).to_have_attribute("data-colour", "green")
    # Next month in place (HTMX), URL updated.
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(r"view=month"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_test_id("today").click()
    expect(page.get_by_test_id("save-pdf")).to_be_visible()


def test_replace_on_a_filled_rank_overrides_the_whole_shift(world, page, live_server):
    from oncall import actions

    account, alice, schedule, shift = world
    ann = account.contacts.get(name="Ann Base")
    actions.assign(shift, 1, ann, alice, notify=False)
    signed_in(page, live_server, alice)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/a/{account.number}/oncall/{schedule.pk}/shifts/{shift.pk}/")
    expect(page.get_by_test_id("assign-1")).to_have_count(0)  # the rank is filled
    page.get_by_test_id("replace-1").click()
    form = page.get_by_test_id("override-form")
    expect(form).to_be_visible()
    local_start = timezone.localtime(shift.starts_at, schedule.tzinfo)
    local_end = timezone.localtime(shift.ends_at, schedule.tzinfo)
    expect(page.locator("#id_override-start")).to_have_value(f"{local_start:%Y-%m-%dT%H:%M}")
    expect(page.locator("#id_override-end")).to_have_value(f"{local_end:%Y-%m-%dT%H:%M}")
    expect(page.locator("#id_override-rank")).to_have_value("1")
    page.locator("#id_override-contact").select_option(label="Olga Override")
    form.locator("button[type=submit]").click()
    rank = page.get_by_test_id("rank-1")
    expect(rank).to_contain_text("Olga Override")
    expect(rank).not_to_contain_text("Ann Base")
    expect(rank.locator(".badge")).to_have_text("Override")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
