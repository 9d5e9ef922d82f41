"""The demo's tenants and people: two client accounts under one billing number, and a third
client elsewhere, with a user for each role and one user with two accounts."""

from accounts.models import Account, BillingAccount, Membership, User
from portal.upsert import upsert

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 (printed by seed_demo; demo data only)

ACCOUNTS = [
    # number, name, billing number, language, time zone
    (5201, "Plomberie Saint-Laurent inc.", "780412", "fr", "America/Toronto"),
    (
        5202,
        "Clinique médicale Westmount / Westmount Medical Clinic",
        "780412",
        "en",
        "America/Toronto",
    ),
    (7300, "Chauffage Laval Heating", "781990", "fr", "America/Toronto"),
]

USERS = [
    # username, first, last, language, [(account, role)]
    ("marie", "Marie", "Tremblay", "fr", [(5201, "manager")]),
    ("luc", "Luc", "Gagnon", "fr", [(5201, "member")]),
    ("sophie", "Sophie", "Roy", "fr", [(5201, "billing"), (5202, "billing")]),
    ("james", "James", "Miller", "en", [(5202, "manager")]),
    ("olivia", "Olivia", "Chen", "en", [(5202, "member"), (5201, "member")]),
    ("pierre", "Pierre", "Bouchard", "fr", [(7300, "manager")]),
]


def seed_tenants() -> dict[int, Account]:
    accounts = {}
    for number, name, billing_number, language, tz in ACCOUNTS:
        billing, _ = upsert(BillingAccount, {"number": billing_number}, {})
        account, _ = upsert(
            Account,
            {"number": number},
            {"name": name, "billing_account": billing, "language": language, "timezone": tz},
        )
        accounts[number] = account
    for username, first, last, language, roles in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "language": language,
                "email": f"{username}@example.com",
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        for number, role in roles:
            Membership.objects.update_or_create(
                user=user, account=accounts[number], defaults={"role": role}
            )
    staff, created = User.objects.get_or_create(
        username="support",
        defaults={"is_staff": True, "is_superuser": True, "email": "support@example.com"},
    )
    if created:
        staff.set_password(DEMO_PASSWORD)
        staff.save()
    return accounts


def seed_access_log(accounts: dict[int, Account], rng, stdout) -> None:
    """Yesterday in the access log of 5202 (and 5201): sign-ins, a message read, a
    recording played by olivia and one downloaded, a call log exported by james.

    Keyed by who, what and when, so a second run the same day adds nothing. The calls and
    messages are the other sections' demo rows, reached through the app registry: the
    sections depend on accounts, never the other way round.
    """
    from datetime import datetime, time, timedelta

    from django.apps import apps
    from django.utils import timezone

    from accounts.access import Action, object_reference
    from accounts.models import AccessEvent

    Call = apps.get_model("calllog", "Call")
    Message = apps.get_model("messages_app", "Message")

    users = {u.username: u for u in User.objects.filter(username__in=["james", "olivia", "marie"])}
    written = 0

    def event(account, username, action, at, obj=None, object_type="", detail="", address=""):
        nonlocal written
        _event, created = AccessEvent.objects.get_or_create(
            account=account,
            username=username,
            action=action,
            at=at,
            object_type=obj._meta.label_lower if obj is not None else object_type,
            object_id=str(obj.pk) if obj is not None else "",
            defaults={
                "user": users.get(username),
                "object_ref": object_reference(obj) if obj is not None else "",
                "detail": detail,
                "ip_address": address or "198.51.100.23",
            },
        )
        written += created

    for number in (5202, 5201):
        account = accounts.get(number)
        if account is None:
            continue
        tz = account.tzinfo
        yesterday = timezone.localdate(timezone.now(), tz) - timedelta(days=1)
        start = timezone.make_aware(datetime.combine(yesterday, time(0)), tz)

        def at(hour: int, minute: int, day=yesterday, tz=tz):
            return timezone.make_aware(datetime.combine(day, time(hour, minute)), tz)

        played = (
            Call.objects.filter(account=account, started_at__gte=start, started_at__lt=at(18, 0))
            .exclude(recording="")
            .order_by("started_at")
        )
        message = Message.objects.filter(account=account, taken_at__lt=at(9, 0)).first()
        browser = "Chrome on Windows"
        if number == 5202:
            event(account, "james", Action.SIGNED_IN, at(8, 31), detail=browser)
            if message:
                event(account, "james", Action.VIEWED, at(8, 34), message)
            event(
                account,
                "olivia",
                Action.SIGNED_IN,
                at(9, 2),
                detail="Safari on iPhone",
                address="203.0.113.77",
            )
            for index, call in enumerate(played[:2]):
                late = max(call.started_at + timedelta(minutes=20), at(9, 5 + index))
                event(account, "olivia", Action.VIEWED, late, call, address="203.0.113.77")
                event(
                    account,
                    "olivia",
                    Action.PLAYED,
                    late + timedelta(seconds=20),
                    call,
                    address="203.0.113.77",
                )
            if played:
                event(account, "james", Action.DOWNLOADED, at(16, 40), played[0])
            event(
                account,
                "james",
                Action.EXPORTED,
                at(17, 5),
                object_type="calllog.call",
                detail="xlsx",
            )
        else:
            event(
                account,
                "olivia",
                Action.SIGNED_IN,
                at(9, 2),
                detail="Safari on iPhone",
                address="203.0.113.77",
            )
            event(account, "marie", Action.SIGNED_IN, at(8, 12), detail=browser)
            if message:
                event(account, "marie", Action.VIEWED, at(8, 15), message)
    stdout.write(f"  access log: {written} events written")
