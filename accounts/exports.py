"""The access log as CSV: one row per event, in the reader's language and the account's zone.

A long log is written by the worker (the kind at the end of this file, reached through
portal/background.py, since accounts/ sits below jobs/).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import describe
from accounts.forms import AccessLogFilterForm
from accounts.models import AccessEvent, Account
from portal.background import register
from portal.exports import ExportFile, export_filename, stream_csv

FILTER_NAMES = ("from", "to", "user", "action")


def header() -> list[str]:
    return [_("When"), _("User"), _("Action"), _("What"), _("Detail"), _("Address")]


def rows(account: Account, events: QuerySet[AccessEvent]) -> Iterator[list]:
    tz = account.tzinfo
    for event in events.iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.at, tz),
            event.username,
            event.get_action_display(),
            describe(event, tz),
            event.detail,
            event.ip_address or "",
        ]


def access_log_csv(account: Account, events: QuerySet[AccessEvent]) -> StreamingHttpResponse:
    language = translation.get_language()

    def translated_rows():
        # Streamed after the view returns: the reader's language is set again here.
        with translation.override(language):
            yield from rows(account, events)

    return stream_csv(header(), translated_rows(), export_filename(account, "access-log", "csv"))


def job_params(query, until: datetime) -> dict[str, list[str]]:
    """The filter, and the moment asked at: the log as it was then (not the rows the
    export itself adds)."""
    params = {name: query.getlist(name) for name in FILTER_NAMES if query.getlist(name)}
    params["until"] = [until.isoformat()]
    return params


@register("access_log.csv", permission="access_log", label=gettext_lazy("Access log (CSV)"))
def csv_job(run: Any) -> ExportFile:
    """run: a jobs.exports.ExportRun."""
    form = AccessLogFilterForm(run.query(), account=run.account)
    events = AccessEvent.objects.filter(account=run.account)
    if not form.is_valid():
        events = events.none()
    else:
        events = form.apply(events)
        until = run.params.get("until") or []
        if until:
            events = events.filter(at__lte=datetime.fromisoformat(until[0]))
    written = run.counted(rows(run.account, events), events.count())
    return run.write_csv(header(), written, export_filename(run.account, "access-log", "csv"))
