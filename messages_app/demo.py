"""Demo messages: 60 days of bilingual messages with their dispatch histories.

Written through write_message (as the platform API does), keyed by an id made from the
day, so running seed_demo again (even days later) replaces rather than duplicates; each
day's content comes from a generator seeded with that day, so it stays the same.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Membership
from messages_app.actions import EventData, MessageData, write_message
from messages_app.models import Message, MessageRead

DAYS = 60
AGENTS = ["A07", "A12", "B03", "B19", "C22", "C31", "D08"]

FR_FIRST = [
    "Jean",
    "Marie",
    "Sylvie",
    "François",
    "Nathalie",
    "Martin",
    "Isabelle",
    "Stéphane",
    "Geneviève",
    "Éric",
    "Hélène",
    "André",
    "Josée",
    "Mathieu",
    "Chantal",
    "Benoît",
]
FR_LAST = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gélinas",
    "Bélanger",
    "Pelletier",
    "Lévesque",
    "Bergeron",
    "Thériault",
]
EN_FIRST = [
    "Emily",
    "Michael",
    "Sarah",
    "David",
    "Jessica",
    "Daniel",
    "Laura",
    "Kevin",
    "Priya",
    "Ahmed",
    "Olivia",
    "Thomas",
    "Grace",
    "Noah",
]
EN_LAST = [
    "Smith",
    "Brown",
    "Wilson",
    "Lee",
    "Taylor",
    "Martin",
    "Campbell",
    "O'Brien",
    "Patel",
    "Hassan",
    "Nguyen",
    "Cohen",
    "Murphy",
    "Singh",
]
STREETS = [
    "rue Saint-Denis",
    "boulevard Rosemont",
    "avenue du Parc",
    "rue Beaubien Est",
    "rue Fleury Ouest",
    "chemin de la Côte-des-Neiges",
    "boulevard des Laurentides",
    "rue Notre-Dame Ouest",
    "avenue Papineau",
]
CITIES = ["Montréal", "Laval", "Longueuil", "Brossard", "Terrebonne", "Boucherville"]
REFERENCES = ["Internet", "Pages Jaunes", "Client existant", "Recommandation d'un ami", "Camion"]


@dataclass(frozen=True)
class Profile:
    """Who the account is: its e-mail, on-call mobile and pager, and its kinds of message."""

    email: str
    mobile: str
    pager: str
    french: bool
    per_day: tuple[int, int]
    # (rng, person, urgent?) -> subject, urgent, fields
    make: Callable[..., tuple[str, bool, list[tuple[str, str]]]]


def _person(rng: random.Random, french: bool) -> dict:
    first = rng.choice(FR_FIRST if french else EN_FIRST)
    last = rng.choice(FR_LAST if french else EN_LAST)
    area = rng.choice(["514", "450", "438"])
    return {
        "first": first,
        "last": last,
        "phone": f"({area}) 555-{rng.randint(1000, 9999)}",
        "address": f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
        "city": rng.choice(CITIES),
        "postal": f"H{rng.randint(1, 9)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')} "
        f"{rng.randint(1, 9)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')}{rng.randint(1, 9)}",
    }


def _fr_contact(p: dict) -> list[tuple[str, str]]:
    return [
        ("Prénom", p["first"]),
        ("Nom", p["last"]),
        ("Tél", p["phone"]),
        ("Adresse", p["address"]),
        ("Ville", p["city"]),
        ("Code postal", p["postal"]),
    ]


def plumbing(rng: random.Random, p: dict, force_problem: bool = False):
    kind = (
        "probleme"
        if force_problem
        else rng.choice(["fuite", "probleme", "rdv", "rdv", "drain", "soumission"])
    )
    reference = ("Référence", rng.choice(REFERENCES))
    if kind == "fuite":
        problem = rng.choice(
            [
                "Fuite sous l'évier de la cuisine",
                "Fuite au plafond du sous-sol",
                "Tuyau percé derrière la laveuse",
                "Dégât d'eau dans la salle de bain",
            ]
        )
        return (
            "Fuite d'eau",
            rng.random() < 0.5,
            [*_fr_contact(p), ("Problème", problem), reference],
        )
    if kind == "probleme":
        problem = rng.choice(
            [
                "Le chauffe-eau ne chauffe plus",
                "Le chauffe-eau coule par le bas",
                "Plus d'eau chaude depuis ce matin",
                "Bruit de claquement dans le chauffe-eau",
            ]
        )
        urgent = force_problem or rng.random() < 0.35
        fields = [
            *_fr_contact(p),
            ("Âge/Date d'achat", f"{rng.randint(2, 15)} ans"),
            ("Problème", problem),
            reference,
        ]
        return "Problème de chauffe-eau", urgent, fields
    if kind == "drain":
        return (
            "Drain bouché",
            rng.random() < 0.2,
            [
                *_fr_contact(p),
                (
                    "Problème",
                    rng.choice(
                        ["Toilette bouchée", "Drain de plancher refoule", "Évier de cuisine bouché"]
                    ),
                ),
                reference,
            ],
        )
    if kind == "soumission":
        return (
            "Demande de soumission",
            False,
            [
                *_fr_contact(p),
                (
                    "Projet",
                    rng.choice(
                        [
                            "Rénovation de salle de bain",
                            "Remplacement du chauffe-eau",
                            "Installation d'un clapet antiretour",
                        ]
                    ),
                ),
                reference,
            ],
        )
    fields = [
        ("Âge/Date d'achat", f"{rng.randint(1, 12)} ans"),
        ("Modèle", rng.choice(["GSW 40 gal", "Giant 60 gal", "Bradford White 50"])),
        ("Série", f"{rng.randint(10_000_000, 99_999_999)}AJ"),
        *_fr_contact(p),
        reference,
        (
            "Problème",
            rng.choice(["Entretien annuel", "Remplacement d'un robinet", "Inspection avant achat"]),
        ),
        (
            "Date",
            rng.choice(["À rappeler", "Lundi matin", "Mercredi après-midi", "Dès que possible"]),
        ),
        ("Heure", rng.choice(["À rappeler", "8 h à 12 h", "13 h à 17 h"])),
    ]
    return "RENDEZ-VOUS", False, fields


def clinic(rng: random.Random, p: dict, force_problem: bool = False):
    kind = rng.choice(["appointment", "appointment", "prescription", "lab", "cancel"])
    contact = [
        ("First name", p["first"]),
        ("Last name", p["last"]),
        ("Phone", p["phone"]),
        (
            "Date of birth",
            f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        ),
    ]
    if kind == "appointment":
        return (
            "Appointment request",
            False,
            [
                *contact,
                (
                    "Reason",
                    rng.choice(
                        [
                            "Annual check-up",
                            "Sore throat for 3 days",
                            "Follow-up visit",
                            "Vaccination",
                            "Back pain",
                        ]
                    ),
                ),
                (
                    "Preferred time",
                    rng.choice(["Morning", "Afternoon", "Any time", "Tuesday or Thursday"]),
                ),
            ],
        )
    if kind == "prescription":
        return (
            "Prescription renewal",
            False,
            [
                *contact,
                (
                    "Medication",
                    rng.choice(
                        [
                            "Ramipril 5 mg",
                            "Metformin 500 mg",
                            "Salbutamol inhaler",
                            "Levothyroxine 50 mcg",
                        ]
                    ),
                ),
                (
                    "Pharmacy",
                    rng.choice(
                        [
                            "Jean Coutu, Sherbrooke St.",
                            "Pharmaprix, Greene Ave.",
                            "Uniprix, Monkland",
                        ]
                    ),
                ),
            ],
        )
    if kind == "lab":
        return (
            "Urgent lab results",
            True,
            [
                ("Laboratory", rng.choice(["CDL Laboratories", "Biron", "MUHC lab"])),
                ("Patient", f"{p['first']} {p['last']}"),
                (
                    "Result",
                    rng.choice(
                        [
                            "Potassium 6.4 mmol/L (critical)",
                            "INR 5.1 (critical)",
                            "Hemoglobin 68 g/L (critical)",
                        ]
                    ),
                ),
                ("Call back", p["phone"]),
            ],
        )
    return (
        "Cancel appointment",
        False,
        [
            *contact,
            (
                "Appointment",
                rng.choice(["Tomorrow 9:30 AM", "Friday 2:00 PM", "Next Monday 11:15 AM"]),
            ),
            (
                "Reason",
                rng.choice(["Feeling better", "Work conflict", "Will call back to reschedule"]),
            ),
        ],
    )


def heating(rng: random.Random, p: dict, force_problem: bool = False):
    kind = rng.choice(["chauffage", "entretien", "thermostat", "mazout", "entretien"])
    contact = _fr_contact(p)
    if kind == "chauffage":
        return (
            "Pas de chauffage",
            rng.random() < 0.6,
            [
                *contact,
                (
                    "Problème",
                    rng.choice(
                        [
                            "Fournaise arrêtée, maison à 15 °C",
                            "Thermopompe en erreur E5",
                            "Plinthes froides au 2e étage",
                        ]
                    ),
                ),
                (
                    "Type d'appareil",
                    rng.choice(["Fournaise au gaz", "Thermopompe", "Fournaise à l'huile"]),
                ),
            ],
        )
    if kind == "entretien":
        return (
            "Entretien de fournaise",
            False,
            [
                *contact,
                ("Type d'appareil", rng.choice(["Fournaise au gaz", "Thermopompe", "Chaudière"])),
                ("Disponibilités", rng.choice(["Semaine de jour", "Samedi", "À rappeler"])),
            ],
        )
    if kind == "thermostat":
        return (
            "Problème de thermostat",
            False,
            [
                *contact,
                (
                    "Problème",
                    rng.choice(["Écran vide", "Ne suit pas la consigne", "Wi-Fi déconnecté"]),
                ),
            ],
        )
    return (
        "Odeur de mazout",
        True,
        [
            *contact,
            ("Problème", "Odeur de mazout forte près du réservoir"),
            ("Consigne", "Client avisé d'aérer"),
        ],
    )


PROFILES = {
    5201: Profile(
        "info@plomberie-st-laurent.ca", "+1 514 555 0142", "514 555 0190", True, (2, 6), plumbing
    ),
    5202: Profile(
        "reception@westmountclinic.ca", "+1 514 555 0177", "514 555 0191", False, (2, 5), clinic
    ),
    7300: Profile(
        "service@chauffagelaval.ca", "+1 450 555 0123", "450 555 0192", True, (1, 4), heating
    ),
}


def _history(
    rng: random.Random, profile: Profile, taken_at: datetime, urgent: bool, now: datetime
) -> list[EventData]:
    def at(seconds: float) -> datetime:
        return min(taken_at + timedelta(seconds=seconds), now)

    events = [EventData(taken_at, "taken")]
    start = rng.randint(20, 240)
    events.append(EventData(at(start), "email_initiated", profile.email))
    if rng.random() < 0.08:
        reason = "Boîte de réception pleine (552)" if profile.french else "Mailbox full (552)"
        events.append(EventData(at(start + 2), "failed", profile.email, reason))
        events.append(EventData(at(start + 40), "sms_sent", profile.mobile))
        events.append(EventData(at(start + 45), "delivered", profile.mobile))
    else:
        events.append(EventData(at(start + rng.randint(0, 2)), "email_completed", profile.email))
        events.append(EventData(at(start + rng.randint(3, 8)), "delivered", profile.email))
    if urgent:
        events.append(EventData(at(start + 60), "sms_sent", profile.mobile))
        if rng.random() < 0.4:
            events.append(EventData(at(start + 90), "page_sent", profile.pager))
        if rng.random() < 0.8:
            who = "Technicien de garde" if profile.french else "Doctor on call"
            events.append(
                EventData(at(start + rng.randint(300, 1500)), "acknowledged", profile.mobile, who)
            )
    return events


def _taken_times(rng: random.Random, day: date, count: int, tz) -> list[datetime]:
    times = []
    for _ in range(count):
        hour = rng.choice([7, 8, 9, 9, 10, 10, 11, 12, 13, 14, 14, 15, 16, 17, 18, 20, 22, 2])
        moment = datetime.combine(day, time(hour, rng.randint(0, 59), rng.randint(0, 59)))
        times.append(timezone.make_aware(moment, tz))
    return sorted(times)


def seed_messages(accounts: dict, rng: random.Random, stdout) -> None:
    base = rng.random()  # the same every run: seed_demo seeds rng by section name
    now = timezone.now()
    written = 0
    for number, profile in PROFILES.items():
        account = accounts.get(number)
        if account is None:
            continue
        today = timezone.localdate(now, account.tzinfo)
        for back in range(DAYS):
            day = today - timedelta(days=back)
            day_rng = random.Random(f"{base}-{number}-{day.isoformat()}")
            count = day_rng.randint(*profile.per_day)
            if day.weekday() >= 5:
                count = max(1, count - 2)
            forced = 2 if (number == 5201 and back == 1) else 0  # yesterday's urgent "problème"s
            for index, taken_at in enumerate(
                _taken_times(day_rng, day, count + forced, account.tzinfo)
            ):
                subject, urgent, fields = profile.make(
                    day_rng, _person(day_rng, profile.french), index < forced
                )
                if taken_at > now:
                    continue
                data = MessageData(
                    taken_at=taken_at,
                    taken_by=day_rng.choice(AGENTS),
                    subject=subject,
                    caller_name=_caller(fields),
                    caller_number=fields_value(fields, ("Tél", "Phone", "Call back")),
                    urgent=urgent,
                    fields=tuple(fields),
                    events=tuple(_history(day_rng, profile, taken_at, urgent, now)),
                )
                write_message(account, f"{number % 100:02d}{day:%y%m%d}{index:02d}", data)
                written += 1
        _mark_older_read(account, now - timedelta(days=2))
    stdout.write(f"  messages: {written} written")


def _caller(fields: list[tuple[str, str]]) -> str:
    first = fields_value(fields, ("Prénom", "First name"))
    last = fields_value(fields, ("Nom", "Last name"))
    return f"{first} {last}".strip() or fields_value(fields, ("Laboratory",))


def fields_value(fields: list[tuple[str, str]], labels: tuple[str, ...]) -> str:
    return next((value for label, value in fields if label in labels), "")


def _mark_older_read(account, before: datetime) -> None:
    """Demo users have read what is older than two days; the recent ones stay new."""
    users = list(Membership.objects.filter(account=account).values_list("user_id", flat=True))
    pks = list(
        Message.objects.for_account(account)
        .filter(taken_at__lt=before)
        .values_list("pk", flat=True)
    )
    MessageRead.objects.bulk_create(
        [MessageRead(account=account, message_id=pk, user_id=user) for pk in pks for user in users],
        ignore_conflicts=True,
        batch_size=1000,
    )
