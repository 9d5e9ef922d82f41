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


def make_totp_device(user: User, confirmed: bool = True):
    """An authenticator app for the user (its codes: django_otp.oath.TOTP(device.bin_key))."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def verify_session(client, user):
    """Sign `client` in as `user` as if with both factors (the admin requires it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or make_totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def make_access_event(account, username: str = "bob", action: str = "viewed", **values):
    """A row of the account's access log (at: now unless given)."""
    from accounts.models import AccessEvent

    user = User.objects.filter(username=username).first()
    return AccessEvent.objects.create(
        account=account, user=user, username=username, action=action, **values
    )


TEST_WEBHOOK_SECRET = "whsec-test-0123456789abcdef"  # noqa: S105


def make_endpoint(url: str, *events: str, secret: str = TEST_WEBHOOK_SECRET, **extra):
    """A webhook endpoint of the platform taking `events` (all types when none is named)."""
    from webhooks.models import Endpoint, EventType

    return Endpoint.objects.create(
        url=url, events=list(events or EventType.values), secret=secret, **extra
    )
