"""Workflows of the accounts app that touch several rows, each in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.access import (
    TWO_FACTOR,
    TWO_FACTOR_REQUIREMENT,
    Action,
    log_access,
    log_in_each_account,
)
from accounts.models import AccessEvent, Account, User
from accounts.sessions import end_other_sessions

FRESH_CODES_KEY = "_portal_recovery_codes"


def turn_on_two_factor(request: HttpRequest, user: User, device: TOTPDevice) -> list[str]:
    """The confirmed app becomes the user's second factor; returns the recovery codes.

    This session counts as verified by the app; every other session of the user ends
    (whoever had the password alone is signed out).
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = two_factor.new_recovery_codes(user)
        otp_login(request, device)
        end_other_sessions(request, user)
        log_in_each_account(request, user, Action.CHANGED, object_type=TWO_FACTOR, object_ref="on")
    return codes


def turn_off_two_factor(request: HttpRequest, user: User) -> None:
    with transaction.atomic():
        two_factor.remove_two_factor(user)
        log_in_each_account(request, user, Action.CHANGED, object_type=TWO_FACTOR, object_ref="off")


def renew_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    with transaction.atomic():
        codes = two_factor.new_recovery_codes(user)
        log_in_each_account(
            request, user, Action.CHANGED, object_type=TWO_FACTOR, object_ref="codes"
        )
    return codes


def set_two_factor_requirement(request: HttpRequest, account: Account, required: bool) -> bool:
    """Require (or stop requiring) two-factor sign-in on the account; False if unchanged."""
    with transaction.atomic():
        changed = (
            Account.objects.filter(pk=account.pk)
            .exclude(require_two_factor=required)
            .update(require_two_factor=required)
        )
        if changed:
            account.require_two_factor = required
            log_access(
                request,
                Action.CHANGED,
                object_type=TWO_FACTOR_REQUIREMENT,
                object_ref="on" if required else "off",
            )
    return bool(changed)


def purge_access_log(now: datetime | None = None, batch_size: int = 1000) -> int:
    """Delete access-log rows older than ACCESS_LOG_RETENTION_DAYS, in small batches.

    Run daily (purge_expired calls it; a scheduler may call it directly).
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(
                AccessEvent.objects.filter(at__lt=cutoff)
                .order_by("pk")[:batch_size]
                .values_list("pk", flat=True)
            )
            if not batch:
                return removed
            AccessEvent.objects.filter(pk__in=batch).delete()
        removed += len(batch)
