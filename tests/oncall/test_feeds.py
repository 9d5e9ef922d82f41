"""Calendar feeds: the links a manager makes and revokes, and the RFC 5545 feed itself,
read back with the icalendar library."""

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core.cache import cache
from django.utils import timezone

from oncall import actions
from oncall.feeds import feed_for
from oncall.models import FeedLink, Shift
from tests.factories import TORONTO, future_day, make_contact, make_shift, next_fall_back

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def page(account, schedule, rest=""):
    return f"/a/{account.number}/oncall/{schedule.pk}/{rest}"


def new_feed(schedule, contact=None, methods=False, by=None):
    _link, token = actions.create_feed_link(schedule, contact, methods, by)
    return f"/ical/{token}.ics"


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda e: (e.decoded("dtstart"), str(e["summary"])))


def span(event) -> tuple:
    return event.decoded("dtstart"), event.decoded("dtend")


# --- Managing the links -------------------------------------------------------------------


def test_manager_creates_a_link_sees_it_once_and_it_is_listed_and_stored_hashed(
    alice_client, account, schedule, ann
):
    response = alice_client.post(
        page(account, schedule, "feeds/"), {"feed-contact": ann.pk, "feed-include_methods": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    found = re.search(r'value="(http://testserver/ical/([\w-]+)\.ics)"', html)
    assert found, "the new address is shown"
    token = found.group(2)
    assert len(token) >= 22  # at least 128 random bits, URL-safe base64
    link = FeedLink.objects.get()
    assert link.contact == ann and link.include_methods and link.created_by.username == "alice"
    assert token not in link.token_hash and link.token_hash == actions.hash_token(token)
    again = alice_client.get(page(account, schedule)).content.decode()
    assert "Shifts of Ann Base" in again and "Made by Alice" in again
    assert token not in again  # shown once only
    assert alice_client.get(f"/ical/{token}.ics").status_code == 200


def test_htmx_create_and_revoke_answer_the_feeds_section_only(
    alice_client, account, schedule, htmx_headers
):
    response = alice_client.post(page(account, schedule, "feeds/"), {}, headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="new-feed-url"' in html and "Whole schedule" in html
    url = re.search(r'value="http://testserver(/ical/[\w-]+\.ics)"', html).group(1)
    link = FeedLink.objects.get()
    response = alice_client.post(
        page(account, schedule, f"feeds/{link.pk}/revoke/"), headers=htmx_headers
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "revoked" in response.content.decode()
    assert alice_client.get(url).status_code == 404


def test_a_revoked_link_and_an_unknown_token_answer_404(client, alice_client, account, schedule):
    url = new_feed(schedule)
    assert client.get(url).status_code == 200
    link = FeedLink.objects.get()
    response = alice_client.post(page(account, schedule, f"feeds/{link.pk}/revoke/"))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by.username == "alice"
    assert client.get(url).status_code == 404
    assert client.get("/ical/not-a-real-token-at-all-0123456789.ics").status_code == 404
    assert "Whole schedule" not in alice_client.get(page(account, schedule)).content.decode()


def test_members_see_no_feed_section_and_may_not_create_or_revoke(bob_client, account, schedule):
    assert "Calendar feeds" not in bob_client.get(page(account, schedule)).content.decode()
    assert bob_client.post(page(account, schedule, "feeds/"), {}).status_code == 403
    link, _ = actions.create_feed_link(schedule, None, False, None)
    assert bob_client.post(page(account, schedule, f"feeds/{link.pk}/revoke/")).status_code == 403
    assert FeedLink.objects.active().count() == 1


def test_another_accounts_contact_schedule_or_link_is_a_404(
    alice_client, dave_client, account, other_account, schedule
):
    stranger = make_contact(other_account, "Stranger")
    response = alice_client.post(page(account, schedule, "feeds/"), {"feed-contact": stranger.pk})
    assert response.status_code == 404
    assert dave_client.post(page(account, schedule, "feeds/"), {}).status_code == 404
    link, _ = actions.create_feed_link(schedule, None, False, None)
    assert dave_client.post(page(account, schedule, f"feeds/{link.pk}/revoke/")).status_code == 404
    assert FeedLink.objects.count() == 1 and FeedLink.objects.active().count() == 1


def test_bad_input_gets_a_message_and_makes_nothing(alice_client, account, schedule):
    response = alice_client.post(page(account, schedule, "feeds/"), {"feed-contact": "abc"})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    assert not FeedLink.objects.exists()


def test_schedule_page_with_feed_links_keeps_a_bounded_query_count(
    alice_client, account, schedule, ann, django_assert_max_num_queries
):
    for _ in range(10):
        actions.create_feed_link(schedule, ann, False, None)
    with django_assert_max_num_queries(14):
        assert alice_client.get(page(account, schedule), {"view": "week"}).status_code == 200


# --- The feed itself ----------------------------------------------------------------------


def test_two_ranks_an_override_in_the_middle_and_titles_in_the_accounts_language(
    client, schedule, ann, olga, alice
):
    shift = make_shift(schedule, future_day(4), hours=24, ranks=2)
    actions.assign(shift, 1, ann, alice)
    actions.assign(shift, 2, olga, alice)
    actions.override(shift, 1, olga, shift.starts_at + 10 * H, shift.starts_at + 12 * H, alice)
    found = events(client.get(new_feed(schedule)))
    titles = [str(e["summary"]) for e in found]
    # The account (5201) is French: "rang", and a non-breaking space before the colon.
    assert titles == [
        "Urgences, rang 1\u00a0: Ann Base",
        "Urgences, rang 2\u00a0: Olga Override",
        "Urgences, rang 1\u00a0: Olga Override",
        "Urgences, rang 1\u00a0: Ann Base",
    ]
    first, second_rank, middle, last = found
    assert span(first) == (shift.starts_at, shift.starts_at + 10 * H)
    assert span(middle) == (shift.starts_at + 10 * H, shift.starts_at + 12 * H)
    assert span(last) == (shift.starts_at + 12 * H, shift.ends_at)
    assert span(second_rank) == (shift.starts_at, shift.ends_at)
    assert len({str(e["uid"]) for e in found}) == 4
    assert "514-555" not in client.get(new_feed(schedule)).content.decode()  # no methods


def test_times_carry_the_schedules_zone_across_a_dst_change(client, schedule, ann, alice):
    # The next week in which Toronto falls back (within the feed's 180 days, or nearly).
    sunday = next_fall_back()
    monday = sunday - timedelta(days=6)
    start = datetime(monday.year, monday.month, monday.day, 7, 30, tzinfo=TORONTO)
    end = start.replace(day=1) + timedelta(days=monday.day - 1 + 7)  # wall clock, Monday 07:30
    shift = make_shift(schedule, start, hours=(end.timestamp() - start.timestamp()) / 3600)
    actions.assign(shift, 1, ann, alice)
    link, _token = actions.create_feed_link(schedule, None, False, None)
    feed_text = feed_for(link, now=start - timedelta(days=2)).body.decode()
    (event,) = sorted(
        icalendar.Calendar.from_ical(feed_text).walk("VEVENT"), key=lambda e: e.decoded("dtstart")
    )
    dtstart, dtend = span(event)
    assert (dtend - dtstart) == timedelta(days=7)  # wall clock: Monday 07:30 to Monday 07:30
    assert dtend.timestamp() - dtstart.timestamp() == 169 * 3600
    assert (dtstart.strftime("%a %H:%M"), dtend.strftime("%a %H:%M")) == ("Mon 07:30", "Mon 07:30")
    assert f"DTSTART;TZID=America/Toronto:{monday:%Y%m%d}T073000" in feed_text
    assert "BEGIN:VTIMEZONE" in feed_text and "TZID:America/Toronto" in feed_text
    assert monday == dtstart.date()


def test_back_to_back_shifts_of_one_person_make_one_event(client, schedule, ann, olga, alice):
    first = make_shift(schedule, future_day(3), hours=24)
    second = make_shift(schedule, first.ends_at, hours=24)
    third = make_shift(schedule, second.ends_at, hours=24)
    for shift, person in ((first, ann), (second, ann), (third, olga)):
        actions.assign(shift, 1, person, alice)
    found = events(client.get(new_feed(schedule)))
    assert [(str(e["summary"]).split(": ")[-1].strip(), span(e)) for e in found] == [
        ("Ann Base", (first.starts_at, second.ends_at)),
        ("Olga Override", (third.starts_at, third.ends_at)),
    ]


def test_a_contacts_feed_shows_only_their_stretches_and_methods_only_when_ticked(
    client, schedule, ann, olga, alice
):
    shift = make_shift(schedule, future_day(4), hours=24, ranks=2)
    actions.assign(shift, 1, ann, alice)
    actions.assign(shift, 2, olga, alice)
    plain = events(client.get(new_feed(schedule, olga)))
    assert [str(e["summary"]) for e in plain] == ["Urgences, rang 2\u00a0: Olga Override"]
    assert "514-555-0101" not in str(plain[0]["description"])
    with_methods = events(client.get(new_feed(schedule, olga, methods=True)))
    assert "514-555-0101" in str(with_methods[0]["description"])


def test_window_is_30_days_back_to_180_ahead(client, schedule, ann, alice):
    now = timezone.now().replace(microsecond=0)
    old = make_shift(schedule, now - timedelta(days=40), hours=24)
    recent = make_shift(schedule, now - timedelta(days=20), hours=24)
    far = make_shift(schedule, now + timedelta(days=200), hours=24)
    soon = make_shift(schedule, now + timedelta(days=170), hours=24)
    for shift in (old, recent, far, soon):
        actions.assign(shift, 1, ann, alice, now=shift.starts_at - timedelta(days=1))
    starts = [e.decoded("dtstart") for e in events(client.get(new_feed(schedule)))]
    assert starts == [recent.starts_at, soon.starts_at]


def test_uids_stay_and_stamps_move_when_a_stretch_changes(client, schedule, ann, olga, alice):
    shift = make_shift(schedule, future_day(5), hours=24)
    earlier = timezone.now() - timedelta(hours=2)
    Shift.objects.filter(pk=shift.pk).update(changed_at=earlier)
    actions.assign(shift, 1, ann, alice, now=earlier)
    url = new_feed(schedule)
    (before,) = events(client.get(url))
    row = actions.override(shift, 1, olga, shift.starts_at + 20 * H, shift.ends_at, alice)
    after = events(client.get(url))
    ann_after = next(e for e in after if "Ann" in str(e["summary"]))
    assert str(ann_after["uid"]) == str(before["uid"])
    assert span(ann_after) == (shift.starts_at, shift.starts_at + 20 * H)
    assert ann_after.decoded("dtstamp") > before.decoded("dtstamp")
    assert int(ann_after["sequence"]) > int(before["sequence"])
    assert abs(ann_after.decoded("dtstamp") - row.created_at) < timedelta(seconds=1)


def test_etag_and_last_modified_answer_304_until_the_schedule_changes(client, schedule, ann, alice):
    shift = make_shift(schedule, future_day(6), hours=24)
    url = new_feed(schedule)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    actions.assign(shift, 1, ann, alice)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert len(events(changed)) == 1


def test_the_feed_is_one_resolver_pass_and_then_cached(
    client, schedule, ann, alice, django_assert_max_num_queries
):
    for i in range(12):
        shift = make_shift(schedule, future_day(2 + i), hours=24)
        actions.assign(shift, 1, ann, alice)
    url = new_feed(schedule)
    # The link, the skipped-rows check, the shifts, their rows: never a query per shift.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1):  # the link only: the text is cached
        assert client.get(url).status_code == 200


def test_the_feed_contains_valid_rfc5545_essentials(client, schedule, ann, alice):
    shift = make_shift(schedule, future_day(3), hours=24)
    actions.assign(shift, 1, ann, alice)
    text = client.get(new_feed(schedule)).content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.rstrip().endswith("END:VCALENDAR")
    for needle in ("VERSION:2.0", "PRODID:", "UID:", "DTSTAMP:", "X-WR-TIMEZONE:America/Toronto"):
        assert needle in text
    stamp = icalendar.Calendar.from_ical(text).walk("VEVENT")[0].decoded("dtstamp")
    assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
    assert stamp <= datetime.now(UTC)


def test_revoking_a_revoked_or_unknown_link_is_a_404(alice_client, account, schedule):
    link, _token = actions.create_feed_link(schedule, None, False, None)
    revoke = page(account, schedule, f"feeds/{link.pk}/revoke/")
    assert alice_client.post(revoke).status_code == 302
    assert alice_client.post(revoke).status_code == 404
    assert alice_client.post(page(account, schedule, "feeds/999999/revoke/")).status_code == 404
    assert alice_client.get(revoke).status_code == 405
