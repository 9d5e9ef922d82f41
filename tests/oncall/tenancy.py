"""URL objects for the cross-tenant walker: a schedule, a shift and a feed link of an account."""

from datetime import timedelta

from oncall import actions
from tests.factories import future_day, make_schedule, make_shift


def _schedule(account):
    schedule = account.schedules.first() or make_schedule(account, "walker", "Walker")
    return schedule


def _schedule_id(account):
    return _schedule(account).pk


def _shift_id(account):
    schedule = _schedule(account)
    last = schedule.shifts.order_by("-ends_at").first()
    start = last.ends_at if last else future_day(5)
    return make_shift(schedule, start + timedelta(hours=1)).pk


def _feed_id(account):
    link, _token = actions.create_feed_link(_schedule(account), None, False, None)
    return link.pk


URL_OBJECTS = {"schedule_id": _schedule_id, "shift_id": _shift_id, "feed_id": _feed_id}
