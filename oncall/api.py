"""Schedules, shifts and "who is on call" in the platform API (docs/api.md, "On call")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator
from pydantic.json_schema import JsonDict

from accounts.models import Account
from api.accounts import account_or_404, status_of
from api.schemas import (
    AccountNumber,
    ExternalId,
    Instant,
    Integer,
    StrictSchema,
    Written,
    is_known_timezone,
    known_timezone_schema,
)
from oncall import actions
from oncall.models import MAX_RANKS, Schedule
from oncall.resolver import who_is_on_call

router = Router(tags=["on call"])
routers = [("", router)]


class ScheduleIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field(
        default="", max_length=64, json_schema_extra=known_timezone_schema(empty=True)
    )

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        if value and not is_known_timezone(value):
            raise ValueError("Not a known IANA time zone.")
        return value


class ShiftIn(StrictSchema):
    starts_at: Instant
    ends_at: Instant
    ranks: Integer = Field(default=1, ge=1, le=MAX_RANKS)


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


@router.put("/accounts/{number}/schedules/{external_id}", response={200: Written, 201: Written})
def put_schedule(request, number: AccountNumber, external_id: ExternalId, payload: ScheduleIn):
    account = account_or_404(number)
    schedule, outcome = actions.write_schedule(
        account, external_id, name=payload.name, zone=payload.timezone
    )
    return Status(
        status_of(outcome),
        {"external_id": schedule.external_id, "id": schedule.pk, "outcome": outcome.value},
    )


@router.put(
    "/accounts/{number}/schedules/{sid}/shifts/{external_id}",
    response={200: Written, 201: Written},
    summary="Create or move a shift",
    description=(
        "Rules between fields and with other shifts, each refused with a 400 naming the "
        "field: `ends_at` must be after `starts_at` (`ends_at`); the shift must not overlap "
        "another shift of the same schedule (`starts_at`); moving a shift is refused when an "
        "override of it would then fall outside it (`starts_at`)."
    ),
)
def put_shift(
    request, number: AccountNumber, sid: ExternalId, external_id: ExternalId, payload: ShiftIn
):
    schedule = schedule_or_404(account_or_404(number), sid)
    shift, outcome = actions.write_shift(
        schedule,
        external_id,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        ranks=payload.ranks,
    )
    return Status(
        status_of(outcome),
        {"external_id": shift.external_id, "id": shift.pk, "outcome": outcome.value},
    )


# The answer of "who is on call" (docs/api.md, "On call"): every instant is written in the
# schedule's time zone, with its offset.
_INSTANT: JsonDict = {"format": "date-time"}


class OnCallMethodOut(Schema):
    kind: str
    value: str
    label: str


class OnCallContactOut(Schema):
    name: str
    methods: list[OnCallMethodOut]


class OnCallRankOut(Schema):
    rank: int = Field(ge=1, le=MAX_RANKS)
    contact: OnCallContactOut | None = Field(description="None: nobody (a gap).")
    source: str | None = Field(
        description="The kind of assignment that puts this person there; None: nobody."
    )
    until: str | None = Field(json_schema_extra=_INSTANT)


class OnCallShiftOut(Schema):
    external_id: str
    starts_at: str = Field(json_schema_extra=_INSTANT)
    ends_at: str = Field(json_schema_extra=_INSTANT)
    ranks: int = Field(ge=1, le=MAX_RANKS)


class OnCallOut(Schema):
    at: str = Field(json_schema_extra=_INSTANT)
    schedule: str
    shift: OnCallShiftOut | None = Field(description="None: no shift covers that instant.")
    ranks: list[OnCallRankOut]


def _iso(moment: datetime | None, tz) -> str | None:
    return timezone.localtime(moment, tz).isoformat() if moment else None


def on_call_answer(schedule: Schedule, at: datetime, as_of: datetime | None = None) -> dict:
    tz = schedule.tzinfo
    answer = who_is_on_call(schedule, at, as_seen_at=as_of, with_methods=True)
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


@router.get(
    "/accounts/{number}/schedules/{sid}/on-call",
    response=OnCallOut,
    summary="Who is on call",
    description=(
        "Who the agents call at the instant `at` (default: now), rank by rank, with the "
        "contact's methods and until when that person is on call. With `as_of`, the answer "
        "the portal gave at that earlier instant: only the changes made by then count, "
        "including any unassignment made by then, and nothing made later. Times are written "
        "in the schedule's time zone."
    ),
)
def get_on_call(
    request,
    number: AccountNumber,
    sid: ExternalId,
    at: Annotated[
        Instant | None, Query(description="The instant asked about (default: now).")
    ] = None,
    as_of: Annotated[
        Instant | None,
        Query(description="Answer as the portal would have answered at this instant."),
    ] = None,
):
    schedule = schedule_or_404(account_or_404(number), sid)
    return on_call_answer(schedule, at or timezone.now(), as_of)
