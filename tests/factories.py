"""Small factories, every one the tests use: each makes one row (or one small set) with
sensible defaults, through the same code as the API and the demo where there is one."""

from __future__ import annotations

import io
import itertools
import math
import time
import wave
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent, Account, BillingAccount, Membership, User
from billing.actions import LineData, TaxData, write_invoice, write_payment
from billing.formatting import money
from billing.models import Invoice, Payment
from calllog.actions import attach_recording
from calllog.models import Call
from directory.models import ChangeRequest, Contact, ContactMethod, InfoPage
from jobs.models import ExportJob
from messages_app.actions import EventData, MessageData, write_message
from messages_app.models import Message
from oncall.models import Schedule, Shift
from stats.rollup import Before, after_write
from webhooks.models import Endpoint, EventType

PASSWORD = "correct horse battery staple"
TORONTO = ZoneInfo("America/Toronto")

# One sequence for every external id a factory invents, so no two rows ever clash.
_ids = itertools.count(1)


# Tenants and people


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


# Messages


def make_message(
    account: Account,
    *,
    subject: str = "Fuite d'eau",
    taken_at: datetime | None = None,
    ago: timedelta = timedelta(hours=1),
    urgent: bool = False,
    fields: tuple = (("Prénom", "Jean"), ("Problème", "Fuite sous l'évier")),
    caller_name: str = "Jean Tremblay",
    caller_number: str = "(514) 555-0101",
    events: tuple = (),
    external_id: str | None = None,
) -> Message:
    """A message written through write_message, as the API and the demo write them."""
    taken_at = taken_at or timezone.now() - ago
    data = MessageData(
        taken_at=taken_at,
        taken_by="A07",
        subject=subject,
        caller_name=caller_name,
        caller_number=caller_number,
        urgent=urgent,
        fields=fields,
        events=events
        or (
            EventData(taken_at, "taken"),
            EventData(taken_at + timedelta(seconds=30), "email_initiated", "info@compagnie.ca"),
        ),
    )
    message, _outcome, _added = write_message(account, external_id or f"{next(_ids) + 1000}", data)
    return message


# Calls


def make_call(account: Account, started_at: datetime | None = None, **values) -> Call:
    """An inbound conversation an agent answered, with the telephony fields of the
    statistics (defaults: queued 0 s, assigned after 4 s, answered after 12 s)."""
    defaults = {
        "external_id": f"T{next(_ids)}",
        "direction": Call.Direction.INBOUND,
        "kind": Call.Kind.CONVERSATION,
        "caller_number": "514-555-0142",
        "caller_name": "Marc Lefebvre",
        "dialed_number": "514-555-5201",
        "agent": "CL2",
        "duration_s": 120,
        "busy": False,
        "queued_s": 0,
        "assigned_s": 4,
        "answered_s": 12,
        "work_s": 150,
        "hold_s": 0,
        "patch_s": None,
    }
    started_at = started_at or timezone.now() - timedelta(hours=1)
    call = Call.objects.create(account=account, started_at=started_at, **(defaults | values))
    # As calllog.actions.write_call writes a new call: the row and the statistics rollup.
    after_write(Before(account.pk, account.tzinfo, None), call)
    return call


def make_billed_call(
    account: Account, started_at: datetime, units: str | None = "1.50", **values
) -> Call:
    """A call billed `units` minutes (None: not billed) on the account's billing number."""
    billed = {
        "description": "Message taken",
        "billing_units": Decimal(units) if units is not None else None,
        "invoice_number": f"{account.billing_account.number}-202611" if units is not None else "",
    }
    return make_call(account, started_at, **(billed | values))


