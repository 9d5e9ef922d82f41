"""The one way an account page learns its account: the number in the URL.

`account_view("messages")` turns `/a/<number>/...` into `request.account` and
`request.membership`, answers 404 to anyone who is not a member of that account
(exactly as for an account that does not exist) and 403 to a member whose role
may not open the section. No view reads the account from the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from accounts.models import Account, Membership


class AccountRequest(HttpRequest):
    """For type hints: the request an account view receives."""

    account: Account
    membership: Membership


def resolve_membership(user, number: int) -> Membership:
    from accounts.models import Membership

    membership = (
        Membership.objects.for_user(user).filter(account__number=number).first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404("No such account")
    return membership


def account_view(permission: str) -> Callable:
    """Decorate a view taking `number` from the URL; it is called without it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, number: int, *args, **kwargs) -> HttpResponse:
            membership = resolve_membership(request.user, number)
            request.membership = membership
            request.account = membership.account
            if not membership.may(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.account_permission = permission
        return wrapper

    return decorator
