"""Every rule of docs/oncall.md's "The rulebook" and "Who is on call", on the functions."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from oncall import actions
from oncall.models import Assignment
from oncall.resolver import Coverage, who_is_on_call
from tests.factories import future_day, make_contact, make_shift

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


@pytest.fixture
def shift(schedule):
    return make_shift(schedule, future_day(10), hours=24, ranks=2)


def names(schedule, at, **kw):
    return [r.contact.name if r.contact else None for r in who_is_on_call(schedule, at, **kw).ranks]


def test_assign_names_the_contact_for_the_whole_shift(schedule, shift, ann, alice):
    row = actions.assign(shift, 1, ann, alice, "regular week")
    assert row.kind == "base" and row.comment == "regular week" and row.created_by == alice
    assert names(schedule, shift.starts_at) == ["Ann Base", None]
    assert names(schedule, shift.ends_at - timedelta(seconds=1)) == ["Ann Base", None]
    assert who_is_on_call(schedule, shift.ends_at).shift is None


def test_assign_is_refused_when_the_rank_already_has_someone(shift, ann, olga, alice):
    actions.assign(shift, 1, ann, alice)
    with pytest.raises(ValidationError, match="already assigned to this rank"):
        actions.assign(shift, 1, olga, alice)
    assert Assignment.objects.count() == 1


def test_rank_outside_the_shift_is_refused(shift, ann, alice):
    for rank in (0, 3):
        with pytest.raises(ValidationError, match="ranks 1 to 2"):
            actions.assign(shift, rank, ann, alice)
    assert not Assignment.objects.exists()


def test_contact_of_another_account_is_a_404(shift, other_account, alice):
    stranger = make_contact(other_account, "Stranger")
    with pytest.raises(Http404):
        actions.assign(shift, 1, stranger, alice)
    with pytest.raises(Http404):
        actions.override(shift, 1, stranger, shift.starts_at, shift.starts_at + H, alice)
    assert not Assignment.objects.exists()


def test_override_wins_inside_its_window_and_base_comes_back_after(
    schedule, shift, ann, olga, alice
):
    actions.assign(shift, 1, ann, alice)
    start, end = shift.starts_at + 11 * H, shift.starts_at + 23 * H
    actions.override(shift, 1, olga, start, end, alice, "swap")
    assert names(schedule, start - timedelta(seconds=1))[0] == "Ann Base"
    assert names(schedule, start)[0] == "Olga Override"
    assert names(schedule, end - timedelta(seconds=1))[0] == "Olga Override"
    assert names(schedule, end)[0] == "Ann Base"
    answer = who_is_on_call(schedule, start, rank=1)
    assert [(r.rank, r.source, r.until) for r in answer.ranks] == [(1, "override", end)]
    assert who_is_on_call(schedule, shift.starts_at, rank=1).ranks[0].until == start


def test_override_may_sit_on_an_empty_rank(schedule, shift, olga, alice):
    actions.override(shift, 2, olga, shift.starts_at + H, shift.starts_at + 2 * H, alice)
    assert names(schedule, shift.starts_at + H) == [None, "Olga Override"]
    assert names(schedule, shift.starts_at) == [None, None]


@pytest.mark.parametrize(
    ("start_h", "end_h"),
    [(-1, 2), (20, 25), (-2, 26)],
)
def test_override_outside_the_shift_is_refused(shift, olga, alice, start_h, end_h):
    with pytest.raises(
        ValidationError, match="cannot begin before or end after the original shift"
    ):
        actions.override(
            shift, 1, olga, shift.starts_at + start_h * H, shift.starts_at + end_h * H, alice
        )
    assert not Assignment.objects.exists()


def test_override_ending_before_it_begins_is_refused(shift, olga, alice):
    with pytest.raises(ValidationError, match="must come after its beginning"):
        actions.override(shift, 1, olga, shift.starts_at + 2 * H, shift.starts_at + 2 * H, alice)
    with pytest.raises(ValidationError):
        actions.override(shift, 1, olga, shift.starts_at + 3 * H, shift.starts_at + 2 * H, alice)


def test_overlapping_overrides_of_one_rank_are_refused_but_other_ranks_and_neighbours_are_fine(
    shift, ann, olga, alice
):
    actions.override(shift, 1, olga, shift.starts_at + 2 * H, shift.starts_at + 4 * H, alice)
    with pytest.raises(ValidationError, match="overlaps another one for the same rank"):
        actions.override(shift, 1, ann, shift.starts_at + 3 * H, shift.starts_at + 5 * H, alice)
    actions.override(
        shift, 1, ann, shift.starts_at + 4 * H, shift.starts_at + 5 * H, alice
    )  # touching
    actions.override(
        shift, 2, ann, shift.starts_at + 3 * H, shift.starts_at + 5 * H, alice
    )  # other rank
    assert Assignment.objects.count() == 3


def test_unassigning_an_override_gives_the_time_back_to_the_base(
    schedule, shift, ann, olga, alice, bob
):
    actions.assign(shift, 1, ann, alice)
    row = actions.override(shift, 1, olga, shift.starts_at + H, shift.starts_at + 5 * H, alice)
    actions.unassign(row, bob)
    row.refresh_from_db()
    assert row.ended_by == bob and row.ended_at is not None
    assert names(schedule, shift.starts_at + 2 * H)[0] == "Ann Base"
    # And the slot is free again for another override.
    actions.override(shift, 1, olga, shift.starts_at + H, shift.starts_at + 2 * H, alice)


def test_unassigning_a_base_empties_the_rank_and_keeps_its_overrides(
    schedule, shift, ann, olga, alice
):
    base = actions.assign(shift, 1, ann, alice)
    actions.override(shift, 1, olga, shift.starts_at + H, shift.starts_at + 2 * H, alice)
    actions.unassign(base, alice)
    assert names(schedule, shift.starts_at)[0] is None
    assert names(schedule, shift.starts_at + H)[0] == "Olga Override"
    actions.assign(shift, 1, olga, alice)  # assignable again
    assert Assignment.objects.count() == 3  # nothing deleted


def test_unassigning_twice_is_refused(shift, ann, alice):
    base = actions.assign(shift, 1, ann, alice)
    actions.unassign(base, alice)
    with pytest.raises(ValidationError, match="already been removed"):
        actions.unassign(base, alice)


def test_an_ended_shift_is_read_only_but_takes_comments(schedule, ann, alice):
    past = make_shift(schedule, timezone.now() - timedelta(days=3), hours=24)
    for attempt in (
        lambda: actions.assign(past, 1, ann, alice),
        lambda: actions.override(past, 1, ann, past.starts_at, past.ends_at, alice),
    ):
        with pytest.raises(ValidationError, match="has ended"):
            attempt()
    comment = actions.comment(past, "All quiet.", alice)
    assert comment.text == "All quiet." and comment.author == alice


def test_empty_comment_is_refused(shift, alice):
    with pytest.raises(ValidationError):
        actions.comment(shift, "   ", alice)


def test_running_shift_changes_take_effect_from_now_and_served_time_stays(
    schedule, ann, olga, alice
):
    now = timezone.now()
    running = make_shift(schedule, now - 10 * H, hours=24)
    base = actions.assign(running, 1, ann, alice, now=now - 11 * H)
    actions.unassign(base, alice, now=now)
    assert names(schedule, now - 5 * H) == ["Ann Base"]  # served time stays
    assert names(schedule, now + H) == [None]
    # Assigning while it runs covers from now on, not the past gap.
    actions.assign(running, 1, olga, alice, now=now + 2 * H)
    assert names(schedule, now + H) == [None]
    assert names(schedule, now + 3 * H) == ["Olga Override"]


def test_running_override_unassigned_ends_now(schedule, ann, olga, alice):
    now = timezone.now()
    running = make_shift(schedule, now - 10 * H, hours=24)
    actions.assign(running, 1, ann, alice, now=now - 11 * H)
    row = actions.override(running, 1, olga, now - H, now + 5 * H, alice, now=now - 2 * H)
    actions.unassign(row, alice, now=now)
    assert names(schedule, now - 30 * timedelta(minutes=1)) == ["Olga Override"]
    assert names(schedule, now + H) == ["Ann Base"]


def test_override_may_not_start_more_than_five_minutes_ago(schedule, olga, alice):
    now = timezone.now()
    running = make_shift(schedule, now - 10 * H, hours=24)
    with pytest.raises(ValidationError, match="cannot begin in the past"):
        actions.override(running, 1, olga, now - timedelta(minutes=6), now + H, alice, now=now)
    actions.override(running, 1, olga, now - timedelta(minutes=4), now + H, alice, now=now)


def test_a_finished_override_in_a_running_shift_cannot_be_unassigned(schedule, olga, alice):
    now = timezone.now()
    running = make_shift(schedule, now - 10 * H, hours=24)
    row = actions.override(running, 1, olga, now - 9 * H, now - 8 * H, alice, now=now - 9 * H)
    with pytest.raises(ValidationError, match="already over"):
        actions.unassign(row, alice, now=now)


def test_as_seen_at_answers_what_the_agents_knew_then(schedule, shift, ann, olga, alice):
    t0 = timezone.now()
    base = actions.assign(shift, 1, ann, alice, now=t0)
    override = actions.override(
        shift,
        1,
        olga,
        shift.starts_at + H,
        shift.starts_at + 3 * H,
        alice,
        now=t0 + timedelta(minutes=10),
    )
    actions.unassign(override, alice, now=t0 + timedelta(minutes=20))
    actions.unassign(base, alice, now=t0 + timedelta(minutes=30))
    t = shift.starts_at + 2 * H
    assert names(schedule, t, as_seen_at=t0 - timedelta(minutes=1)) == [None, None]
    assert names(schedule, t, as_seen_at=t0 + timedelta(minutes=5)) == ["Ann Base", None]
    assert names(schedule, t, as_seen_at=t0 + timedelta(minutes=15)) == ["Olga Override", None]
    assert names(schedule, t, as_seen_at=t0 + timedelta(minutes=25)) == ["Ann Base", None]
    assert names(schedule, t, as_seen_at=t0 + timedelta(minutes=35)) == [None, None]
    assert names(schedule, t) == [None, None]


def test_coverage_loads_rows_in_one_query_whatever_the_shift_count(
    schedule, ann, alice, django_assert_num_queries
):
    shifts = [make_shift(schedule, future_day(20 + i), hours=24, ranks=2) for i in range(6)]
    for s in shifts:
        actions.assign(s, 1, ann, alice)
    with django_assert_num_queries(1):
        coverage = Coverage(shifts)
        assert all(coverage.at(s, 1, s.starts_at)[0].contact.name == "Ann Base" for s in shifts)
