"""Small factories: each makes one row with sensible defaults."""

from __future__ import annotations

from accounts.models import Account, BillingAccount, Membership, User

PASSWORD = "correct horse battery staple"


def make_billing(number: str = "780412") -> BillingAccount:
    return BillingAccount.objects.get_or_create(number=number)[0]


def make_account(number: int, name: str | None = None, billing: str = "780412", **extra) -> Account:
    return Account.objects.create(
        number=number,
        name=name or f"Client {number}",
        billing_account=make_billing(billing),
        **extra,
    )


def make_user(username: str, *roles: tuple[Account, str], **extra) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        first_name=username.capitalize(),
        **extra,
    )
    for account, role in roles:
        Membership.objects.create(user=user, account=account, role=role)
    return user


TEST_WEBHOOK_SECRET = "whsec-test-0123456789abcdef"  # noqa: S105


def make_endpoint(url: str, *events: str, secret: str = TEST_WEBHOOK_SECRET, **extra):
    """A webhook endpoint of the platform taking `events` (all types when none is named)."""
    from webhooks.models import Endpoint, EventType

    return Endpoint.objects.create(
        url=url, events=list(events or EventType.values), secret=secret, **extra
    )
