"""The on-call rulebook: every write to schedules, shifts and their people goes through here.

The platform API (schedules and shifts), the admin (add, edit, shrink, repeat a shift),
the pages (assign, override, unassign, comment), the feed links and the demo seeder all
call these functions, so a rule refused at one door is refused at every door.

Each function runs in one transaction with the schedule or shift row locked, checks
every rule first, and either writes or raises ValidationError (a translated message,
keyed by field where there is one) and changes nothing. A contact of another account is
an Http404, checked in one place: check_contact. `now` defaults to the current instant;
the demo seeder passes the moment it pretends to act at.

Every change ends in record_change(): the one place where a change is recorded (the
schedule's version for the feeds' cache, the contacts' change e-mails).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from directory.models import ContactMethod
from oncall.models import (
    EARLIEST,
    LATEST,
    Assignment,
    ChangeNotice,
    FeedLink,
    Schedule,
    Shift,
    ShiftComment,
)
from oncall.resolver import Coverage, Segment
from portal.upsert import Outcome, upsert
from webhooks.models import EventType
from webhooks.outbox import emit, oncall_change_data

# An override may start this long before now (the time to fill in the form); it is then
# recorded from the moment it is saved, since that is when it starts to apply.
OVERRIDE_START_GRACE = timedelta(minutes=5)
# Changes to one contact's time on call within this window make one e-mail.
NOTICE_DELAY = timedelta(minutes=5)


# --- Tenancy --------------------------------------------------------------------------


def check_contact(account_id: int, contact) -> None:
    """The one check that a contact may be named: the account's own, and still active."""
    if contact is None or contact.account_id != account_id:
        raise Http404("No such contact")
    if not contact.active:
        raise ValidationError({"contact": _("This contact is no longer in your directory.")})


# --- Schedules and shifts (the platform API, the admin, the demo) -----------------------


def write_schedule(
    account: Account, external_id: str, *, name: str, zone: str = "", by=None
) -> tuple[Schedule, Outcome]:
    with transaction.atomic():
        schedule, outcome = upsert(
            Schedule,
            {"account": account, "external_id": external_id},
            {"name": name, "timezone": zone or account.timezone},
        )
        if outcome is not Outcome.UNCHANGED:
            record_change(schedule, "schedule", by=by)
        return schedule, outcome


def save_schedule(schedule: Schedule, *, by=None) -> Schedule:
    """Add or change a schedule as staff do in the admin (its name or time zone)."""
    with transaction.atomic():
        if not schedule.timezone:
            schedule.timezone = schedule.account.timezone
        schedule.save()
        record_change(schedule, "schedule", by=by)
        return schedule


