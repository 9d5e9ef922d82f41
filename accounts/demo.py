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
