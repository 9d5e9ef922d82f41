"""E-mails of on-call: a contact's changes (coalesced) and the managers' daily gap alerts.

Both are written in the account's language, with every time in the schedule's zone, and
sent with Django's mail API. See docs/oncall.md, "Notifications" and "Gap alerts".
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Account, Membership
from accounts.roles import Role
from directory.models import ContactMethod
from oncall.models import ChangeNotice, GapAlert, Schedule, Shift
from oncall.resolver import Coverage
from oncall.zones import when, zone_phrase

logger = logging.getLogger("oncall")

GAP_DAYS = 7
# The same gap is not reported again within this time.
GAP_RESEND_AFTER = timedelta(hours=24)
EMAIL_FORMAT = "D j N Y, H:i"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def portal_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


# --- Change e-mails ----------------------------------------------------------------------


@dataclass
class Change:
    schedule: Schedule
    rank: int
    gained: bool
    start: datetime
    end: datetime

    @property
    def start_text(self) -> str:
        return when(self.start, self.schedule.tzinfo, EMAIL_FORMAT)

    @property
    def end_text(self) -> str:
        return when(self.end, self.schedule.tzinfo, EMAIL_FORMAT)

    @property
    def zone(self) -> str:
        return zone_phrase(self.schedule.timezone)


def net_changes(notices: list[ChangeNotice], now: datetime) -> list[Change]:
    """What changed overall: a stretch gained then lost again within the window is nothing."""
    groups: dict[tuple[int, int], list[ChangeNotice]] = defaultdict(list)
    for notice in notices:
        groups[(notice.schedule_id, notice.rank)].append(notice)
    changes = []
    for (_schedule_id, rank), group in groups.items():
        schedule = group[0].schedule
        cuts = sorted({t for n in group for t in (n.start, n.end)})
        pieces: list[Change] = []
        for lo, hi in zip(cuts, cuts[1:], strict=False):
            total = sum((1 if n.gained else -1) for n in group if n.start <= lo and hi <= n.end)
            if total == 0 or hi <= now:
                continue
            gained = total > 0
            if pieces and pieces[-1].gained == gained and pieces[-1].end == lo:
                pieces[-1].end = hi
            else:
                pieces.append(Change(schedule, rank, gained, lo, hi))
        changes.extend(pieces)
    return sorted(changes, key=lambda c: (c.start, c.rank, not c.gained))


def send_pending_changes(contact_id: int, *, now: datetime | None = None) -> int:
    """Send the contact one e-mail for every change not sent yet; returns e-mails sent (0/1).

    The notices are marked sent in the same transaction as the sending: if the mail server
    refuses, nothing is marked and a retry sends them.
    """
    now = now or timezone.now()
    with transaction.atomic():
        notices = list(
            ChangeNotice.objects.select_for_update(of=("self",))
            .filter(contact_id=contact_id, sent_at__isnull=True)
            .select_related("schedule", "account", "contact", "by")
            .order_by("created_at", "pk")
        )
        if not notices:
            return 0
        ChangeNotice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=now)
        contact, account = notices[0].contact, notices[0].account
        addresses = list(
            ContactMethod.objects.filter(
                contact_id=contact_id, kind=ContactMethod.Kind.EMAIL
            ).values_list("value", flat=True)
        )
        changes = net_changes(notices, now)
        if not changes or not addresses:
            return 0
        authors = list(dict.fromkeys(n.by.display_name() if n.by else "" for n in notices))
        with translation.override(account.language):
            context = {
                "contact": contact,
                "account": account,
                "gained": [c for c in changes if c.gained],
                "lost": [c for c in changes if not c.gained],
                "authors": [a for a in authors if a],
                "service": settings.SERVICE,
            }
            subject = render_to_string("oncall/change_email_subject.txt", context)
            body = render_to_string("oncall/change_email.txt", context)
        send_mail(_one_line(subject), body.strip() + "\n", None, [a.strip() for a in addresses])
    return 1


# --- Gap alerts --------------------------------------------------------------------------


@dataclass
class Gap:
    rank: int
    start: datetime
    end: datetime


@dataclass
class ShiftGaps:
    shift: Shift
    gaps: list[Gap]
    url: str = ""

    @property
    def signature(self) -> str:
        text = ";".join(
            f"{g.rank}:{g.start.timestamp():.0f}:{g.end.timestamp():.0f}" for g in self.gaps
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def when(self, instant: datetime) -> str:
        return when(instant, self.shift.schedule.tzinfo, EMAIL_FORMAT)

    @property
    def lines(self) -> list[tuple[int, str, str]]:
        return [(g.rank, self.when(g.start), self.when(g.end)) for g in self.gaps]

    @property
    def start_text(self) -> str:
        return self.when(self.shift.starts_at)

    @property
    def end_text(self) -> str:
        return self.when(self.shift.ends_at)

    @property
    def zone(self) -> str:
        schedule = self.shift.schedule
        return zone_phrase(schedule.timezone, schedule.account.timezone)


def uncovered(coverage: Coverage, shift: Shift, start: datetime, end: datetime) -> list[Gap]:
    """The stretches of each rank of `shift` where nobody is on call that reach into
    [start, end), whole: the same gap reads the same at every run (its signature)."""
    gaps = []
    for rank in shift.rank_numbers:
        for segment in coverage.segments(shift, rank):
            if segment.assignment is None and segment.start < end and segment.end > start:
                gaps.append(Gap(rank, segment.start, segment.end))
    return gaps


def gaps_ahead(now: datetime, days: int = GAP_DAYS) -> dict[int, list[ShiftGaps]]:
    """Per account id: its shifts not fully covered between now and `days` days ahead."""
    until = now + timedelta(days=days)
    shifts = list(
        Shift.objects.overlapping(now, until)
        .filter(schedule__account__active=True)
        .displayable("gap alerts")
        .select_related("schedule__account")
        .order_by("schedule__name", "starts_at")
    )
    coverage = Coverage(shifts)
    result: dict[int, list[ShiftGaps]] = defaultdict(list)
    for shift in shifts:
        gaps = uncovered(coverage, shift, now, until)
        if gaps:
            result[shift.account_id].append(ShiftGaps(shift, gaps))
    return result


def _managers(account: Account) -> list[str]:
    memberships = Membership.objects.filter(
        account=account, role=Role.MANAGER, user__is_active=True
    ).select_related("user")
    return sorted({m.user.email.strip() for m in memberships if m.user.email.strip()})


def send_gap_alerts(now: datetime | None = None) -> int:
    """Each account with gaps in the next GAP_DAYS days not sent in the last day: one e-mail
    to its managers listing them, with links. Returns how many e-mails were sent.

    The daily scheduler calls this; so does `manage.py oncall_gap_alerts`.
    """
    now = now or timezone.now()
    sent = 0
    for items in gaps_ahead(now).values():
        recent = set(
            GapAlert.objects.filter(
                shift_id__in=[item.shift.pk for item in items],
                sent_at__gt=now - GAP_RESEND_AFTER,
            ).values_list("shift_id", "signature")
        )
        fresh = [item for item in items if (item.shift.pk, item.signature) not in recent]
        if not fresh:
            continue
        account = fresh[0].shift.schedule.account
        recipients = _managers(account)
        if not recipients:
            logger.warning("on-call gaps of account %s: no manager with an e-mail", account.number)
            continue
        for item in fresh:
            item.url = portal_url(
                reverse(
                    "oncall:shift", args=[account.number, item.shift.schedule_id, item.shift.pk]
                )
            )
        with transaction.atomic():
            GapAlert.objects.bulk_create(
                GapAlert(account=account, shift=item.shift, signature=item.signature, sent_at=now)
                for item in fresh
            )
            with translation.override(account.language):
                context = {
                    "account": account,
                    "items": fresh,
                    "days": GAP_DAYS,
                    "service": settings.SERVICE,
                }
                subject = render_to_string("oncall/gap_email_subject.txt", context)
                body = render_to_string("oncall/gap_email.txt", context)
            send_mail(_one_line(subject), body.strip() + "\n", None, recipients)
        sent += 1
    return sent
