"""Demo on-call schedules: weekly Monday 07:30 rotations over the past month and next two.

Some weeks assigned, some overridden for a Saturday night, some empty, so the calendar
shows green, yellow and red days. Everything is written through oncall.actions, as the API
and the pages do, acting as the account's manager at a moment before the shift starts, and
without change e-mails (the demo's past is not news). Idempotent: a shift that already has
assignment rows or comments is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Membership, User
from directory.models import Contact
from oncall import actions
from oncall.models import Shift

PAST_WEEKS = 4
FUTURE_WEEKS = 9

SCHEDULES = {
    # number: (external id, name, ranks, plan by week offset)
    5201: ("urgences", "Urgences plomberie", 1),
    5202: ("after-hours", "After-hours physician", 2),
    7300: ("garde", "Garde chauffage", 1),
}

COMMENTS = {
    5201: [
        "Congés de Marc du 14 au 16, voir override.",
        "Confirmer avec le répartiteur le numéro du cellulaire.",
    ],
    5202: [
        "Dr. Patel covers Saturday night, swap agreed.",
        "Second call only if the first does not answer within 10 min.",
    ],
    7300: ["Vérifier le téléavertisseur avant le début de la garde."],
}


def _acting_user(account) -> User | None:
    membership = (
        Membership.objects.filter(account=account, role="manager").select_related("user").first()
    )
    if membership is not None:
        return membership.user
    return User.objects.filter(is_staff=True).order_by("pk").first()


def seed_oncall(accounts: dict, rng, stdout) -> None:
    now = timezone.now()
    for number, (external_id, name, ranks) in SCHEDULES.items():
        account = accounts.get(number)
        if account is None:
            continue
        contacts = list(Contact.objects.for_account(account).active().order_by("position", "pk"))
        if not contacts:
            stdout.write(f"  oncall: account {number} has no contacts, no schedule seeded")
            continue
        schedule, _ = actions.write_schedule(account, external_id, name=name, zone=account.timezone)
        tz = schedule.tzinfo
        today = timezone.localtime(now, tz).date()
        monday = today - timedelta(days=today.weekday())
        by = _acting_user(account)
        notes = list(COMMENTS.get(number, []))
        for week in range(-PAST_WEEKS, FUTURE_WEEKS):
            day = monday + timedelta(weeks=week)
            starts_at = datetime.combine(day, time(7, 30), tzinfo=tz)
            ends_at = datetime.combine(day + timedelta(weeks=1), time(7, 30), tzinfo=tz)
            shift, _ = actions.write_shift(
                schedule, f"{day:%Y-%m-%d}", starts_at=starts_at, ends_at=ends_at, ranks=ranks
            )
            people = [rng.choice(contacts) for _ in range(ranks + 1)]
            if shift.assignments.exists() or shift.comments.exists():
                continue
            _plan_week(shift, week, people, by, notes, tz)


def _plan_week(shift: Shift, week: int, people: list, by, notes: list[str], tz) -> None:
    """Which weeks are full, partly covered, empty (the colours the demo shows)."""
    acted_at = shift.starts_at - timedelta(days=3)
    if timezone.now() < acted_at:
        acted_at = timezone.now()
    saturday = timezone.localtime(shift.starts_at, tz).date() + timedelta(days=5)
    night_start = datetime.combine(saturday, time(19, 0), tzinfo=tz)
    night_end = datetime.combine(saturday + timedelta(days=1), time(7, 0), tzinfo=tz)
    empty_weeks = {1, 5, 7, 8}
    if week in empty_weeks:
        return
    if week == 3:  # nobody assigned, only a Saturday-night override: yellow days, red days
        actions.override(
            shift, 1, people[0], night_start, night_end, by, now=acted_at, notify=False
        )
        return
    actions.assign(shift, 1, people[0], by, now=acted_at, notify=False)
    if shift.ranks >= 2 and week % 2 == 0:
        actions.assign(shift, 2, people[1], by, now=acted_at, notify=False)
    if week in (-2, 2):
        substitute = people[-1] if people[-1] != people[0] else None
        if substitute is not None:
            actions.override(
                shift, 1, substitute, night_start, night_end, by, "", now=acted_at, notify=False
            )
        if notes:
            actions.comment(shift, notes.pop(0), by, now=acted_at)
    if week == 0 and notes:
        actions.comment(shift, notes.pop(0), by, now=acted_at)
