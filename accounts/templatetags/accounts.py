from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Account, Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def user_accounts(context: dict[str, Any]) -> list[Account]:
    """The accounts the signed-in user may switch to (one query, kept for the request)."""
    request = context["request"]
    if not hasattr(request, "_user_accounts"):
        request._user_accounts = [m.account for m in Membership.objects.for_user(request.user)]
    return request._user_accounts
