"""The home page's "Needs your attention" panel: this user's unread messages of the week."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from messages_app.models import Message

PANEL_DAYS = 7


def unread_panel(request) -> dict | None:
    """Unread since the start of the day a week ago (local), with a link to exactly those."""
    tz = request.account.tzinfo
    first_day = timezone.localdate(timezone.now(), tz) - timedelta(days=PANEL_DAYS)
    since = timezone.make_aware(datetime.combine(first_day, time()), tz)
    count = (
        Message.objects.for_account(request.account)
        .retained()
        .taken_between(since, None)
        .unread_by(request.user)
        .count()
    )
    if not count:
        return None
    url = reverse("messages:inbox", args=[request.account.number])
    return {"count": count, "days": PANEL_DAYS, "url": f"{url}?from={first_day:%Y-%m-%d}&unread=1"}
