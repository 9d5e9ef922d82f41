"""The one way an account page learns its account: the number in the URL.

`account_view("messages")` turns `/a/<number>/...` into `request.account` and
`request.membership`, answers 404 to anyone who is not a member of that account
(exactly as for an account that does not exist) and 403 to a member whose role
may not open the section. No view reads the account from the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from accounts.models import Account, Membership, User
from portal.pages import HtmxRequest


class SignedInRequest(HtmxRequest):
    """For type hints: the request a view behind login_required receives."""

    user: User


class AccountRequest(SignedInRequest):
    """For type hints: the request an account view receives."""

    account: Account
    membership: Membership
    # Set by a view that answers a background poll: the session's idle expiry is then
    # not pushed back (portal.middleware.SessionMiddleware).
    keeps_session_idle: bool


def resolve_membership(user: Any, number: int) -> Membership:
    """The user's membership of account `number`; 404 when there is none (or no such account)."""
    membership = (
        Membership.objects.for_user(user).filter(account__number=number).first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404("No such account")
    return membership


View = Callable[..., HttpResponseBase]


def account_view(permission: str) -> Callable[[View], View]:
    """Decorate a view taking `number` from the URL; it is called without it."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(
            request: HttpRequest, number: int, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            membership = resolve_membership(request.user, number)
            tenant_request = cast(AccountRequest, request)
            tenant_request.membership = membership
            tenant_request.account = membership.account
            if not membership.may(permission):
                raise PermissionDenied
            return view(tenant_request, *args, **kwargs)

        return wrapper

    return decorator
