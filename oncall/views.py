"""On-call pages: schedule picker, day/week/month/list views, a shift and its actions, PDF,
calendar feed links and the feeds themselves.

Every page of a schedule is drawn in the schedule's own time zone (timezone.override), so
a Vancouver schedule reads in Vancouver time whoever looks at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import log_access
from accounts.tenancy import AccountRequest, account_view
from oncall import actions
from oncall.calendar import COLOUR_LABELS, PeriodForm, build, period_of
from oncall.feeds import feed_for
from oncall.forms import AssignForm, CommentForm, FeedLinkForm, OverrideForm, UnassignForm
from oncall.models import Assignment, FeedLink, Schedule, Shift
from oncall.resolver import Coverage, on_call_now_for_schedules
from oncall.zones import is_ambiguous, offset_label, when, zone_phrase
from portal.exports import export_filename, render_pdf
from portal.words import date_range

PANEL_DAYS = 14


def _schedules(request: AccountRequest):
    return list(Schedule.objects.for_account(request.account))


def _schedule_or_404(request: AccountRequest, schedule_id: int) -> Schedule:
    schedule = Schedule.objects.for_account(request.account).filter(pk=schedule_id).first()
    if schedule is None:
        raise Http404("No such schedule")
    schedule.account = request.account
    return schedule


def _in_zone(request: AccountRequest, schedule: Schedule, template: str, context: dict, **kw):
    """Render with the schedule's zone active: every time on the page is in that zone."""
    context = {
        **context,
        "schedule": schedule,
        "zone_phrase": zone_phrase(schedule.timezone, request.account.timezone),
    }
    with timezone.override(schedule.tzinfo):
        return render(request, template, context, **kw)


@require_GET
@account_view("oncall")
def index(request: AccountRequest) -> HttpResponse:
    schedules = _schedules(request)
    if len(schedules) == 1:
        url = reverse("oncall:schedule", args=[request.account.number, schedules[0].pk])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return render(request, "oncall/index.html", {"schedules": schedules})


def _calendar_context(request: AccountRequest, schedule: Schedule) -> dict:
    form = PeriodForm(request.GET)
    tz = schedule.tzinfo
    today = timezone.localtime(timezone.now(), tz).date()
    view = None
    if form.is_valid():
        anchor = form.cleaned_data["date"] or today
        period = period_of(form.cleaned_data["view"] or "month", anchor)
        view = build(schedule, period, gaps_only=form.cleaned_data["gaps"])
    return {
        "schedule": schedule,
        "form": form,
        "cal": view,
        "today": today,
        "colour_labels": COLOUR_LABELS,
        "may_edit": request.membership.may("oncall_edit"),
    }


def _feeds_context(request: AccountRequest, schedule: Schedule) -> dict:
    if not request.membership.may("oncall_edit"):
        return {}
    return {
        "feed_links": list(schedule.feed_links.active().select_related("contact", "created_by")),
        "feed_form": FeedLinkForm(account=request.account, prefix="feed"),
    }


