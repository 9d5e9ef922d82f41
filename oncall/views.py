"""On-call pages: schedule picker, day/week/month/list views, a shift with its actions, PDF."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import log_access
from accounts.tenancy import AccountRequest, account_view
from directory.models import Contact
from oncall import actions
from oncall.calendar import COLOUR_LABELS, PeriodForm, build, period_of
from oncall.forms import AssignForm, CommentForm, OverrideForm, UnassignForm
from oncall.models import Schedule, Shift
from oncall.resolver import Coverage, on_call_now_for_schedules
from portal.exports import export_filename, render_pdf

PANEL_DAYS = 14


def _schedules(request: AccountRequest):
    return list(Schedule.objects.for_account(request.account))


def _schedule_or_404(request: AccountRequest, schedule_id: int) -> Schedule:
    schedule = Schedule.objects.for_account(request.account).filter(pk=schedule_id).first()
    if schedule is None:
        raise Http404("No such schedule")
    schedule.account = request.account
    return schedule


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


@require_GET
@account_view("oncall")
def schedule_view(request: AccountRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule_or_404(request, schedule_id)
    context = _calendar_context(request, schedule)
    context["schedules"] = _schedules(request)
    template = "oncall/schedule.html#calendar" if request.htmx else "oncall/schedule.html"
    return render(request, template, context)


@require_GET
@account_view("oncall")
def export_pdf(request: AccountRequest, schedule_id: int) -> HttpResponseBase:
    schedule = _schedule_or_404(request, schedule_id)
    context = _calendar_context(request, schedule)
    if context["cal"] is None:
        return render(
            request,
            "oncall/schedule.html",
            {**context, "schedules": _schedules(request)},
            status=400,
        )
    context["account"] = request.account
    export = render_pdf(
        "oncall/export.html",
        context,
        export_filename(request.account, f"on-call-{context['cal'].period.view}", "pdf"),
        request,
    )
    log_access(request, "exported", schedule, detail=request.GET.urlencode())
    return export.response()


FORMS = {
    "assign": AssignForm,
    "override": OverrideForm,
    "unassign": UnassignForm,
    "comment": CommentForm,
}


def _shift_or_404(request: AccountRequest, schedule: Schedule, shift_id: int) -> Shift:
    shift = (
        Shift.objects.for_account(request.account).filter(pk=shift_id, schedule=schedule).first()
    )
    if shift is None:
        raise Http404("No such shift")
    shift.schedule = schedule
    return shift


def _new_forms(shift: Shift) -> dict:
    return {
        "assign": AssignForm(shift=shift, prefix="assign"),
        "override": OverrideForm(shift=shift, prefix="override"),
        "unassign": UnassignForm(shift=shift, prefix="unassign"),
        "comment": CommentForm(prefix="comment"),
    }


def _refuse_foreign(request: AccountRequest, shift: Shift, action: str) -> None:
    """A contact or assignment id that is not this account's (or shift's) is a 404."""
    if action in ("assign", "override"):
        posted = request.POST.get(f"{action}-contact", "")
        if (
            posted.isdigit()
            and not Contact.objects.for_account(request.account).filter(pk=posted).exists()
        ):
            raise Http404("No such contact")
    if action == "unassign":
        posted = request.POST.get("unassign-assignment", "")
        if posted.isdigit() and not shift.assignments.filter(pk=posted).exists():
            raise Http404("No such assignment")


def _perform(action: str, form, shift: Shift, user) -> str:
    data = form.cleaned_data
    if action == "assign":
        actions.assign(shift, data["rank"], data["contact"], user, data["comment"])
        return _("%(name)s is assigned to rank %(rank)d.") % {
            "name": data["contact"].name,
            "rank": data["rank"],
        }
    if action == "override":
        actions.override(
            shift, data["rank"], data["contact"], data["start"], data["end"], user, data["comment"]
        )
        return _("The override by %(name)s is saved.") % {"name": data["contact"].name}
    if action == "unassign":
        actions.unassign(data["assignment"], user)
        return _("%(name)s is no longer on call for that time.") % {
            "name": data["assignment"].contact.name
        }
    actions.comment(shift, data["text"], user)
    return _("Your comment is added.")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
@account_view("oncall")
def shift_view(request: AccountRequest, schedule_id: int, shift_id: int) -> HttpResponse:
    schedule = _schedule_or_404(request, schedule_id)
    shift = _shift_or_404(request, schedule, shift_id)
    forms = _new_forms(shift)
    status = 200
    open_form = ""
    if request.method == "POST":
        if not request.membership.may("oncall_edit"):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in FORMS:
            raise Http404("No such action")
        _refuse_foreign(request, shift, action)
        kwargs = {} if action == "comment" else {"shift": shift}
        with timezone.override(schedule.tzinfo):
            form = FORMS[action](request.POST, prefix=action, **kwargs)
            valid = form.is_valid()
        if valid:
            try:
                message = _perform(action, form, shift, request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                log_access(request, "changed", shift, detail=action)
                messages.success(request, message)
                return redirect("oncall:shift", request.account.number, schedule.pk, shift.pk)
        forms[action] = form
        open_form = action
        status = 400
    return render(
        request,
        "oncall/shift.html",
        {**_shift_context(request, schedule, shift), "forms": forms, "open_form": open_form},
        status=status,
    )


def _shift_context(request: AccountRequest, schedule: Schedule, shift: Shift) -> dict:
    now = timezone.now()
    coverage = Coverage([shift])
    history = list(
        shift.assignments.select_related("contact", "created_by", "ended_by").order_by(
            "created_at", "pk"
        )
    )
    comments = list(shift.comments.select_related("author"))
    local_start = timezone.localtime(shift.starts_at, schedule.tzinfo)
    return {
        "schedule": schedule,
        "shift": shift,
        "ranks": [(rank, coverage.segments(shift, rank)) for rank in shift.rank_numbers],
        "now_on_call": coverage.on_call(shift, now) if shift.is_running(now) else [],
        "history": history,
        "comments": comments,
        "ended": shift.has_ended(now),
        "running": shift.is_running(now),
        "may_edit": request.membership.may("oncall_edit"),
        "back_date": local_start.date().isoformat(),
        "active_rows": [
            row
            for row in history
            if row.ended_at is None
            and not (row.is_override and row.end is not None and row.end <= now)
        ],
    }


def panel(request: AccountRequest) -> dict | None:
    """Home page: who is on call now per schedule, and the next 14 days' shifts with gaps."""
    schedules = list(Schedule.objects.for_account(request.account))
    if not schedules:
        return None
    now = timezone.now()
    answers = on_call_now_for_schedules(schedules, now)
    until = now + timedelta(days=PANEL_DAYS)
    upcoming = list(Shift.objects.filter(schedule__in=schedules).overlapping(now, until))
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
