"""Staff tools: the shift admin, its no-overlap check and the repeat actions; the demo seeder."""

import io
import random
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from oncall.demo import seed_oncall
from oncall.models import Assignment, Schedule, Shift, ShiftComment
from oncall.resolver import GREEN, RED, YELLOW, Coverage, local_day_bounds
from tests.conftest import verified
from tests.oncall.helpers import future_day, make_contact, make_schedule, make_shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db):
    return verified(User.objects.create_superuser("support", "s@example.com", "pw"))


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
