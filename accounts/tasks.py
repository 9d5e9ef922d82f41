"""E-mails of the sign-in machinery, sent by the background worker (django.tasks).

Each task takes plain values, re-reads what it needs, and is safe to run twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.browsers import browser_name
from accounts.models import KnownBrowser


def _send(template: str, context: dict, to: str) -> None:
    subject = "".join(render_to_string(f"{template}_subject.txt", context).splitlines())
    body = render_to_string(f"{template}_email.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> int:
    """Send the reset link to the active users with this address; returns how many.

    The reset page enqueues this for any well-formed address, known or not, so the
    page does the same work, in the same time, whether an account exists.
    """
    sent = 0
    for user in PasswordResetForm().get_users(email):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": settings.SERVICE["name"],
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
        }
        with translation.override(user.language or language):
            subject = render_to_string("registration/password_reset_subject.txt", context)
            body = render_to_string("registration/password_reset_email.html", context)
        message = EmailMultiAlternatives(
            "".join(subject.splitlines()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
        )
        message.send()
        sent += 1
    return sent


@task()
def send_new_browser_notice(browser_id: int, settings_url: str, language: str) -> bool:
    """Tell a user their account was signed in to from a browser it had not used."""
    with transaction.atomic():
        browser = (
            KnownBrowser.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=browser_id, notified_at__isnull=True)
            .first()
        )
        if browser is None or not browser.user.email:
            return False
        user = browser.user
        with (
            translation.override(user.language or language),
            timezone.override(user.home_timezone()),
        ):
            context = {
                "user": user,
                "service": settings.SERVICE,
                "browser": browser_name(browser.user_agent),
                "address": browser.ip_address or "",
                "when": timezone.localtime(browser.first_seen),
                "zone": timezone.get_current_timezone_name(),
                "settings_url": settings_url,
            }
            _send("accounts/new_browser", context, user.email)
        browser.notified_at = timezone.now()
        browser.save(update_fields=["notified_at"])
    return True
