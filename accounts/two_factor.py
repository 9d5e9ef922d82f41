"""Two-factor sign-in on django-otp: an authenticator app (TOTP) and recovery codes.

A user "has two-factor sign-in" when they own a confirmed TOTP device; their ten
recovery codes are the tokens of one static device beside it. What the portal
guarantees is written in docs/security.md.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from dataclasses import dataclass
from typing import cast

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import escape
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account, User

RECOVERY_CODE_COUNT = 10
# Recovery codes: 10 characters a user can read aloud and type (no 0/O, 1/l/I).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def accounts_requiring(user: User):
    """The user's (active) accounts whose manager requires two-factor sign-in."""
    return Account.objects.filter(
        memberships__user=user, active=True, require_two_factor=True
    ).order_by("number")


def must_set_up(user: User) -> bool:
    """True for a user whom one of their accounts requires to turn two-factor on."""
    return accounts_requiring(user).exists() and not has_two_factor(user)


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").last()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as the authenticator app asks for it, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The otpauth:// link as an SVG QR code, drawn here (no image library, no request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # Sized by the stylesheet; a title for screen readers.
    svg = svg.replace(' width="', ' data-width="', 1).replace(' height="', ' data-height="', 1)
    return svg.replace(
        "<svg ",
        f'<svg class="qr-code" role="img" aria-label="{escape(title)}" ',
        1,
    )


def normalise(code: str) -> str:
    """What the user typed, without spaces or dashes, lower case."""
    return "".join(code.split()).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class Check:
    device: Device | None  # the device that accepted the code
    throttled: bool = False  # too many recent failures: the code was not even tried


def check_code(user: User, code: str) -> Check:
    """Try a code from the app (6 digits) or a recovery code (used up if it matches)."""
    code = normalise(code)
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    elif len(code) == RECOVERY_CODE_LENGTH:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    else:
        return Check(None)
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                return Check(None, throttled=True)
            if device.verify_token(code):
                return Check(device)
    return Check(None)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them (shown once)."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_two_factor(user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


# Wrong codes count toward the sign-in lockout exactly as wrong passwords do: the same
# django-axes counter (username and address), the same limit and cool-off.


class AxesRequest(HttpRequest):
    """For type hints: what django-axes' middleware reads from a request it refuses."""

    axes_locked_out: bool
    axes_credentials: dict[str, str]


def is_locked_out(request: HttpRequest, user: User) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return False
    # AxesMiddleware turns the response into the lockout page.
    refused = cast(AxesRequest, request)
    refused.axes_locked_out = True
    refused.axes_credentials = credentials
    return True


def record_wrong_code(request: HttpRequest, user: User) -> None:
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
