"""Times in the schedule's zone, DST's doubled hour, the grace window, the ended-shift refusal,
comments in the history: the page, the answer and the history always agree."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from oncall import actions
from oncall.models import Assignment
from oncall.resolver import who_is_on_call
from oncall.zones import WallTime, is_ambiguous, when, zone_phrase
from tests.factories import (
    TORONTO,
    make_contact,
    make_schedule,
    make_shift,
    next_fall_back,
)

pytestmark = pytest.mark.django_db
VANCOUVER = ZoneInfo("America/Vancouver")
H = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def url(account, schedule, rest=""):
    return f"/a/{account.number}/oncall/{schedule.pk}/{rest}"


@pytest.fixture
def van(account):
    return make_schedule(account, "van", "Vancouver", timezone="America/Vancouver")


@pytest.fixture
def van_shift(van):
    today = timezone.localtime(timezone.now(), VANCOUVER).date()
    day = today + timedelta(days=9)
    start = datetime(day.year, day.month, day.day, 0, 0, tzinfo=VANCOUVER)
    return make_shift(van, start, hours=24)


def _local(instant, fmt):
    return formats.date_format(instant.astimezone(VANCOUVER), fmt)


def test_vancouver_schedule_reads_in_vancouver_time_for_a_toronto_account(
    alice_client, account, van, van_shift, ann, olga, alice
):
    assert account.timezone == "America/Toronto"
    actions.assign(van_shift, 1, ann, alice)
    start = van_shift.starts_at + H  # 01:00 Vancouver, 04:00 Toronto
    actions.override(van_shift, 1, olga, start, start + H, alice)
    day = van_shift.starts_at.astimezone(VANCOUVER).date()
    fmt = "D j N Y, H:i"
    title = f"{_local(van_shift.starts_at, fmt)} – {_local(van_shift.ends_at, fmt)}"
    assert "00:00" in title and "03:00" not in title

    page = alice_client.get(url(account, van, f"shifts/{van_shift.pk}/")).content.decode()
    assert title in page
    assert "Vancouver time" in page and "America/Vancouver" not in page
    assert f"{_local(start, 'D j N H:i')} – {_local(start + H, 'D j N H:i')}" in page  # 01:00–02:00
    assert "04:00" not in page  # nowhere in Toronto time: segments, history, unassign labels

    for view in ("day", "week", "month", "list"):
        html = alice_client.get(url(account, van), {"view": view, "date": day}).content.decode()
        assert _local(van_shift.starts_at, "D j N, H:i") in html, view
        assert "03:00" not in html, view

    pdf = alice_client.get(url(account, van, "export.pdf"), {"view": "week", "date": day})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "00:00" in text and "03:00" not in text and "Vancouver time" in text


def test_the_override_form_reads_times_in_the_schedules_zone(
    alice_client, account, van, van_shift, olga
):
    local = van_shift.starts_at.astimezone(VANCOUVER)
    response = alice_client.post(
        url(account, van, f"shifts/{van_shift.pk}/override/"),
        {
            "override-rank": 1,
            "override-contact": olga.pk,
            "override-start": (local + H).strftime("%Y-%m-%dT%H:%M"),
            "override-end": (local + 2 * H).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    row = Assignment.objects.get()
    assert row.start == van_shift.starts_at + H
    assert row.start.astimezone(VANCOUVER).hour == 1


def test_the_zone_is_a_place_in_the_readers_language_and_absent_when_it_is_their_own():
    assert zone_phrase("America/Vancouver", "America/Toronto") == "Vancouver time"
    assert zone_phrase("America/Toronto", "America/Toronto") == ""
    assert zone_phrase("America/Argentina/Buenos_Aires") == "Buenos Aires time"
    with translation.override("fr"):
        assert zone_phrase("America/Vancouver", "America/Toronto") == "heure de Vancouver"
        assert zone_phrase("America/Edmonton") == "heure d’Edmonton"


def test_the_accounts_own_zone_is_not_named_on_the_page(alice_client, account, schedule):
    html = alice_client.get(url(account, schedule), {"view": "week"}).content.decode()
    assert "America/Toronto" not in html and "Toronto time" not in html


def test_an_ambiguous_wall_time_is_written_with_its_offset():
    day = next_fall_back(timezone.localdate())
    first = WallTime(datetime(day.year, day.month, day.day, 1, 30), TORONTO)
    assert first.ambiguous
    early, late = first.candidates
    assert late.timestamp() - early.timestamp() == 3600
    assert when(early, TORONTO, "H:i") == "01:30 (UTC−04:00)"
    assert when(late, TORONTO, "H:i") == "01:30 (UTC−05:00)"
    assert when(early - H, TORONTO, "H:i") == "00:30"  # not ambiguous: no offset
    assert not is_ambiguous(datetime(day.year, day.month, day.day, 3, 0, tzinfo=TORONTO))


def _fall_back_shift(schedule):
    day = next_fall_back(timezone.localdate())
    start = datetime(day.year, day.month, day.day, 0, 0, tzinfo=TORONTO)
    return make_shift(schedule, start, hours=25), day  # the 25-hour local day


def test_the_doubled_hour_offers_both_instants_and_records_the_one_chosen(
    alice_client, account, schedule, olga
):
    shift, day = _fall_back_shift(schedule)
    page = url(account, schedule, f"shifts/{shift.pk}/override/")
    body = {
        "override-rank": 1,
        "override-contact": olga.pk,
        "override-start": f"{day}T01:30",
        "override-end": f"{day}T03:00",
    }
    first = alice_client.post(page, body)
    html = first.content.decode()
    assert first.status_code == 400 and not Assignment.objects.exists()
    assert "happens twice that day" in html
    assert "01:30 UTC−04:00, before the clocks go back" in html
    assert "01:30 UTC−05:00, after the clocks go back" in html
    assert 'data-testid="override-start_offset"' in html

    second = alice_client.post(page, {**body, "override-start_offset": "UTC−05:00"})
    assert second.status_code == 302
    row = Assignment.objects.get()
    assert row.start == datetime(day.year, day.month, day.day, 6, 30, tzinfo=ZoneInfo("UTC"))
    shown = alice_client.get(url(account, schedule, f"shifts/{shift.pk}/")).content.decode()
    assert "01:30 (UTC−05:00)" in shown  # the display says which 01:30


def test_a_made_up_offset_for_the_doubled_hour_is_refused(alice_client, account, schedule, olga):
    shift, day = _fall_back_shift(schedule)
    response = alice_client.post(
        url(account, schedule, f"shifts/{shift.pk}/override/"),
        {
            "override-rank": 1,
            "override-contact": olga.pk,
            "override-start": f"{day}T01:30",
            "override-start_offset": "UTC+09:00",
            "override-end": f"{day}T03:00",
        },
    )
    assert response.status_code == 400 and not Assignment.objects.exists()


def test_a_wall_time_the_clocks_skip_is_refused_with_a_message(
    alice_client, account, schedule, olga
):
    year = timezone.localdate().year + 1
    march = date(year, 3, 1)
    spring = march + timedelta(days=(6 - march.weekday()) % 7 + 7)  # second Sunday of March
    start = datetime(spring.year, spring.month, spring.day, 0, 0, tzinfo=TORONTO)
    shift = make_shift(schedule, start, hours=23)
    response = alice_client.post(
        url(account, schedule, f"shifts/{shift.pk}/override/"),
        {
            "override-rank": 1,
            "override-contact": olga.pk,
            "override-start": f"{spring}T02:30",
            "override-end": f"{spring}T05:00",
        },
    )
    assert response.status_code == 400
    assert "does not exist that day" in response.content.decode()
    assert not Assignment.objects.exists()


def test_an_override_typed_a_moment_ago_is_recorded_from_when_it_was_saved(
    schedule, ann, olga, alice
):
    now = timezone.now()
    running = make_shift(schedule, now - 10 * H, hours=24)
    actions.assign(running, 1, ann, alice, now=now - 11 * H)
    row = actions.override(running, 1, olga, now - 4 * MINUTE, now + H, alice, now=now)
    assert row.start == now  # what the history prints is when it applies
    answer = who_is_on_call(schedule, now - 2 * MINUTE)
    assert answer.ranks[0].contact.name == "Ann Base"  # before the save: still Ann
    assert who_is_on_call(schedule, now + MINUTE).ranks[0].contact.name == "Olga Override"


def test_an_override_already_over_is_refused(schedule, ann, olga, alice):
    now = timezone.now()
    running = make_shift(schedule, now - 10 * H, hours=24)
    with pytest.raises(ValidationError, match="already be over"):
        actions.override(running, 1, olga, now - 4 * MINUTE, now - MINUTE, alice, now=now)
    assert not Assignment.objects.exists()


def test_a_change_to_a_shift_that_has_just_ended_is_refused_next_to_the_form(
    alice_client, account, schedule, ann
):
    ended = make_shift(schedule, timezone.now() - 25 * H, hours=24)
    response = alice_client.post(
        url(account, schedule, f"shifts/{ended.pk}/assign/"),
        {"assign-rank": 1, "assign-contact": ann.pk},
    )
    html = response.content.decode()
    assert response.status_code == 400
    section = html[html.index('id="actions-title"') :]
    assert 'data-testid="refusal"' in section and "has ended" in section
    assert not Assignment.objects.exists()


def test_comments_join_the_history_in_order_with_unassignments(
    alice_client, account, schedule, ann, alice
):
    shift = make_shift(schedule, timezone.now() + 30 * H, hours=24)
    t0 = timezone.now()
    base = actions.assign(shift, 1, ann, alice, "first week", now=t0)
    actions.comment(shift, "Ann is back on Monday.", alice, now=t0 + MINUTE)
    actions.unassign(base, alice, now=t0 + 2 * MINUTE)
    html = alice_client.get(url(account, schedule, f"shifts/{shift.pk}/")).content.decode()
    history = html[html.index('data-testid="history"') :]
    assigned = history.index("Ann Base assigned to rank 1")
    commented = history.index("Ann is back on Monday.")
    removed = history.index("Ann Base unassigned from rank 1")
    assert assigned < commented < removed
    assert "first week" in history and 'id="comments-title"' not in html


def test_each_time_on_the_page_is_formatted_in_french_in_the_schedules_zone(
    alice, account, van, van_shift, ann
):
    from django.test import Client

    alice.language = "fr"
    alice.save()
    client = Client()
    client.force_login(alice)
    actions.assign(van_shift, 1, ann, alice)
    html = client.get(url(account, van, f"shifts/{van_shift.pk}/")).content.decode()
    assert "heure de Vancouver" in html
    with translation.override("fr"):
        assert formats.date_format(van_shift.starts_at.astimezone(VANCOUVER), "H:i") in html


def test_stranger_contact_is_still_a_404_under_the_new_views(
    alice_client, account, other_account, schedule
):
    shift = make_shift(schedule, timezone.now() + 30 * H, hours=24)
    stranger = make_contact(other_account, "Stranger")
    for rest, body in (
        ("assign/", {"assign-rank": 1, "assign-contact": stranger.pk}),
        ("assign/", {"assign-rank": 1, "assign-contact": 999999}),
    ):
        response = alice_client.post(url(account, schedule, f"shifts/{shift.pk}/{rest}"), body)
        assert response.status_code == 404
    assert not Assignment.objects.exists()
