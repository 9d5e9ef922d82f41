"""Small makers for on-call tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from directory.models import Contact, ContactMethod
from oncall.models import Schedule, Shift

TORONTO = ZoneInfo("America/Toronto")


def make_contact(account, name: str, phone: str = "514-555-0101") -> Contact:
    contact = Contact.objects.create(
        account=account, external_id=name.lower().replace(" ", "-"), name=name
    )
    ContactMethod.objects.create(
        account=account, contact=contact, kind="mobile", value=phone, label="cell"
    )
    return contact


def make_schedule(account, external_id: str = "main", name: str = "Urgences") -> Schedule:
    return Schedule.objects.create(account=account, external_id=external_id, name=name)


def make_shift(
    schedule, start: datetime, hours: float = 24, ranks: int = 1, external_id: str | None = None
) -> Shift:
    start = start.astimezone(UTC)  # elapsed hours, not wall-clock ones
    return Shift.objects.create(
        account=schedule.account,
        schedule=schedule,
        external_id=external_id or f"s-{start:%Y%m%d%H%M}",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        ranks=ranks,
    )


def future_day(days: int = 10, hour: int = 7, minute: int = 30) -> datetime:
    """A local instant `days` days from today at hh:mm in Toronto."""
    today = timezone.localtime(timezone.now(), TORONTO).date()
    day = today + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TORONTO)


def add_email(contact: Contact, address: str) -> ContactMethod:
    return ContactMethod.objects.create(
        account_id=contact.account_id, contact=contact, kind="email", value=address, position=9
    )


def vancouver_schedule(account, external_id: str = "van") -> Schedule:
    return Schedule.objects.create(
        account=account, external_id=external_id, name="Vancouver", timezone="America/Vancouver"
    )


def next_fall_back(after=None):
    """The next first Sunday of November (when Toronto and Vancouver fall back)."""
    from datetime import date

    after = after or timezone.localdate()
    year = after.year
    while True:
        first = date(year, 11, 1)
        sunday = first + timedelta(days=(6 - first.weekday()) % 7)
        if sunday > after + timedelta(days=2):
            return sunday
        year += 1
