"""Staff tools: the shift admin, its no-overlap check and the repeat actions; the demo seeder."""

import io
import random
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from oncall.demo import seed_oncall
from oncall.models import Assignment, Schedule, Shift, ShiftComment
from oncall.resolver import GREEN, RED, YELLOW, Coverage, local_day_bounds
from tests.factories import future_day, make_contact, make_schedule, make_shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(account):
    return make_schedule(account)


def test_shift_admin_lists_and_opens_with_read_only_history(staff_client, schedule):
    shift = make_shift(schedule, future_day(3))
    assert staff_client.get("/admin/oncall/shift/?q=Urgences").status_code == 200
    assert staff_client.get(f"/admin/oncall/shift/{shift.pk}/change/").status_code == 200
    assert staff_client.get("/admin/oncall/schedule/").status_code == 200


def test_shift_admin_form_refuses_an_overlap(staff_client, schedule):
    shift = make_shift(schedule, future_day(3))
    start = shift.starts_at + timedelta(hours=2)
    response = staff_client.post(
        "/admin/oncall/shift/add/",
        {
            "schedule": schedule.pk,
            "external_id": "clash",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": (start + timedelta(days=1)).strftime("%Y-%m-%d"),
            "ends_at_1": start.strftime("%H:%M:%S"),
            "ranks": 1,
            "assignments-TOTAL_FORMS": 0,
            "assignments-INITIAL_FORMS": 0,
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "overlaps another shift" in response.content.decode()
    assert Shift.objects.count() == 1


def test_repeat_action_asks_n_then_creates_copies_and_reports_overlaps(staff_client, schedule):
    shift = make_shift(schedule, future_day(3), hours=24)
    blocker = make_shift(schedule, shift.starts_at + timedelta(days=14, hours=1), hours=1)
    form = staff_client.post(
        "/admin/oncall/shift/", {"action": "repeat_every_7_days", "_selected_action": [shift.pk]}
    )
    assert form.status_code == 200 and "How many copies" in form.content.decode()
    too_many = staff_client.post(
        "/admin/oncall/shift/",
        {
            "action": "repeat_every_7_days",
            "_selected_action": [shift.pk],
            "apply": "1",
            "times": 53,
        },
    )
    assert too_many.status_code == 200 and Shift.objects.count() == 2
    done = staff_client.post(
        "/admin/oncall/shift/",
        {"action": "repeat_every_7_days", "_selected_action": [shift.pk], "apply": "1", "times": 3},
        follow=True,
    )
    html = done.content.decode()
    assert "2 shifts created" in html and "would overlap" in html
    assert Shift.objects.count() == 4  # original, blocker, two copies
    assert blocker.pk in Shift.objects.values_list("pk", flat=True)


def test_repeat_every_day(staff_client, schedule):
    shift = make_shift(schedule, future_day(3, 19, 0), hours=12)
    staff_client.post(
        "/admin/oncall/shift/",
        {"action": "repeat_every_1_days", "_selected_action": [shift.pk], "apply": "1", "times": 5},
    )
    assert Shift.objects.count() == 6


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)
def test_database_refuses_overlapping_shifts_on_postgresql(schedule):
    shift = make_shift(schedule, future_day(3))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_shift(schedule, shift.starts_at + timedelta(hours=1), external_id="clash")


def test_demo_seeder_shows_all_three_colours_and_is_idempotent(account, other_account, alice, dave):
    for i in range(1, 4):
        make_contact(account, f"Plombier {i}")
        make_contact(other_account, f"Chauffagiste {i}")
    accounts = {5201: account, 7300: other_account}
    seed_oncall(accounts, random.Random("demo-oncall"), io.StringIO())
    counts = (
        Schedule.objects.count(),
        Shift.objects.count(),
        Assignment.objects.count(),
        ShiftComment.objects.count(),
    )
    seed_oncall(accounts, random.Random("demo-oncall"), io.StringIO())
    assert counts == (
        Schedule.objects.count(),
        Shift.objects.count(),
        Assignment.objects.count(),
        ShiftComment.objects.count(),
    )
    schedule = Schedule.objects.get(account=account)
    assert schedule.name == "Urgences plomberie"
    shifts = list(schedule.shifts.all())
    assert len(shifts) == 13
    coverage = Coverage(shifts)
    tz = schedule.tzinfo
    colours = set()
    for shift in shifts:
        day = shift.starts_at.astimezone(tz).date()
        for i in range(7):
            colours.add(coverage.colour(*local_day_bounds(day + timedelta(days=i), tz)))
    assert {GREEN, YELLOW, RED} <= colours
    assert Assignment.objects.filter(kind="override").exists()
    assert Assignment.objects.filter(created_by=alice).exists()


def test_demo_seeder_skips_an_account_without_contacts(account):
    out = io.StringIO()
    seed_oncall({5201: account}, random.Random(1), out)
    assert not Schedule.objects.exists() and "no contacts" in out.getvalue()


def _change_form(shift, start, end, ranks=None):
    return {
        "external_id": shift.external_id,
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "ranks": ranks or shift.ranks,
        "assignments-TOTAL_FORMS": 0,
        "assignments-INITIAL_FORMS": 0,
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
    }


def test_admin_refuses_to_shrink_a_shift_so_an_override_falls_outside(
    staff_client, schedule, account, alice
):
    from django.utils import timezone as tz

    from oncall import actions

    shift = make_shift(schedule, future_day(3), hours=24, ranks=2)
    olga = make_contact(account, "Olga")
    actions.override(
        shift, 1, olga, shift.starts_at + timedelta(hours=20), shift.ends_at, alice, notify=False
    )
    local = tz.localtime(shift.starts_at)
    shrunk = _change_form(shift, local, local + timedelta(hours=12))
    response = staff_client.post(f"/admin/oncall/shift/{shift.pk}/change/", shrunk)
    assert response.status_code == 200
    assert "An override of this shift would fall outside it." in response.content.decode()
    fewer_ranks = _change_form(shift, local, local + timedelta(hours=24), ranks=1)
    fewer_ranks["ranks"] = 1
    actions.assign(shift, 2, olga, alice, notify=False)
    response = staff_client.post(f"/admin/oncall/shift/{shift.pk}/change/", fewer_ranks)
    assert "Rank 2 of this shift has assignments." in response.content.decode()
    shift.refresh_from_db()
    assert shift.ends_at - shift.starts_at == timedelta(hours=24) and shift.ranks == 2


def test_admin_edit_that_keeps_the_rules_goes_through_and_moves_the_schedule_version(
    staff_client, schedule
):
    from django.utils import timezone as tz

    shift = make_shift(schedule, future_day(3), hours=24)
    version = Schedule.objects.get(pk=schedule.pk).version
    local = tz.localtime(shift.starts_at)
    response = staff_client.post(
        f"/admin/oncall/shift/{shift.pk}/change/",
        _change_form(shift, local, local + timedelta(hours=30)),
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.ends_at - shift.starts_at == timedelta(hours=30)
    assert Schedule.objects.get(pk=schedule.pk).version > version


def test_admin_shift_form_refuses_what_the_api_refuses_end_before_start(staff_client, schedule):
    from django.utils import timezone as tz

    shift = make_shift(schedule, future_day(3), hours=24)
    local = tz.localtime(shift.starts_at)
    response = staff_client.post(
        f"/admin/oncall/shift/{shift.pk}/change/", _change_form(shift, local, local)
    )
    assert "A shift must end after it starts." in response.content.decode()


def test_feed_links_are_listed_in_the_admin_without_their_token(staff_client, schedule):
    from oncall import actions

    _link, token = actions.create_feed_link(schedule, None, True, None)
    html = staff_client.get("/admin/oncall/feedlink/").content.decode()
    assert "Urgences" in html and token not in html


def test_change_notices_and_gap_alerts_are_listed_read_only(staff_client):
    assert staff_client.get("/admin/oncall/changenotice/").status_code == 200
    assert staff_client.get("/admin/oncall/gapalert/").status_code == 200
    assert staff_client.get("/admin/oncall/gapalert/add/").status_code == 403
