"""Calendar feeds (RFC 5545): a schedule's final on-call, overrides applied, for calendar apps.

One event per contiguous stretch of one contact at one rank, from 30 days back to 180 days
ahead, built in one resolver pass and cached per schedule version (every change moves the
version: oncall.actions.record_change). See docs/oncall.md, "Calendar feeds".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directory.models import Contact
from oncall.models import FeedLink, Schedule, Shift
from oncall.resolver import Coverage
from oncall.zones import is_ambiguous

DAYS_BACK = 30
DAYS_AHEAD = 180
CACHE_SECONDS = 60 * 60  # also picks up a renamed contact within the hour
# SEQUENCE counts seconds from here: it grows at each change and fits in 32 bits until 2092.
STAMP_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class Stretch:
    rank: int
    contact: Contact
    start: datetime
    end: datetime
    stamp: datetime = STAMP_EPOCH
    shifts: list[Shift] = field(default_factory=list)


def window(now: datetime) -> tuple[datetime, datetime]:
    """[30 days back, 180 days ahead), from midnight UTC: the feed changes at most daily."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def _touched(coverage: Coverage, shift: Shift, rank: int) -> datetime:
    """The last change to one rank of one shift (its times, or a row added or ended)."""
    stamps = [shift.changed_at]
    for row in coverage.rows.get(shift.pk, ()):
        if row.rank == rank:
            stamps.append(row.created_at)
            if row.ended_at is not None:
                stamps.append(row.ended_at)
    return max(stamps)


def stretches(
    schedule: Schedule,
    start: datetime,
    end: datetime,
    *,
    contact=None,
    with_methods: bool = False,
) -> list[Stretch]:
    """Who is on call on each rank, as stretches of one person across back-to-back shifts."""
    shifts = list(
        Shift.objects.filter(schedule=schedule)
        .overlapping(start, end)
        .displayable("calendar feed")
        .order_by("starts_at")
    )
    coverage = Coverage(shifts, with_methods=with_methods)
    open_by_rank: dict[int, Stretch] = {}
    result: list[Stretch] = []
    for shift in shifts:
        for rank in shift.rank_numbers:
            for segment in coverage.segments(shift, rank):
                person = segment.contact
                if person is None:
                    continue
                last = open_by_rank.get(rank)
                if last is not None and last.end == segment.start and last.contact.pk == person.pk:
                    last.end = segment.end
                    if shift not in last.shifts:
                        last.shifts.append(shift)
                    continue
                stretch = Stretch(rank, person, segment.start, segment.end, shifts=[shift])
                open_by_rank[rank] = stretch
                result.append(stretch)
    if contact is not None:
        result = [s for s in result if s.contact.pk == contact.pk]
    # A stretch's bounds depend on its own shifts and on the shifts touching its two ends.
    for stretch in result:
        near = [s for s in shifts if s.starts_at <= stretch.end and s.ends_at >= stretch.start]
        stretch.stamp = max(
            _touched(coverage, s, stretch.rank) if stretch.rank <= s.ranks else s.changed_at
            for s in near
        )
    return result


def _uid_domain() -> str:
    return urlsplit(settings.PORTAL_URL).hostname or "portal.invalid"


def _moment(instant: datetime, tz) -> datetime:
    """In the schedule's zone, except the second of two identical wall times: in UTC, since
    a TZID time that happens twice means the first one (RFC 5545, 3.3.5)."""
    local = instant.astimezone(tz)
    if is_ambiguous(local) and local.fold == 1:
        return instant.astimezone(UTC)
    return local


def _event(stretch: Stretch, schedule: Schedule, include_methods: bool) -> icalendar.Event:
    tz = schedule.tzinfo
    event = icalendar.Event()
    event.add(
        "uid",
        f"oncall-{schedule.pk}-{stretch.rank}-{stretch.contact.pk}-"
        f"{int(stretch.start.timestamp())}@{_uid_domain()}",
    )
    event.add("dtstamp", stretch.stamp.astimezone(UTC))
    event.add("last-modified", stretch.stamp.astimezone(UTC))
    # Seconds since STAMP_EPOCH at its last change: grows whenever the stretch changes.
    event.add("sequence", max(0, int((stretch.stamp - STAMP_EPOCH).total_seconds())))
    event.add("dtstart", _moment(stretch.start, tz))
    event.add("dtend", _moment(stretch.end, tz))
    event.add(
        "summary",
        _("%(schedule)s, rank %(rank)d: %(name)s")
        % {"schedule": schedule.name, "rank": stretch.rank, "name": stretch.contact.name},
    )
    lines = [
        _("On call for %(schedule)s, rank %(rank)d (rank 1 is called first).")
        % {"schedule": schedule.name, "rank": stretch.rank}
    ]
    if include_methods:
        for method in stretch.contact.methods.all():
            label = f" ({method.label})" if method.label else ""
            lines.append(f"{method.get_kind_display()}{label}: {method.value}")
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    return event


def build_feed(link: FeedLink, now: datetime | None = None) -> bytes:
    schedule = link.schedule
    start, end = window(now or timezone.now())
    found = stretches(schedule, start, end, contact=link.contact, with_methods=link.include_methods)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.SERVICE['name']}//On call//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = schedule.name if link.contact is None else f"{schedule.name} · {link.contact.name}"
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", schedule.timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for stretch in found:
        calendar.add_component(_event(stretch, schedule, link.include_methods))
    calendar.add_missing_timezones(
        first_date=(start - timedelta(days=1)).date(), last_date=(end + timedelta(days=1)).date()
    )
    return calendar.to_ical()


@dataclass
class Feed:
    body: bytes
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def feed_for(link: FeedLink, now: datetime | None = None) -> Feed:
    """The feed's text, built once per schedule version, language and day, then cached."""
    now = now or timezone.now()
    schedule = link.schedule
    start, _end = window(now)
    language = schedule.account.language
    key = f"oncall:feed:{link.pk}:{schedule.version}:{start:%Y%m%d}:{language}"
    body = cache.get(key)
    if body is None:
        with translation.override(language):
            body = build_feed(link, now)
        cache.set(key, body, CACHE_SECONDS)
    changed = max(schedule.changed_at or link.created_at, link.created_at)
    # The window moves each day at midnight UTC: the feed is at least that new.
    return Feed(body, max(changed, start + timedelta(days=DAYS_BACK)))