def check_shift(
    schedule: Schedule, starts_at: datetime, ends_at: datetime, ranks: int, shift=None
) -> None:
    """The rules of a shift's times and ranks, for a new shift or a change to `shift`."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    if starts_at < EARLIEST or ends_at > LATEST:
        raise ValidationError({"starts_at": _("A shift must lie between the years 1970 and 2100.")})
    others = Shift.objects.filter(schedule_id=schedule.pk).overlapping(starts_at, ends_at)
    if shift is not None and shift.pk:
        others = others.exclude(pk=shift.pk)
    if others.exists():
        raise ValidationError(
            {"starts_at": _("This shift overlaps another shift of the same schedule.")}
        )
    if shift is not None and shift.pk:
        _check_people_fit(shift, starts_at, ends_at, ranks)


def _check_people_fit(shift: Shift, starts_at: datetime, ends_at: datetime, ranks: int) -> None:
    """A moved, shrunk or re-ranked shift must still hold every override and rank in force."""
    for row in Assignment.objects.filter(shift_id=shift.pk):
        start, end = row.effective(shift)
        if start >= end:
            continue  # never in force: nothing to keep
        own_start, own_end = row.window(shift)  # an override's own start and end
        if row.is_override and (own_start < starts_at or own_end > ends_at):
            raise ValidationError(
                {"starts_at": _("An override of this shift would fall outside it.")}
            )
        if row.rank > ranks:
            raise ValidationError(
                {"ranks": _("Rank %(rank)d of this shift has assignments.") % {"rank": row.rank}}
            )


def _lock_schedule(schedule_id: int) -> None:
    # One writer per schedule at a time: the overlap check cannot race.
    Schedule.objects.select_for_update().filter(pk=schedule_id).first()


def write_shift(
    schedule: Schedule,
    external_id: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    ranks: int = 1,
    by=None,
) -> tuple[Shift, Outcome]:
    """Create or move a shift by its external id (the platform API and the demo)."""
    with transaction.atomic():
        _lock_schedule(schedule.pk)
        existing = Shift.objects.filter(schedule=schedule, external_id=external_id).first()
        check_shift(schedule, starts_at, ends_at, ranks, shift=existing)
        try:
            with transaction.atomic():
                shift, outcome = upsert(
                    Shift,
                    {"schedule": schedule, "external_id": external_id},
                    {
                        "account": schedule.account,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "ranks": ranks,
                    },
                )
        except IntegrityError as error:  # the database's own no-overlap constraint (PostgreSQL)
            raise ValidationError(
                {"starts_at": _("This shift overlaps another shift of the same schedule.")}
            ) from error
        if outcome is not Outcome.UNCHANGED:
            _shift_changed(shift, by)
        return shift, outcome


def save_shift(shift: Shift, *, by=None) -> Shift:
    """Add or change a shift as staff do in the admin (times, ranks), under the same rules."""
    with transaction.atomic():
        _lock_schedule(shift.schedule_id)
        if shift.pk:
            # A shift stays in its schedule: its people are that account's contacts.
            shift.schedule_id = Shift.objects.values_list("schedule_id", flat=True).get(pk=shift.pk)
        schedule = Schedule.objects.select_related("account").get(pk=shift.schedule_id)
        check_shift(schedule, shift.starts_at, shift.ends_at, shift.ranks, shift=shift)
        shift.account_id = schedule.account_id
        try:
            with transaction.atomic():
                shift.save()
        except IntegrityError as error:
            raise ValidationError(
                {"starts_at": _("This shift overlaps another shift of the same schedule.")}
            ) from error
        _shift_changed(shift, by)
        return shift


def repeat_shift(
    shift: Shift, step: timedelta, times: int, *, by=None
) -> tuple[list[Shift], list[datetime]]:
    """Copies of `shift` every `step` (a day or a week) at the same local wall-clock times.

    A copy whose wall time does not exist that day, or that would overlap another shift,
    is skipped and reported (its local start), the others are made.
    """
    tz = shift.schedule.tzinfo
    local_start = timezone.localtime(shift.starts_at, tz).replace(tzinfo=None)
    local_end = timezone.localtime(shift.ends_at, tz).replace(tzinfo=None)
    created, skipped = [], []
    for i in range(1, times + 1):
        start = (local_start + step * i).replace(tzinfo=tz)
        end = (local_end + step * i).replace(tzinfo=tz)
        external_id = f"{shift.external_id[:40]}@{start:%Y%m%dT%H%M}"
        if Shift.objects.filter(schedule_id=shift.schedule_id, external_id=external_id).exists():
            skipped.append(start)
            continue
        try:
            copy, _outcome = write_shift(
                shift.schedule,
                external_id,
                starts_at=start,
                ends_at=end,
                ranks=shift.ranks,
                by=by,
            )
        except ValidationError:
            skipped.append(start)
            continue
        created.append(copy)
    return created, skipped


def _shift_changed(shift: Shift, by) -> None:
    now = timezone.now()
    Shift.objects.filter(pk=shift.pk).update(changed_at=now)
    shift.changed_at = now
    record_change(shift.schedule, "shift", shift=shift, by=by, now=now)


# --- People on a shift (the pages) -----------------------------------------------------


def _locked(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("schedule").get(pk=shift.pk)


def _check_rank(shift: Shift, rank: int) -> None:
    if not (1 <= rank <= shift.ranks):
        raise ValidationError(
            {"rank": _("This shift has ranks 1 to %(ranks)d only.") % {"ranks": shift.ranks}}
        )


def _check_open(shift: Shift, now: datetime) -> None:
    if shift.has_ended(now):
        raise ValidationError(
            _("This shift has ended: it is a record and can no longer be changed.")
        )


def assign(
    shift: Shift,
    rank: int,
    contact,
    by,
    comment: str = "",
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        shift = _locked(shift)
        check_contact(shift.account_id, contact)
        _check_open(shift, now)
        _check_rank(shift, rank)
        if shift.assignments.active().filter(rank=rank, kind=Assignment.Kind.BASE).exists():
            raise ValidationError(
                _("Someone is already assigned to this rank: use Override or Unassign first")
            )
        before = _segments(shift, rank)
        try:
            with transaction.atomic():
                row = Assignment.objects.create(
                    account_id=shift.account_id,
                    shift=shift,
                    rank=rank,
                    contact=contact,
                    kind=Assignment.Kind.BASE,
                    comment=comment.strip(),
                    created_at=now,
                    created_by=by,
                )
        except IntegrityError as error:
            raise ValidationError(
                _("Someone is already assigned to this rank: use Override or Unassign first")
            ) from error
        _people_changed(shift, rank, before, by, now, notify, "assign", row)
        return row


def override(
    shift: Shift,
    rank: int,
    contact,
    start: datetime,
    end: datetime,
    by,
    comment: str = "",
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        shift = _locked(shift)
        check_contact(shift.account_id, contact)
        _check_open(shift, now)
        _check_rank(shift, rank)
        if end <= start:
            raise ValidationError(
                {"end": _("The end of an override must come after its beginning.")}
            )
        if start < shift.starts_at or end > shift.ends_at:
            raise ValidationError(
                _("An override cannot begin before or end after the original shift")
            )
        if start < now - OVERRIDE_START_GRACE:
            raise ValidationError(
                {
                    "start": _(
                        "An override cannot begin in the past: the past is a record. "
                        "Start it from now."
                    )
                }
            )
        if end <= now:
            raise ValidationError(
                {"end": _("This override would already be over: the past is a record.")}
            )
        # Typed a moment ago: it applies from now, and the history says so.
        start = max(start, now)
        clash = shift.assignments.active().filter(
            rank=rank, kind=Assignment.Kind.OVERRIDE, start__lt=end, end__gt=start
        )
        if clash.exists():
            raise ValidationError(_("This override overlaps another one for the same rank"))
        before = _segments(shift, rank)
        row = Assignment.objects.create(
            account_id=shift.account_id,
            shift=shift,
            rank=rank,
            contact=contact,
            kind=Assignment.Kind.OVERRIDE,
            start=start,
            end=end,
            comment=comment.strip(),
            created_at=now,
            created_by=by,
        )
        _people_changed(shift, rank, before, by, now, notify, "override", row)
        return row


def unassign(
    assignment: Assignment, by, *, now: datetime | None = None, notify: bool = True
) -> Assignment:
    """End an active assignment now; the time already served stays with its person."""
    now = now or timezone.now()
    with transaction.atomic():
        shift = _locked(assignment.shift)
        row = Assignment.objects.select_for_update().get(pk=assignment.pk, shift=shift)
        _check_open(shift, now)
        if row.ended_at is not None:
            raise ValidationError(_("This assignment has already been removed."))
        if row.is_override and row.end is not None and row.end <= now:
            raise ValidationError(
                _("This override is already over: it is a record and can no longer be changed.")
            )
        before = _segments(shift, row.rank)
        # The one update an assignment row ever gets: its ending, set once.
        Assignment.objects.filter(pk=row.pk, ended_at__isnull=True).update(
            ended_at=now, ended_by=by
        )
        row.ended_at, row.ended_by = now, by
        _people_changed(shift, row.rank, before, by, now, notify, "unassign", row)
        return row


def comment(shift: Shift, text: str, by, *, now: datetime | None = None) -> ShiftComment:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    now = now or timezone.now()
    with transaction.atomic():
        shift = _locked(shift)
        note = ShiftComment.objects.create(
            account_id=shift.account_id, shift=shift, author=by, text=text, created_at=now
        )
        record_change(shift.schedule, "comment", shift=shift, by=by, now=now)
        return note


def _segments(shift: Shift, rank: int) -> list[Segment]:
    return Coverage([shift]).segments(shift, rank)


def _people_changed(
    shift: Shift,
    rank: int,
    before: list[Segment],
    by,
    now: datetime,
    notify: bool,
    kind: str,
    row: Assignment,
) -> None:
    after = _segments(shift, rank)
    deltas = time_on_call_deltas(before, after) if notify else []
    record_change(
        shift.schedule, kind, shift=shift, rank=rank, by=by, now=now, deltas=deltas, row=row
    )


# --- What a change means for each contact ------------------------------------------------


@dataclass(frozen=True)
class Delta:
    contact_id: int
    gained: bool
    start: datetime
    end: datetime


def _spans_of(segments: list[Segment]) -> dict[int, list[tuple[datetime, datetime]]]:
    spans: dict[int, list[tuple[datetime, datetime]]] = {}
    for segment in segments:
        if segment.assignment is not None:
            spans.setdefault(segment.assignment.contact_id, []).append((segment.start, segment.end))
    return spans


def subtract(
    spans: list[tuple[datetime, datetime]], cuts: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of `spans` that no interval of `cuts` covers (all half-open)."""
    result = []
    for start, end in spans:
        pieces = [(start, end)]
        for cut_start, cut_end in cuts:
            next_pieces = []
            for lo, hi in pieces:
                if cut_end <= lo or cut_start >= hi:
                    next_pieces.append((lo, hi))
                    continue
                if lo < cut_start:
                    next_pieces.append((lo, cut_start))
                if cut_end < hi:
                    next_pieces.append((cut_end, hi))
            pieces = next_pieces
        result.extend(pieces)
    return result