def wav_bytes(seconds: float = 1.0, rate: int = 8000, frequency: int = 440) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        frames = bytes(
            int(128 + 100 * math.sin(2 * math.pi * frequency * i / rate))
            for i in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return buffer.getvalue()


def make_recorded_call(account: Account, content: bytes | None = None, **values) -> Call:
    call = make_call(account, **values)
    # As the API's transaction commits: the file is moved into place then.
    with TestCase.captureOnCommitCallbacks(execute=True):
        attach_recording(call, content if content is not None else wav_bytes(0.5), "audio/wav")
    call.refresh_from_db()
    return call


_NO_AGENT = {"assigned_s": None, "answered_s": None, "work_s": None}
# The telephony fields of the five calls of the statistics' worked example
# (docs/statistics.md): answered, abandoned while queued, automated, answered and
# patched, busy.
WORKED_EXAMPLE_CALLS: tuple[dict[str, object], ...] = (
    {"duration_s": 120, "queued_s": 0, "assigned_s": 4, "answered_s": 12},
    {"duration_s": 5, "queued_s": 0, **_NO_AGENT},
    {"duration_s": 40, "queued_s": None, **_NO_AGENT},
    {
        "duration_s": 60,
        "queued_s": 8,
        "assigned_s": 10,
        "answered_s": 50,
        "work_s": 200,
        "hold_s": 30,
        "patch_s": 90,
    },
    {"duration_s": 0, "busy": True, "queued_s": None, **_NO_AGENT},
)


def make_worked_example(account: Account, when: datetime) -> list[Call]:
    """The five calls of the statistics' worked example, all at `when`."""
    return [make_call(account, when, **fields) for fields in WORKED_EXAMPLE_CALLS]


# Billing


def make_invoice(
    billing_account: BillingAccount,
    number: str | None = None,
    *,
    day: date = date(2026, 10, 20),
    amounts: tuple[str, ...] = ("100.00",),
    account_number: int | None = None,
    taxed: bool = True,
) -> Invoice:
    lines = [
        LineData(f"Line {i}", Decimal(1), Decimal(a), Decimal(a), account_number)
        for i, a in enumerate(amounts, start=1)
    ]
    subtotal = money(sum(Decimal(a) for a in amounts))
    taxes = (
        [
            TaxData("GST", Decimal("5"), money(subtotal * Decimal("0.05"))),
            TaxData("QST", Decimal("9.975"), money(subtotal * Decimal("0.09975"))),
        ]
        if taxed
        else []
    )
    invoice, _ = write_invoice(
        billing_account,
        number or f"{billing_account.number}-{next(_ids):04d}",
        date=day,
        period_start=date(day.year, day.month, 1),
        period_end=day,
        lines=lines,
        taxes=taxes,
        total=subtotal + sum((t.amount for t in taxes), Decimal(0)),
    )
    return invoice


def make_payment(
    billing_account: BillingAccount, amount: str, day: date, method: str = "cheque"
) -> Payment:
    payment, _ = write_payment(
        billing_account,
        f"P{next(_ids)}",
        date=day,
        amount=Decimal(amount),
        method=method,
        reference=f"REF{next(_ids)}",
    )
    return payment


# Directory and information pages


def make_contact(
    account: Account, name: str = "Jean Tremblay", *methods: tuple[str, ...], **extra
) -> Contact:
    """A contact with its methods in order, each (kind, value) or (kind, value, label)."""
    contact = Contact.objects.create(
        account=account, external_id=extra.pop("external_id", f"c-{next(_ids)}"), name=name, **extra
    )
    for position, (kind, value, *label) in enumerate(methods):
        ContactMethod.objects.create(
            account=account,
            contact=contact,
            kind=kind,
            value=value,
            label=label[0] if label else "",
            position=position,
        )
    return contact


def make_info_page(
    account: Account, title: str = "Procédure d'urgence", body: str = "Appeler **Jean**.", **extra
) -> InfoPage:
    return InfoPage.objects.create(
        account=account,
        external_id=extra.pop("external_id", f"p-{next(_ids)}"),
        title=title,
        body=body,
        **extra,
    )


def make_change_request(
    account: Account, user: User | None = None, text: str = "Retirer Patrick.", **extra
) -> ChangeRequest:
    return ChangeRequest.objects.create(
        account=account,
        requested_by=user,
        subject=extra.pop("subject", ChangeRequest.Subject.DIRECTORY),
        text=text,
        **extra,
    )


def add_email(contact: Contact, address: str) -> ContactMethod:
    """Give an existing contact an e-mail address (after its other methods)."""
    return ContactMethod.objects.create(
        account_id=contact.account_id, contact=contact, kind="email", value=address, position=9
    )


# On call


def make_schedule(
    account: Account, external_id: str = "main", name: str = "Urgences", **extra
) -> Schedule:
    return Schedule.objects.create(account=account, external_id=external_id, name=name, **extra)


def make_shift(
    schedule: Schedule,
    start: datetime,
    hours: float = 24,
    ranks: int = 1,
    external_id: str | None = None,
) -> Shift:
    start = start.astimezone(UTC)  # elapsed hours, not wall-clock ones
    return Shift.objects.create(
        account=schedule.account,
        schedule=schedule,
        external_id=external_id or f"s-{start:%Y%m%d%H%M}",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        ranks=ranks,
    )


def future_day(days: int = 10, hour: int = 7, minute: int = 30) -> datetime:
    """A local instant `days` days from today at hh:mm in Toronto."""
    today = timezone.localtime(timezone.now(), TORONTO).date()
    day = today + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TORONTO)


def next_fall_back(after: date | None = None) -> date:
    """The next first Sunday of November (when Toronto and Vancouver fall back)."""
    after = after or timezone.localdate()
    year = after.year
    while True:
        first = date(year, 11, 1)
        sunday = first + timedelta(days=(6 - first.weekday()) % 7)
        if sunday > after + timedelta(days=2):
            return sunday
        year += 1


# Two-factor sign-in and the access log


def make_totp_device(user: User, confirmed: bool = True) -> TOTPDevice:
    """An authenticator app for the user (its codes: django_otp.oath.TOTP(device.bin_key))."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def verify_session(client: Client, user: User) -> TOTPDevice:
    """Sign `client` in as `user` as if with both factors (the admin requires it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or make_totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def make_access_event(
    account: Account, username: str = "bob", action: str = "viewed", **values
) -> AccessEvent:
    """A row of the account's access log (at: now unless given)."""
    user = User.objects.filter(username=username).first()
    return AccessEvent.objects.create(
        account=account, user=user, username=username, action=action, **values
    )


# Webhooks


TEST_WEBHOOK_SECRET = "whsec-test-0123456789abcdef"  # noqa: S105


def make_endpoint(url: str, *events: str, secret: str = TEST_WEBHOOK_SECRET, **extra) -> Endpoint:
    """A webhook endpoint of the platform taking `events` (all types when none is named)."""
    return Endpoint.objects.create(
        url=url, events=list(events or EventType.values), secret=secret, **extra
    )


# Export jobs


def make_export_job(
    account: Account,
    owner: User | None = None,
    *,
    kind: str = "messages.pdf",
    status: str = "done",
    content: bytes = b"%PDF-1.7 exported",
    filename: str = "5201-messages-2026-03-22.pdf",
    **extra,
) -> ExportJob:
    """An export job of `account` (asked by `owner`, else a new member); a finished
    download job gets its file in the exports storage."""
    if owner is None:
        owner = make_user(f"asker{next(_ids)}-{account.number}", (account, "member"))
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
