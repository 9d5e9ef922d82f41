"""The access log as CSV: one row per event, in the reader's language and the account's zone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import describe
from accounts.models import AccessEvent, Account
from portal.exports import export_filename, stream_csv


def access_log_csv(account: Account, events: QuerySet[AccessEvent]) -> StreamingHttpResponse:
    language = translation.get_language()
    tz = account.tzinfo
    header = [_("When"), _("User"), _("Action"), _("What"), _("Detail"), _("Address")]

    def rows():
        # Streamed after the view returns: the reader's language is set again here.
        with translation.override(language):
            for event in events.iterator(chunk_size=2000):
                yield [
                    timezone.localtime(event.at, tz),
                    event.username,
                    event.get_action_display(),
                    describe(event, tz),
                    event.detail,
                    event.ip_address or "",
                ]

    return stream_csv(header, rows(), export_filename(account, "access-log", "csv"))
