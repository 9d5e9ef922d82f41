"""The tenancy: billing accounts, client accounts, users and their memberships."""

from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone."), params={"value": value}
        )


class BillingAccount(models.Model):
    """What invoices and payments are addressed to; several client accounts may share one."""

    number = models.CharField(_("billing number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("billing account")
        verbose_name_plural = _("billing accounts")

    def __str__(self) -> str:
        return self.number


class Account(models.Model):
    """One client company's account at the answering service (e.g. 5201)."""

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    number = models.PositiveIntegerField(_("account number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    billing_account = models.ForeignKey(
        BillingAccount,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("billing account"),
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="America/Toronto", validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    active = models.BooleanField(_("active"), default=True)
    # Set by the account's manager (/a/<number>/settings/): every user of the account
    # must sign in with an authenticator app (docs/security.md).
    require_two_factor = models.BooleanField(_("two-factor sign-in required"), default=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class User(AbstractUser):
    """A client's staff member (or a support staff member with is_staff)."""

    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Where "/" sends the user back to; never used to pick the account of a page.
    last_account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def home_timezone(self) -> zoneinfo.ZoneInfo:
        """For what is not about one account (sessions, e-mails): the zone of the
        account last opened, else of the first account, else the portal's."""
        if self.last_account_id is not None and self.last_account is not None:
            return self.last_account.tzinfo
        membership = Membership.objects.for_user(self).first()
        return membership.account.tzinfo if membership else zoneinfo.ZoneInfo(settings.TIME_ZONE)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user) -> MembershipQuerySet:
        return self.filter(user=user, account__active=True).select_related(
            "account__billing_account"
        )


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("account")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["account__number"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="one_membership_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.account.number} ({self.get_role_display()})"

    def may(self, permission: str) -> bool:
        return Role(self.role).may(permission)


class AccessEvent(models.Model):
    """Who signed in, saw, played, downloaded, exported or changed what, and from where.

    Kept apart from the 60-day data: it is kept ACCESS_LOG_RETENTION_DAYS (365 by
    default), so the log outlives the messages and calls it names. It names them by
    type, id and a reference taken when the event happened (a message's number, a
    call's start), not by foreign key, so a purged object is still named in words.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("viewed")
        PLAYED = "played", _("played")
        DOWNLOADED = "downloaded", _("downloaded")
        EXPORTED = "exported", _("exported")
        EMAILED = "emailed", _("e-mailed")
        CHANGED = "changed", _("changed")
        REQUESTED = "requested", _("requested")
        SIGNED_IN = "signed_in", _("signed in")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_ref = models.CharField(_("object reference"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["account", "-at"]),
            # The access log filtered by action ("who played ...?").
            models.Index(fields=["account", "action", "-at"], name="access_account_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"


class UserSession(models.Model):
    """One signed-in browser session, keyed by its session key.

    The session engine (database, cache, Redis) holds the session itself; this row is
    what the portal knows about it: whose, since when, from where. A session whose row
    is gone is over, whatever the engine still holds (accounts.middleware).
    """

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="browser_sessions", verbose_name=_("user")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("open session")
        verbose_name_plural = _("open sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class KnownBrowser(models.Model):
    """A browser a user has signed in from (a long-lived cookie, stored as its hash)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="known_browsers", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # When the "new sign-in" e-mail left (the task runs at most once per browser).
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("known browser")
        verbose_name_plural = _("known browsers")
        constraints = [
            models.UniqueConstraint(fields=["user", "token_hash"], name="one_row_per_user_browser")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.first_seen:%Y-%m-%d}"
