"""The client's directory (who the agents call) and information pages (what they read)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account


class ContactQuerySet(models.QuerySet["Contact"]):
    def for_account(self, account: Account) -> ContactQuerySet:
        return self.filter(account=account)

    def active(self) -> ContactQuerySet:
        return self.filter(active=True)

    def matching(self, text: str) -> ContactQuerySet:
        """Contacts whose name or title contains the text (any case)."""
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(title__icontains=text))

    def with_methods(self) -> ContactQuerySet:
        return self.prefetch_related("methods")


class Contact(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    position = models.IntegerField(_("position"), default=0)
    # A contact deleted by the platform but still named by an on-call assignment is kept inactive.
    active = models.BooleanField(_("active"), default=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="contact_external_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ContactMethod(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        MOBILE = "mobile", _("Mobile")
        EMAIL = "email", _("E-mail")
        PAGER = "pager", _("Pager")
        SMS = "sms", _("SMS")
        FAX = "fax", _("Fax")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="methods", verbose_name=_("contact")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254)
    label = models.CharField(_("label"), max_length=100, blank=True)
    position = models.IntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contact method")
        verbose_name_plural = _("contact methods")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def href(self) -> str:
        """The link that dials or writes to this method, or "" when a browser cannot."""
        if self.kind == self.Kind.EMAIL:
            return f"mailto:{self.value.strip()}"
        if self.kind in (self.Kind.PHONE, self.Kind.MOBILE, self.Kind.FAX):
            return tel_uri(self.value)
        return ""


# "514 555-0123 poste 22", "(438) 555-0199 x5", "514-555-0100 ext. 3"
EXTENSION = re.compile(r"\s*(?:#|x|ext\.?|poste|p\.)\s*(\d+)\s*$", re.IGNORECASE)


def tel_uri(number: str) -> str:
    """A tel: URI (RFC 3966) for a North American or international number as typed."""
    extension = ""
    match = EXTENSION.search(number)
    if match:
        extension = f";ext={match.group(1)}"
        number = number[: match.start()]
    digits = re.sub(r"[^\d+]", "", number)
    if not digits.strip("+"):
        return ""
    if not digits.startswith("+"):
        if len(digits) == 10:
            digits = f"+1{digits}"
        elif len(digits) == 11 and digits.startswith("1"):
            digits = f"+{digits}"
    return f"tel:{digits}{extension}"


class InfoPageQuerySet(models.QuerySet["InfoPage"]):
    def for_account(self, account: Account) -> InfoPageQuerySet:
        return self.filter(account=account)


class InfoPage(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="info_pages", verbose_name=_("account")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    position = models.IntegerField(_("position"), default=0)
    body = models.TextField(_("body (Markdown)"))

    objects = InfoPageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="infopage_external_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def body_html(self) -> SafeString:
        """The Markdown body as sanitised HTML, safe to put in a page."""
        from directory.markdown import render_markdown

        return render_markdown(self.body)


class ChangeRequestQuerySet(models.QuerySet["ChangeRequest"]):
    def for_account(self, account: Account) -> ChangeRequestQuerySet:
        return self.filter(account=account)

    def still_open(self) -> ChangeRequestQuerySet:
        return self.filter(status=ChangeRequest.Status.OPEN)


class ChangeRequest(models.Model):
    """A client's request to change their directory or an information page."""

    class Subject(models.TextChoices):
        DIRECTORY = "directory", _("Directory")
        INFO_PAGE = "info_page", _("Information page")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("a change request's status", "Open")
        DONE = "done", pgettext_lazy("a change request's status", "Done")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("account")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    subject = models.CharField(_("about"), max_length=16, choices=Subject.choices)
    info_page = models.ForeignKey(
        InfoPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("information page"),
    )
    text = models.TextField(_("requested change"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.account.number} {self.get_subject_display()} ({self.get_status_display()})"

    @property
    def status_class(self) -> str:
        """The colour that goes with the status word (portal.css)."""
        return "status-green" if self.status == self.Status.DONE else "status-yellow"

    @property
    def about(self) -> str:
        """What the request is about, for lists and e-mails."""
        if self.subject == self.Subject.INFO_PAGE and self.info_page is not None:
            return f"{self.get_subject_display()}: {self.info_page.title}"
        return str(self.get_subject_display())
