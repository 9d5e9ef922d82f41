"""Small factories: each makes one row with sensible defaults."""

from __future__ import annotations

from itertools import count

from accounts.models import Account, BillingAccount, Membership, User

PASSWORD = "correct horse battery staple"
_job_owners = count(1)


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


def make_export_job(
    account: Account,
    owner: User | None = None,
    *,
    kind: str = "messages.pdf",
    status: str = "done",
    content: bytes = b"%PDF-1.7 exported",
    filename: str = "5201-messages-2026-03-22.pdf",
    **extra,
):
    """An export job of `account` (asked by `owner`, else a new member); a finished
    download job gets its file in the exports storage."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from jobs.models import ExportJob

    if owner is None:
        owner = make_user(f"asker{next(_job_owners)}-{account.number}", (account, "member"))
    job = ExportJob.objects.create(
        account=account,
        owner=owner,
        kind=kind,
        status=status,
        filename=filename if status == "done" else "",
        content_type="application/pdf",
        expires_at=extra.pop("expires_at", timezone.now() + ExportJob.lifetime()),
        **extra,
    )
    if status == "done" and job.delivery == "download" and content:
        job.file.save(f"{account.number}/{job.pk}-{filename}", ContentFile(content), save=False)
        job.size = len(content)
        job.save(update_fields=["file", "size"])
    return job