def time_on_call_deltas(before: list[Segment], after: list[Segment]) -> list[Delta]:
    """Who gained and who lost which stretches of one rank, from its segments before and after."""
    old, new = _spans_of(before), _spans_of(after)
    deltas = []
    for contact_id in sorted(old.keys() | new.keys()):
        for start, end in subtract(new.get(contact_id, []), old.get(contact_id, [])):
            deltas.append(Delta(contact_id, True, start, end))
        for start, end in subtract(old.get(contact_id, []), new.get(contact_id, [])):
            deltas.append(Delta(contact_id, False, start, end))
    return deltas


def _authors_themselves(by, contact_ids: set[int]) -> set[int]:
    """The contacts that are the author (same e-mail address): no e-mail for one's own acts."""
    email = (getattr(by, "email", "") or "").strip().lower()
    if not email:
        return set()
    return set(
        ContactMethod.objects.filter(
            contact_id__in=contact_ids, kind=ContactMethod.Kind.EMAIL, value__iexact=email
        ).values_list("contact_id", flat=True)
    )


def _with_email(contact_ids: set[int]) -> set[int]:
    return set(
        ContactMethod.objects.filter(
            contact_id__in=contact_ids, kind=ContactMethod.Kind.EMAIL
        ).values_list("contact_id", flat=True)
    )