@require_GET
@account_view("oncall")
def schedule_view(request: AccountRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule_or_404(request, schedule_id)
    context = _calendar_context(request, schedule)
    if request.htmx:
        return _in_zone(request, schedule, "oncall/schedule.html#calendar", context)
    context.update(_feeds_context(request, schedule))
    context["schedules"] = _schedules(request)
    return _in_zone(request, schedule, "oncall/schedule.html", context)


@require_GET
@account_view("oncall")
def export_pdf(request: AccountRequest, schedule_id: int) -> HttpResponseBase:
    schedule = _schedule_or_404(request, schedule_id)
    context = _calendar_context(request, schedule)
    if context["cal"] is None:
        context.update(_feeds_context(request, schedule))
        context["schedules"] = _schedules(request)
        return _in_zone(request, schedule, "oncall/schedule.html", context, status=400)
    context["account"] = request.account
    context["zone_phrase"] = zone_phrase(schedule.timezone, request.account.timezone)
    with timezone.override(schedule.tzinfo):
        export = render_pdf(
            "oncall/export.html",
            context,
            export_filename(request.account, f"on-call-{context['cal'].period.view}", "pdf"),
            request,
        )
    period = context["cal"].period
    log_access(request, "exported", schedule, detail=date_range(period.first, period.last))
    return export.response()


# --- Feed links ------------------------------------------------------------------------


def _render_feeds(
    request: AccountRequest, schedule: Schedule, extra: dict, status: int = 200
) -> HttpResponse:
    context = {**_feeds_context(request, schedule), **extra}
    if request.htmx:
        return _in_zone(request, schedule, "oncall/schedule.html#feeds", context, status=status)
    context.update(_calendar_context(request, schedule))
    context["schedules"] = _schedules(request)
    return _in_zone(request, schedule, "oncall/schedule.html", context, status=status)


@require_POST
@account_view("oncall_edit")
def feed_create(request: AccountRequest, schedule_id: int) -> HttpResponse:
    """Make a secret feed address; the page shows it this once (only its hash is kept)."""
    schedule = _schedule_or_404(request, schedule_id)
    form = FeedLinkForm(request.POST, account=request.account, prefix="feed")
    if not form.is_valid():
        return _render_feeds(request, schedule, {"feed_form": form}, status=400)
    try:
        link, token = actions.create_feed_link(
            schedule,
            form.cleaned_data["contact"],
            form.cleaned_data["include_methods"],
            request.user,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _render_feeds(request, schedule, {"feed_form": form}, status=400)
    log_access(request, "changed", schedule, detail=f"feed link {link.pk} created")
    url = request.build_absolute_uri(reverse("oncall_feed", args=[token]))
    return _render_feeds(request, schedule, {"new_feed_url": url, "new_feed": link})


@require_POST
@account_view("oncall_edit")
def feed_revoke(request: AccountRequest, schedule_id: int, feed_id: int) -> HttpResponse:
    schedule = _schedule_or_404(request, schedule_id)
    link = schedule.feed_links.active().filter(pk=feed_id).first()
    if link is None:
        raise Http404("No such feed link")
    actions.revoke_feed_link(link, request.user)
    log_access(request, "changed", schedule, detail=f"feed link {link.pk} revoked")
    if request.htmx:
        return _render_feeds(request, schedule, {"revoked": True})
    messages.success(request, _("The feed link is revoked: calendars using it stop updating."))
    return redirect("oncall:schedule", request.account.number, schedule.pk)


@require_GET
def feed(request, token: str) -> HttpResponse:
    """The calendar itself, for calendar apps: no sign-in, the secret address is the key."""
    link = (
        FeedLink.objects.active()
        .filter(token_hash=actions.hash_token(token), schedule__account__active=True)
        .select_related("schedule__account", "contact")
        .first()
    )
    if link is None:
        raise Http404("No such feed")
    current = feed_for(link)
    response = HttpResponse(current.body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = current.etag
    response["Last-Modified"] = http_date(current.last_modified.timestamp())
    # Calendar apps ask again with If-None-Match: a revoked link stops at once.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    # A 304 when the calendar app already has this version, else the feed itself.
    unchanged = get_conditional_response(
        request,
        etag=current.etag,
        last_modified=int(current.last_modified.timestamp()),
        response=response,
    )
    return unchanged or response


# --- A shift and its actions ---------------------------------------------------------------


def _shift_or_404(request: AccountRequest, schedule: Schedule, shift_id: int) -> Shift:
    shift = (
        Shift.objects.for_account(request.account)
        .filter(pk=shift_id, schedule=schedule)
        .displayable("shift page")
        .first()
    )
    if shift is None:
        raise Http404("No such shift")
    shift.schedule = schedule
    return shift


@dataclass
class HistoryEntry:
    at: datetime
    who: object
    what: str
    comment: str = ""
    is_comment: bool = False


def _history(shift: Shift, rows: list[Assignment], comments) -> list[HistoryEntry]:
    """Every action on the shift, oldest first: assignments, their endings and comments."""
    tz = shift.schedule.tzinfo
    entries = []
    for row in rows:
        names = {"n": row.rank, "name": row.contact.name}
        if row.is_override:
            window = f"{when(row.start, tz)} – {when(row.end, tz)}"
            made = _("Override of rank %(n)d by %(name)s") % names + f" ({window})"
            ended = _("Override of rank %(n)d by %(name)s removed") % names + f" ({window})"
        else:
            made = _("%(name)s assigned to rank %(n)d") % names
            ended = _("%(name)s unassigned from rank %(n)d") % names
        entries.append(HistoryEntry(row.created_at, row.created_by, made, row.comment))
        if row.ended_at is not None:
            entries.append(HistoryEntry(row.ended_at, row.ended_by, ended))
    for note in comments:
        entries.append(HistoryEntry(note.created_at, note.author, _("Comment"), note.text, True))
    return sorted(entries, key=lambda e: e.at)


@dataclass
class RankView:
    rank: int
    segments: list
    filled: bool


def _initial_window(shift: Shift, now: datetime) -> dict:
    """The override form's times: the whole shift, or what remains of it once it runs."""
    tz = shift.schedule.tzinfo
    start = max(shift.starts_at, now.replace(second=0, microsecond=0))
    initial: dict[str, object] = {}
    for name, instant in (("start", start), ("end", shift.ends_at)):
        local = instant.astimezone(tz)
        initial[name] = local.replace(tzinfo=None, fold=0)
        if is_ambiguous(local):
            initial[f"{name}_offset"] = offset_label(local)
    return initial


def _wanted_rank(request: AccountRequest, shift: Shift) -> int | None:
    value = request.GET.get("rank", "")
    return int(value) if value.isdigit() and int(value) in shift.rank_numbers else None


def _render_shift(
    request: AccountRequest,
    schedule: Schedule,
    shift: Shift,
    *,
    submitted=None,
    open_form: str = "",
    status: int = 200,
) -> HttpResponse:
    """The shift page, shared by the page itself and every action that is refused."""
    now = timezone.now()
    coverage = Coverage([shift])
    rows = list(
        shift.assignments.select_related("contact", "created_by", "ended_by").order_by(
            "created_at", "pk"
        )
    )
    comments = list(shift.comments.select_related("author"))
    filled = {r.rank for r in rows if r.kind == Assignment.Kind.BASE and r.ended_at is None}
    empty_ranks = [r for r in shift.rank_numbers if r not in filled]
    wanted = _wanted_rank(request, shift)
    if not open_form and request.GET.get("form") in ("assign", "override"):
        open_form = request.GET["form"]
    forms = {
        "assign": AssignForm(
            shift=shift, ranks=empty_ranks, prefix="assign", initial={"rank": wanted}
        ),
        "override": OverrideForm(
            shift=shift,
            prefix="override",
            initial={"rank": wanted, **_initial_window(shift, now)},
        ),
        "unassign": UnassignForm(prefix="unassign"),
        "comment": CommentForm(prefix="comment"),
    }
    if submitted is not None:
        forms[open_form] = submitted
    ended = shift.has_ended(now)
    context = {
        "shift": shift,
        "ranks": [
            RankView(rank, coverage.segments(shift, rank), rank in filled)
            for rank in shift.rank_numbers
        ],
        "empty_ranks": empty_ranks,
        "history": _history(shift, rows, comments),
        "ended": ended,
        "running": shift.is_running(now),
        "may_edit": request.membership.may("oncall_edit"),
        "back_date": timezone.localtime(shift.starts_at, schedule.tzinfo).date().isoformat(),
        "active_rows": [
            row
            for row in rows
            if row.ended_at is None
            and not (row.is_override and row.end is not None and row.end <= now)
        ],
        "forms": forms,
        "open_form": open_form,
        # A change refused because the shift has just ended: said where the form was.
        "refusal": submitted.non_field_errors()
        if submitted is not None and ended and open_form != "comment"
        else [],
    }
    return _in_zone(request, schedule, "oncall/shift.html", context, status=status)


@require_GET
@account_view("oncall")
def shift_view(request: AccountRequest, schedule_id: int, shift_id: int) -> HttpResponse:
    schedule = _schedule_or_404(request, schedule_id)
    return _render_shift(request, schedule, _shift_or_404(request, schedule, shift_id))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _act(request: AccountRequest, schedule_id: int, shift_id: int, name: str, form_class, perform):
    """Validate one action's form, perform it, and redirect; or show the page with its errors."""
    schedule = _schedule_or_404(request, schedule_id)
    shift = _shift_or_404(request, schedule, shift_id)
    kwargs = {"shift": shift} if form_class in (AssignForm, OverrideForm) else {}
    form = form_class(request.POST, prefix=name, **kwargs)
    if form.is_valid():
        try:
            message = perform(shift, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            log_access(request, "changed", shift, detail=name)
            messages.success(request, message)
            return redirect("oncall:shift", request.account.number, schedule.pk, shift.pk)
    return _render_shift(request, schedule, shift, submitted=form, open_form=name, status=400)


@require_POST
@account_view("oncall_edit")
def assign(request: AccountRequest, schedule_id: int, shift_id: int) -> HttpResponse:
    def perform(shift: Shift, data: dict) -> str:
        actions.assign(shift, data["rank"], data["contact"], request.user, data["comment"])
        return _("%(name)s is assigned to rank %(rank)d.") % {
            "name": data["contact"].name,
            "rank": data["rank"],
        }

    return _act(request, schedule_id, shift_id, "assign", AssignForm, perform)


@require_POST
@account_view("oncall_edit")
def override(request: AccountRequest, schedule_id: int, shift_id: int) -> HttpResponse:
    def perform(shift: Shift, data: dict) -> str:
        actions.override(
            shift,
            data["rank"],
            data["contact"],
            data["start_at"],
            data["end_at"],
            request.user,
            data["comment"],
        )
        return _("The override by %(name)s is saved.") % {"name": data["contact"].name}

    return _act(request, schedule_id, shift_id, "override", OverrideForm, perform)


@require_POST
@account_view("oncall_edit")
def unassign(request: AccountRequest, schedule_id: int, shift_id: int) -> HttpResponse:
    def perform(shift: Shift, data: dict) -> str:
        row = shift.assignments.select_related("contact").filter(pk=data["assignment"]).first()
        if row is None:
            raise Http404("No such assignment")
        actions.unassign(row, request.user)
        return _("%(name)s is no longer on call for that time.") % {"name": row.contact.name}

    return _act(request, schedule_id, shift_id, "unassign", UnassignForm, perform)


@require_POST
@account_view("oncall_edit")
def comment(request: AccountRequest, schedule_id: int, shift_id: int) -> HttpResponse:
    def perform(shift: Shift, data: dict) -> str:
        actions.comment(shift, data["text"], request.user)
        return _("Your comment is added.")

    return _act(request, schedule_id, shift_id, "comment", CommentForm, perform)


# --- Home page ---------------------------------------------------------------------------


def panel(request: AccountRequest) -> dict | None:
    """Home page: who is on call now per schedule, and the next 14 days' shifts with gaps."""
    schedules = list(Schedule.objects.for_account(request.account))
    if not schedules:
        return None
    now = timezone.now()
    answers = on_call_now_for_schedules(schedules, now)
    until = now + timedelta(days=PANEL_DAYS)
    upcoming = list(
        Shift.objects.filter(schedule__in=schedules)
        .overlapping(now, until)
        .displayable("home page banner")
    )
    coverage = Coverage(upcoming)
    gaps: dict[int, int] = {}
    for shift in upcoming:
        if not coverage.is_fully_covered(shift, start=now, end=until):
            gaps[shift.schedule_id] = gaps.get(shift.schedule_id, 0) + 1
    today = timezone.localtime(now, request.account.tzinfo).date().isoformat()
    return {
        "account": request.account,
        "rows": [{"answer": a, "gaps": gaps.get(a.schedule.pk, 0)} for a in answers],
        "today": today,
        "days": PANEL_DAYS,
    }
