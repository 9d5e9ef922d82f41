"""The four things a manager may do to a shift (oncall.md, "Actions").

Each runs in one transaction with the shift row locked, checks every rule first, and
either adds one row (or ends one) or raises ValidationError with a translated message
and changes nothing. `now` defaults to the current instant; the demo seeder passes the
moment it pretends to act at.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from oncall.models import Assignment, Shift, ShiftComment

# An override may start this long before now (the time to fill in the form).
OVERRIDE_START_GRACE = timedelta(minutes=5)


def _locked(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("schedule").get(pk=shift.pk)


def _check_contact(shift: Shift, contact) -> None:
    if contact.account_id != shift.account_id:
        raise Http404("No such contact")
    if not contact.active:
        raise ValidationError({"contact": _("This contact is no longer in your directory.")})


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
    shift: Shift, rank: int, contact, by, comment: str = "", *, now: datetime | None = None
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        shift = _locked(shift)
        _check_contact(shift, contact)
        _check_open(shift, now)
        _check_rank(shift, rank)
        if shift.assignments.active().filter(rank=rank, kind=Assignment.Kind.BASE).exists():
            raise ValidationError(
                _("Someone is already assigned to this rank: use Override or Unassign first")
            )
        try:
            with transaction.atomic():
                return Assignment.objects.create(
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
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        shift = _locked(shift)
        _check_contact(shift, contact)
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
        clash = shift.assignments.active().filter(
            rank=rank, kind=Assignment.Kind.OVERRIDE, start__lt=end, end__gt=start
        )
        if clash.exists():
            raise ValidationError(_("This override overlaps another one for the same rank"))
        return Assignment.objects.create(
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


def unassign(assignment: Assignment, by, *, now: datetime | None = None) -> Assignment:
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
        # The one update an assignment row ever gets: its ending, set once.
        Assignment.objects.filter(pk=row.pk, ended_at__isnull=True).update(
            ended_at=now, ended_by=by
        )
        row.ended_at, row.ended_by = now, by
        return row


def comment(shift: Shift, text: str, by, *, now: datetime | None = None) -> ShiftComment:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    with transaction.atomic():
        shift = _locked(shift)
        return ShiftComment.objects.create(
            account_id=shift.account_id,
            shift=shift,
            author=by,
            text=text,
            created_at=now or timezone.now(),
        )