# --- The one place where a change is recorded --------------------------------------------


def record_change(
    schedule: Schedule,
    kind: str,
    *,
    shift: Shift | None = None,
    rank: int | None = None,
    by=None,
    now: datetime | None = None,
    deltas: Sequence[Delta] = (),
    row: Assignment | None = None,
) -> None:
    """Every change to a schedule, its shifts or their people ends here, in its transaction.

    - the schedule's version moves on (the calendar feeds are cached per version);
    - a change of who is on call (assign, override, unassign: `row` is the assignment made
      or ended) is told to the platform: an `oncall.changed` event in the outbox;
    - each contact who gains or loses time on call from now on (and has an e-mail address,
      and is not the author) gets a notice, e-mailed by the worker within NOTICE_DELAY
      together with any other change to them in that window.

    `kind` is schedule, shift, assign, override, unassign or comment.
    """
    now = now or timezone.now()
    Schedule.objects.filter(pk=schedule.pk).update(version=F("version") + 1, changed_at=now)
    if row is not None:
        emit(schedule.account, EventType.ONCALL_CHANGED, oncall_change_data(row, kind, by))
    # Only what is still ahead when the change is made (a back-dated act notifies nobody).
    horizon = max(now, timezone.now())
    deltas = [
        Delta(d.contact_id, d.gained, max(d.start, horizon), d.end)
        for d in deltas
        if d.end > horizon
    ]
    if not deltas or shift is None:
        return
    contact_ids = {d.contact_id for d in deltas}
    contact_ids = _with_email(contact_ids) - _authors_themselves(by, contact_ids)
    notices = [
        ChangeNotice(
            account_id=schedule.account_id,
            schedule_id=schedule.pk,
            shift_id=shift.pk,
            contact_id=d.contact_id,
            rank=rank or 1,
            start=d.start,
            end=d.end,
            gained=d.gained,
            by=by,
            created_at=timezone.now(),
        )
        for d in deltas
        if d.contact_id in contact_ids
    ]
    if not notices:
        return
    from oncall.tasks import schedule_change_email

    for contact_id in sorted({n.contact_id for n in notices}):
        schedule_change_email(contact_id)
    ChangeNotice.objects.bulk_create(notices)


# --- Calendar feed links -------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed_link(
    schedule: Schedule, contact, include_methods: bool, by, *, now: datetime | None = None
) -> tuple[FeedLink, str]:
    """A new secret feed address; returns the link and its token (shown once, kept hashed)."""
    if contact is not None:
        check_contact(schedule.account_id, contact)
    token = secrets.token_urlsafe(32)  # 256 random bits
    link = FeedLink.objects.create(
        account_id=schedule.account_id,
        schedule=schedule,
        contact=contact,
        token_hash=hash_token(token),
        include_methods=include_methods,
        created_at=now or timezone.now(),
        created_by=by,
    )
    return link, token


def revoke_feed_link(link: FeedLink, by, *, now: datetime | None = None) -> FeedLink:
    with transaction.atomic():
        FeedLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now(), revoked_by=by
        )
        link.refresh_from_db()
        return link
