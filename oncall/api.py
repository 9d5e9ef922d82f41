"""Schedules, shifts and "who is on call" in the platform API (platform-api.md)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field, field_validator

from accounts.models import Account
from api.accounts import account_or_404, status_of
from api.errors import bad_request
from api.schemas import ExternalId, Instant, StrictSchema, Written
from oncall.models import MAX_RANKS, Schedule, Shift
from oncall.resolver import who_is_on_call
from portal.upsert import Outcome, upsert

router = Router(tags=["on call"])
routers = [("", router)]


class ScheduleIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = ""

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        if value and value not in zoneinfo.available_timezones():
            raise ValueError("Not a known IANA time zone.")
        return value


class ShiftIn(StrictSchema):
    starts_at: Instant
    ends_at: Instant
    ranks: int = Field(default=1, ge=1, le=MAX_RANKS)


def write_schedule(
    account: Account, external_id: str, data: ScheduleIn
) -> tuple[Schedule, Outcome]:
    with transaction.atomic():
        return upsert(
            Schedule,
            {"account": account, "external_id": external_id},
            {"name": data.name, "timezone": data.timezone or account.timezone},
        )


def schedule_or_404(account: Account, external_id: str) -> Schedule:
    schedule = (
        Schedule.objects.for_account(account)
        .filter(external_id=external_id)
        .select_related("account")
        .first()
    )
    if schedule is None:
        raise Http404(f"No schedule {external_id}.")
    return schedule


def write_shift(schedule: Schedule, external_id: str, data: ShiftIn) -> tuple[Shift, Outcome]:
    """Create or move a shift; refused (ApiError 400) if it would overlap or strand an override."""
    starts_at, ends_at = data.starts_at, data.ends_at
    if ends_at <= starts_at:
        raise bad_request("ends_at", "ends_at must be after starts_at.")
    with transaction.atomic():
        # One writer per schedule at a time: the overlap check below cannot race.
        Schedule.objects.select_for_update().filter(pk=schedule.pk).first()
        existing = Shift.objects.filter(schedule=schedule, external_id=external_id).first()
        others = Shift.objects.filter(schedule=schedule).overlapping(starts_at, ends_at)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        if others.exists():
            raise bad_request("starts_at", "This shift overlaps another shift of the schedule.")
        if existing is not None:
            _check_overrides_fit(existing, starts_at, ends_at, data.ranks)
        try:
            with transaction.atomic():
                return upsert(
                    Shift,
                    {"schedule": schedule, "external_id": external_id},
                    {
                        "account": schedule.account,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "ranks": data.ranks,
                    },
                )
        except IntegrityError as error:  # the database's own no-overlap constraint (PostgreSQL)
            raise bad_request(
                "starts_at", "This shift overlaps another shift of the schedule."
            ) from error


def _check_overrides_fit(shift: Shift, starts_at: datetime, ends_at: datetime, ranks: int) -> None:
    for row in shift.assignments.all():
        start, end = row.effective(shift)
        if start >= end:
            continue  # never in force: nothing to keep
        own_start, own_end = row.window(shift)  # an override's own start and end
        if row.is_override and (own_start < starts_at or own_end > ends_at):
            raise bad_request("starts_at", "An override of this shift would fall outside it.")
        if row.rank > ranks:
            raise bad_request("ranks", f"Rank {row.rank} of this shift has assignments.")


@router.put("/accounts/{number}/schedules/{external_id}", response={200: Written, 201: Written})
def put_schedule(request, number: int, external_id: ExternalId, payload: ScheduleIn):
    account = account_or_404(number)
    schedule, outcome = write_schedule(account, external_id, payload)
    return Status(
        status_of(outcome),
        {"external_id": schedule.external_id, "id": schedule.pk, "outcome": outcome.value},
    )


@router.put(
    "/accounts/{number}/schedules/{sid}/shifts/{external_id}", response={200: Written, 201: Written}
)
def put_shift(request, number: int, sid: str, external_id: ExternalId, payload: ShiftIn):
    schedule = schedule_or_404(account_or_404(number), sid)
    shift, outcome = write_shift(schedule, external_id, payload)
    return Status(
        status_of(outcome),
        {"external_id": shift.external_id, "id": shift.pk, "outcome": outcome.value},
    )


def _iso(moment: datetime | None, tz) -> str | None:
    return timezone.localtime(moment, tz).isoformat() if moment else None


def on_call_answer(schedule: Schedule, at: datetime) -> dict:
    tz = schedule.tzinfo
    answer = who_is_on_call(schedule, at, with_methods=True)
    shift = answer.shift
    return {
        "at": _iso(at, tz),
        "schedule": schedule.external_id,
        "shift": None
        if shift is None
        else {
            "external_id": shift.external_id,
            "starts_at": _iso(shift.starts_at, tz),
            "ends_at": _iso(shift.ends_at, tz),
            "ranks": shift.ranks,
        },
        "ranks": [
            {
                "rank": r.rank,
                "contact": None
                if r.contact is None
                else {
                    "name": r.contact.name,
                    "methods": [
                        {"kind": m.kind, "value": m.value, "label": m.label}
                        for m in r.contact.methods.all()
                    ],
                },
                "source": r.source,
                "until": _iso(r.until, tz),
            }
            for r in answer.ranks
        ],
    }


@router.get("/accounts/{number}/schedules/{sid}/on-call")
def get_on_call(request, number: int, sid: str, at: Instant | None = None):
    schedule = schedule_or_404(account_or_404(number), sid)
    return on_call_answer(schedule, at or timezone.now())
