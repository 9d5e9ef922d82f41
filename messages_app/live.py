"""The live inbox: an open inbox (or home page) learns of new messages without a reload.

The page holds the id of the newest message it knows of and asks `poll?after=<id>`
every POLL_SECONDS. The answer costs one query on the (account, -id) index whatever the
number of messages: 204 with no body when nothing is newer, which htmx ignores;
otherwise an empty 200 whose `HX-Trigger` header fires `messages-arrived` in the page,
so the parts that show messages fetch themselves again (same filter, same page; ticked
boxes are kept by hx-preserve). The trigger's detail names any new urgent message, for
the browser notification static/js/messages_app.js shows once the user allowed them.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.tenancy import AccountRequest
from messages_app.models import Message, retention_cutoff

# New messages show within this many seconds (plus the time of one request).
POLL_SECONDS = 10
# A poll looks at this many new messages at most (for the notifications).
LOOK_AT = 20
EVENT = "messages-arrived"


def newest_id(account: Account) -> int:
    return Message.objects.for_account(account).newest_id()


def home_context(request: AccountRequest) -> dict[str, int]:
    """What the home page needs to follow new messages without a reload (its counts)."""
    return {"newest_id": newest_id(request.account), "poll_seconds": POLL_SECONDS}


def answer(account: Account, after: int) -> HttpResponse:
    new = list(
        Message.objects.for_account(account)
        .filter(pk__gt=after)
        .order_by("-pk")
        .values_list("pk", "external_id", "urgent", "taken_at")[:LOOK_AT]
    )
    if not new:
        return HttpResponse(status=204)
    cutoff = retention_cutoff()
    urgent = [
        {
            "title": _("Urgent message"),
            "body": _("Message %(id)s, taken at %(time)s")
            % {
                "id": external_id,
                "time": timezone.localtime(taken_at, account.tzinfo).strftime("%H:%M"),
            },
            "url": reverse("messages:detail", args=[account.number, pk]),
            "tag": f"message-{pk}",
        }
        for pk, external_id, is_urgent, taken_at in new
        if is_urgent and taken_at >= cutoff
    ]
    response = HttpResponse(status=200)
    response["HX-Trigger"] = json.dumps({EVENT: {"newest": new[0][0], "urgent": urgent[:3]}})
    return response
