"""The on-call pages: views, HTMX, roles, tenancy, bad input, forms, PDF, home banner."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AccessEvent
from oncall import actions
from oncall.models import Assignment, ShiftComment
from tests.factories import future_day, make_contact, make_schedule, make_shift

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def shift(schedule):
    return make_shift(schedule, future_day(8), hours=24, ranks=2)


def url(account, schedule, rest=""):
    return f"/a/{account.number}/oncall/{schedule.pk}/{rest}"


def test_the_only_schedule_is_selected_by_default(alice_client, account, schedule):
    response = alice_client.get(f"/a/{account.number}/oncall/?view=week")
    assert response.status_code == 302
    assert response["Location"] == url(account, schedule) + "?view=week"


def test_several_schedules_are_offered_to_pick(alice_client, account, schedule):
    make_schedule(account, "b", "Second line")
    html = alice_client.get(f"/a/{account.number}/oncall/").content.decode()
    assert "Urgences" in html and "Second line" in html


@pytest.mark.parametrize("view", ["day", "week", "month", "list"])
def test_each_view_shows_the_shift_its_ranks_and_people(
    alice_client, account, schedule, shift, ann, olga, alice, view
):
    actions.assign(shift, 1, ann, alice)
    actions.override(shift, 2, olga, shift.starts_at + H, shift.starts_at + 2 * H, alice)
    actions.comment(shift, "note", alice)
    day = timezone.localtime(shift.starts_at, schedule.tzinfo).date()
    response = alice_client.get(url(account, schedule), {"view": view, "date": day.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ann Base" in html and "Olga Override" in html
    assert "Override" in html and "1 comment" in html
    assert f"shifts/{shift.pk}/" in html
    if view == "list":
        assert "Partly covered" in html  # rank 2 is mostly empty: yellow, as the legend says
    else:
        assert 'data-colour="yellow"' in html


def test_htmx_switch_renders_only_the_calendar(
    alice_client, account, schedule, shift, htmx_headers
):
    response = alice_client.get(url(account, schedule), {"view": "week"}, headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'hx-push-url="true"' in html and "Previous" in html


def test_previous_next_today_links_hold_view_and_date(alice_client, account, schedule):
    html = alice_client.get(
        url(account, schedule), {"view": "week", "date": "2026-03-04"}
    ).content.decode()
    assert "date=2026-02-25&amp;view=week" in html or "view=week&amp;date=2026-02-25" in html
    assert "2026-03-11" in html


@pytest.mark.parametrize("query", [{"view": "year"}, {"date": "2026-02-31"}, {"date": "tomorrow"}])
def test_bad_view_or_date_gets_a_message_not_a_500(alice_client, account, schedule, query):
    response = alice_client.get(url(account, schedule), query)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert 'data-testid="period-title"' not in response.content.decode()


def test_month_view_queries_do_not_grow_with_shifts(
    alice_client, account, schedule, ann, alice, django_assert_max_num_queries
):
    start = future_day(1)
    for i in range(20):
        s = make_shift(schedule, start + timedelta(days=i), hours=24, ranks=2)
        actions.assign(s, 1, ann, alice)
        actions.comment(s, "x", alice)
    day = timezone.localtime(start, schedule.tzinfo).date().isoformat()
    # Session, membership, schedules, shifts, their rows, the feed links...: never per shift.
    with django_assert_max_num_queries(14):
        response = alice_client.get(url(account, schedule), {"view": "month", "date": day})
    assert response.status_code == 200


def test_month_colours_red_then_green(alice_client, account, schedule, ann, alice):
    s = make_shift(schedule, future_day(3, 0, 0), hours=24)
    day = timezone.localtime(s.starts_at, schedule.tzinfo).date().isoformat()
    html = alice_client.get(url(account, schedule), {"view": "month", "date": day}).content.decode()
    assert f'data-day="{day}" data-colour="red"' in html
    actions.assign(s, 1, ann, alice)
    html = alice_client.get(url(account, schedule), {"view": "month", "date": day}).content.decode()
    assert f'data-day="{day}" data-colour="green"' in html
    assert "Covered" in html and "Not covered" in html  # words and legend, not colour alone


def test_shift_page_assigns_overrides_unassigns_and_comments(
    alice_client, account, schedule, shift, ann, olga
):
    page = url(account, schedule, f"shifts/{shift.pk}/")
    assert alice_client.get(page).status_code == 200
    r = alice_client.post(
        page + "assign/",
        {"assign-rank": 1, "assign-contact": ann.pk, "assign-comment": "hi"},
    )
    assert r.status_code == 302
    local = timezone.localtime(shift.starts_at, schedule.tzinfo)
    r = alice_client.post(
        page + "override/",
        {
            "override-rank": 1,
            "override-contact": olga.pk,
            "override-start": (local + 2 * H).strftime("%Y-%m-%dT%H:%M"),
            "override-end": (local + 4 * H).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302
    override = Assignment.objects.get(kind="override")
    assert override.start == shift.starts_at + 2 * H  # typed in the schedule's time zone
    r = alice_client.post(page + "unassign/", {"unassign-assignment": override.pk})
    assert r.status_code == 302
    r = alice_client.post(page + "comment/", {"comment-text": "Swap agreed"})
    assert r.status_code == 302
    html = alice_client.get(page).content.decode()
    assert "Swap agreed" in html and "Override of rank 1 by Olga Override" in html
    assert "Ann Base assigned to rank 1" in html and 'data-testid="history"' in html
    assert AccessEvent.objects.filter(action="changed").count() == 4


def test_refusals_show_next_to_the_form_and_change_nothing(
    alice_client, account, schedule, shift, ann, olga, alice
):
    actions.assign(shift, 1, ann, alice)
    page = url(account, schedule, f"shifts/{shift.pk}/")
    r = alice_client.post(page + "assign/", {"assign-rank": 1, "assign-contact": olga.pk})
    assert r.status_code == 400
    assert "Someone is already assigned to this rank" in r.content.decode()
    local = timezone.localtime(shift.starts_at, schedule.tzinfo)
    r = alice_client.post(
        page + "override/",
        {
            "override-rank": 1,
            "override-contact": olga.pk,
            "override-start": (local - H).strftime("%Y-%m-%dT%H:%M"),
            "override-end": (local + H).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "An override cannot begin before or end after the original shift" in r.content.decode()
    r = alice_client.post(page + "assign/", {"assign-rank": 5, "assign-contact": olga.pk})
    assert r.status_code == 400
    assert Assignment.objects.count() == 1


def test_bad_override_datetime_is_a_message(alice_client, account, schedule, shift, olga):
    page = url(account, schedule, f"shifts/{shift.pk}/")
    r = alice_client.post(
        page + "override/",
        {
            "override-rank": 1,
            "override-contact": olga.pk,
            "override-start": "nope",
            "override-end": "",
        },
    )
    assert r.status_code == 400 and "invalid-feedback" in r.content.decode()
    assert not Assignment.objects.exists()


def test_contact_of_another_account_is_a_404(alice_client, account, other_account, schedule, shift):
    stranger = make_contact(other_account, "Stranger")
    page = url(account, schedule, f"shifts/{shift.pk}/")
    r = alice_client.post(page + "assign/", {"assign-rank": 1, "assign-contact": stranger.pk})
    assert r.status_code == 404
    assert not Assignment.objects.exists()


def test_assignment_of_another_shift_cannot_be_unassigned_here(
    alice_client, account, schedule, shift, ann, alice
):
    other = make_shift(schedule, shift.ends_at + H)
    row = actions.assign(other, 1, ann, alice)
    r = alice_client.post(
        url(account, schedule, f"shifts/{shift.pk}/unassign/"),
        {"unassign-assignment": row.pk},
    )
    assert r.status_code == 404
    row.refresh_from_db()
    assert row.ended_at is None


def test_member_reads_but_may_not_change(bob_client, account, schedule, shift, ann):
    page = url(account, schedule, f"shifts/{shift.pk}/")
    html = bob_client.get(page).content.decode()
    assert 'data-testid="assign-form"' not in html
    r = bob_client.post(page + "assign/", {"assign-rank": 1, "assign-contact": ann.pk})
    assert r.status_code == 403
    r = bob_client.post(page + "comment/", {"comment-text": "x"})
    assert r.status_code == 403
    assert not Assignment.objects.exists() and not ShiftComment.objects.exists()


def test_billing_role_may_not_open_on_call(carol_client, account, schedule, shift):
    assert carol_client.get(f"/a/{account.number}/oncall/").status_code == 403
    assert carol_client.get(url(account, schedule)).status_code == 403
    assert carol_client.get(url(account, schedule, f"shifts/{shift.pk}/")).status_code == 403


def test_other_accounts_schedule_and_shift_are_404(
    dave_client, alice_client, account, other_account, schedule, shift
):
    assert dave_client.get(url(account, schedule)).status_code == 404
    theirs = make_schedule(other_account, "x", "Theirs")
    their_shift = make_shift(theirs, future_day(2))
    assert alice_client.get(url(other_account, theirs)).status_code == 404
    # Our account in the URL, their objects in the path: still 404.
    assert alice_client.get(url(account, theirs)).status_code == 404
    assert alice_client.get(url(account, schedule, f"shifts/{their_shift.pk}/")).status_code == 404
    assert alice_client.get(url(account, theirs, "export.pdf")).status_code == 404


def test_ended_shift_page_offers_comments_only(alice_client, account, schedule, ann, alice):
    past = make_shift(schedule, timezone.now() - timedelta(days=4), hours=24)
    page = url(account, schedule, f"shifts/{past.pk}/")
    html = alice_client.get(page).content.decode()
    assert 'data-testid="assign-form"' not in html and 'data-testid="comment-form"' in html
    r = alice_client.post(page + "assign/", {"assign-rank": 1, "assign-contact": ann.pk})
    assert r.status_code == 400 and "has ended" in r.content.decode()
    assert alice_client.post(page + "comment/", {"comment-text": "Quiet week"}).status_code == 302


def test_pdf_shows_the_people_and_the_colours(
    alice_client, account, schedule, shift, ann, olga, alice
):
    actions.assign(shift, 1, ann, alice)
    actions.override(shift, 2, olga, shift.starts_at + H, shift.starts_at + 3 * H, alice)
    day = timezone.localtime(shift.starts_at, schedule.tzinfo).date().isoformat()
    response = alice_client.get(
        url(account, schedule, "export.pdf"), {"view": "month", "date": day}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ann Base" in text and "Olga Override" in text and "Override" in text
    assert "Partly covered" in text and "Rank 2" in text
    assert AccessEvent.objects.filter(action="exported", account=account).exists()


def test_pdf_with_bad_params_is_a_message(alice_client, account, schedule):
    response = alice_client.get(url(account, schedule, "export.pdf"), {"view": "year"})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()


def test_home_banner_shows_who_is_on_call_now_and_uncovered_shifts(
    alice_client, account, schedule, ann, alice
):
    now = timezone.now()
    running = make_shift(schedule, now - 2 * H, hours=24)
    actions.assign(running, 1, ann, alice, now=now - 3 * H)
    make_shift(schedule, running.ends_at, hours=24)  # empty, tomorrow
    html = alice_client.get(f"/a/{account.number}/").content.decode()
    assert 'data-testid="oncall-panel"' in html
    assert "Ann Base" in html
    assert "1 shift of the next 14 days is not fully covered" in html
    assert "view=list" in html and "gaps=1" in html


def test_list_filtered_to_gaps_shows_only_uncovered_shifts(
    alice_client, account, schedule, ann, alice
):
    full = make_shift(schedule, future_day(2), hours=24)
    actions.assign(full, 1, ann, alice)
    empty = make_shift(schedule, full.ends_at, hours=24)
    day = timezone.localtime(full.starts_at, schedule.tzinfo).date().isoformat()
    html = alice_client.get(
        url(account, schedule), {"view": "list", "date": day, "gaps": "1"}
    ).content.decode()
    assert f"shifts/{empty.pk}/" in html and f"shifts/{full.pk}/" not in html


def test_assign_is_offered_only_on_an_empty_rank_and_replace_on_a_filled_one(
    alice_client, account, schedule, shift, ann, alice
):
    actions.assign(shift, 1, ann, alice)
    page = url(account, schedule, f"shifts/{shift.pk}/")
    html = alice_client.get(page).content.decode()
    assert 'data-testid="replace-1"' in html and 'data-testid="assign-1"' not in html
    assert 'data-testid="assign-2"' in html and 'data-testid="replace-2"' not in html
    # The Assign form itself offers only the empty rank.
    form = html[html.index('data-testid="assign-form"') :]
    form = form[: form.index("</form>")]
    assert '<option value="2"' in form and '<option value="1"' not in form
    actions.assign(shift, 2, ann, alice)
    html = alice_client.get(page).content.decode()
    assert 'data-testid="assign-form"' not in html


def test_replace_opens_the_override_form_filled_with_the_shifts_times_and_rank(
    alice_client, account, schedule, shift, ann, alice
):
    actions.assign(shift, 2, ann, alice)
    page = url(account, schedule, f"shifts/{shift.pk}/")
    html = alice_client.get(page, {"form": "override", "rank": 2}).content.decode()
    local_start = timezone.localtime(shift.starts_at, schedule.tzinfo)
    local_end = timezone.localtime(shift.ends_at, schedule.tzinfo)
    assert f'value="{local_start:%Y-%m-%dT%H:%M}"' in html
    assert f'value="{local_end:%Y-%m-%dT%H:%M}"' in html
    assert '<details class="oncall-action mb-2" id="override-form" open>' in html
    assert '<option value="2" selected>' in html


def test_replace_on_a_running_shift_is_filled_with_what_remains(
    alice_client, account, schedule, ann, alice
):
    running = make_shift(schedule, timezone.now() - 3 * H, hours=24)
    actions.assign(running, 1, ann, alice, now=running.starts_at - H)
    html = alice_client.get(
        url(account, schedule, f"shifts/{running.pk}/"), {"form": "override", "rank": 1}
    ).content.decode()
    now = timezone.localtime(timezone.now(), schedule.tzinfo)
    assert f'value="{now:%Y-%m-%dT%H:}' in html
    start = timezone.localtime(running.starts_at, schedule.tzinfo)
    assert f'value="{start:%Y-%m-%dT%H:%M}"' not in html


def test_a_partly_covered_shift_is_yellow_and_an_empty_one_red_as_the_legend_says(
    alice_client, account, schedule, shift, ann, alice
):
    actions.assign(shift, 1, ann, alice)  # rank 2 empty: partly covered
    empty = make_shift(schedule, shift.ends_at, hours=24)
    day = timezone.localtime(shift.starts_at, schedule.tzinfo).date().isoformat()
    html = alice_client.get(url(account, schedule), {"view": "list", "date": day}).content.decode()
    assert f'data-testid="shift-{shift.pk}" data-colour="yellow"' in html
    assert f'data-testid="shift-{empty.pk}" data-colour="red"' in html
    start = html.index(f'data-testid="shift-{shift.pk}"')
    assert "oncall-badge oncall-yellow" in html[start : html.index("oncall-ranks", start)]


def test_action_urls_refuse_get_and_unknown_forms_change_nothing(
    alice_client, account, schedule, shift
):
    for name in ("assign", "override", "unassign", "comment"):
        assert (
            alice_client.get(url(account, schedule, f"shifts/{shift.pk}/{name}/")).status_code
            == 405
        )
    response = alice_client.post(url(account, schedule, f"shifts/{shift.pk}/unassign/"), {})
    assert response.status_code == 400
    response = alice_client.post(
        url(account, schedule, f"shifts/{shift.pk}/unassign/"), {"unassign-assignment": 999999}
    )
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_french_month_abbreviations_are_lower_case(alice, account, schedule):
    import re
    from datetime import datetime

    from tests.conftest import signed_in

    alice.language = "fr"
    alice.save(update_fields=["language"])
    start = datetime(2026, 12, 14, 7, 30, tzinfo=schedule.tzinfo)
    shift = make_shift(schedule, start, hours=24)
    html = signed_in(alice).get(url(account, schedule, f"shifts/{shift.pk}/")).content.decode()
    title = re.search(r'data-testid="shift-title">(.*?)</h1>', html, re.S).group(1)
    assert "14 déc. 2026" in title and "15 déc. 2026" in title
    week = signed_in(alice).get(url(account, schedule), {"view": "week", "date": "2026-12-14"})
    text = week.content.decode()
    assert "14 déc." in text
    assert not re.search(r"\b(Nov|Déc|Dec|Jan)\b", text)
