"""Sign-in related work done by the worker."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task
from django.utils import translation


class _UserLanguagePasswordResetForm(PasswordResetForm):
    """Writes each user's e-mail in that user's own language when they chose one."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> None:
    """Look the address up and, for each active user with it, send the reset link.

    The page that asked did nothing but enqueue this task, whether or not the address
    is known: its answer and its timing say nothing about which addresses exist.
    Safe to run twice (a second, equally valid link).
    """
    form = _UserLanguagePasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https)
