"""The inbox's rows in the scale seed (accounts/scale.py): messages with accented names,
about 10 % urgent, 2 to 5 dispatch events each, most of the older ones acknowledged; and
the benchmark user's read marks, each with its "viewed" line in the access log."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache

from accounts.models import AccessEvent
from accounts.scale import (
    ACCESS_COLUMNS,
    Plan,
    Seeding,
    access_row,
    copy_rows,
    draw_int,
    person,
    phone,
    reserve_ids,
)
from messages_app.actions import PORTAL_DETAIL
from messages_app.models import MessageEvent, normalise

FR_SUBJECTS = [
    ("Fuite d'eau", "Fuite sous l'évier de la cuisine"),
    ("Problème de chauffe-eau", "Plus d'eau chaude depuis ce matin"),
    ("Demande de rendez-vous", "Disponible jeudi après-midi"),
    ("Drain bouché", "Le drain de plancher refoule"),
    ("Demande de soumission", "Rénovation de la salle de bain"),
    ("Panne de chauffage", "La fournaise ne démarre plus"),
    ("Rappel demandé", "Question au sujet de la facture"),
]
EN_SUBJECTS = [
    ("Water leak", "Leak under the kitchen sink"),
    ("Appointment request", "Available Thursday afternoon"),
    ("No heat", "The furnace will not start"),
    ("Call back", "Question about the invoice"),
    ("After-hours emergency", "Patient needs the on-call physician"),
]
STREETS = ["rue Saint-Denis", "boulevard Rosemont", "avenue du Parc", "chemin de la Côte"]
CITIES = ["Montréal", "Laval", "Longueuil", "Québec", "Trois-Rivières", "Gatineau", "Lévis"]
MESSAGE_AGENTS = ["A07", "A12", "B03", "B19", "C22", "C31", "D08", "É14"]
ON_CALL_MOBILE = "514 555-0117"
# Who acknowledges: of the urgent messages most, of the others some.
ACKNOWLEDGED_SHARE = {True: 0.85, False: 0.3}

MESSAGE_COLUMNS = (
    "id, account_id, external_id, taken_at, taken_by, subject, caller_name, caller_number, "
    "urgent, fields, search_text, acknowledged_at, acknowledged_by, acknowledged_by_user_id"
)
EVENT_COLUMNS = "account_id, message_id, at, kind, target, detail, fingerprint"
READ_COLUMNS = "account_id, message_id, user_id, read_at"
# A message row's columns the read marks need (MESSAGE_COLUMNS order).
PK, ACCOUNT, EXTERNAL_ID, TAKEN_AT = 0, 1, 2, 3


@lru_cache(maxsize=8192)
def _cached_normalise(text: str) -> str:
    return normalise(text)


def _normalised(text: str) -> str:
    return text.lower() if text.isascii() else _cached_normalise(text)


class MessageSeeder:
    """Writes each day's messages and their events, in time order; at the end, the
    benchmark user's read marks in the biggest account."""

    tables = ("messages_app_message", "messages_app_messageevent")

    def __init__(self, seeding: Seeding) -> None:
        self.seeding = seeding
        self.rng = seeding.rng
        self.written: Counter[int] = Counter()  # messages written so far, per account
        self.big_rows: list[tuple] = []  # the biggest account's messages

    def write_day(
        self, work: list[tuple[Plan, list[datetime]]], today_of: Callable[[Plan], date]
    ) -> Counter[str]:
        moments = sorted(((at, plan) for plan, ats in work for at in ats), key=lambda m: m[0])
        first = reserve_ids("messages_app_message", len(moments))
        message_rows, event_rows = [], []
        for offset, (at, plan) in enumerate(moments):
            row, events = self._message(plan, first + offset, at)
            message_rows.append(row)
            event_rows += events
        event_rows.sort(key=lambda row: row[2])
        big = self.seeding.big.account.pk
        self.big_rows += [row for row in message_rows if row[ACCOUNT] == big]
        return Counter(
            messages=copy_rows("messages_app_message", MESSAGE_COLUMNS, message_rows),
            events=copy_rows("messages_app_messageevent", EVENT_COLUMNS, event_rows),
        )

    def _message(self, plan: Plan, pk: int, taken_at: datetime) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        account = plan.account
        number, name = rng.choice(plan.callers)
        if not name:
            name = person(rng, plan.french)
        if not number:
            number = phone(rng)
        subject, problem = rng.choice(FR_SUBJECTS if plan.french else EN_SUBJECTS)
        city, street = rng.choice(CITIES), rng.choice(STREETS)
        address = f"{draw_int(rng, 100, 9999)} {street}"
        if plan.french:
            fields = [("Nom", name), ("Tél", number), ("Adresse", address), ("Ville", city)]
            fields.append(("Problème", problem))
        else:
            fields = [("Name", name), ("Phone", number), ("Address", address), ("City", city)]
            fields.append(("Details", problem))
        self.written[account.pk] += 1
        external_id = f"M{account.number}-{self.written[account.pk]:06d}"
        urgent = rng.random() < 0.1
        search = " ".join(
            _normalised(part)
            for part in (external_id, subject, name, number, *(v for _l, v in fields))
        )
        agent = rng.choice(MESSAGE_AGENTS)
        events, acknowledgement = self._events(plan, pk, taken_at, agent, urgent)
        row = (
            pk,
            account.pk,
            external_id,
            taken_at,
            agent,
            subject,
            name,
            number,
            urgent,
            json.dumps([{"label": label, "value": value} for label, value in fields]),
            search,
            *acknowledgement,
        )
        return row, events

    def _events(
        self, plan: Plan, message_id: int, taken_at: datetime, agent: str, urgent: bool
    ) -> tuple[list[tuple], tuple]:
        """2 to 5 dispatch steps, a few seconds to minutes apart, the last of them maybe an
        acknowledgement: by the benchmark user in the portal in the biggest account, by the
        person on call through the platform elsewhere. Returns the event rows and the
        message's (acknowledged_at, acknowledged_by, acknowledged_by_user_id)."""
        rng = self.rng
        steps = [("taken", agent, "")]
        how = rng.random()
        if how < 0.5:
            channel = [("email_initiated", "bureau@example.com", ""), ("email_completed", "", "")]
        elif how < 0.8:
            channel = [("sms_sent", ON_CALL_MOBILE, ""), ("delivered", ON_CALL_MOBILE, "")]
        else:
            channel = [("page_sent", "514 555-0189", ""), ("failed", "514 555-0189", "No answer")]
        steps.append(("dispatched", "", ""))
        steps += channel[: draw_int(rng, 0, 2)]
        in_portal = plan is self.seeding.big
        if rng.random() < ACKNOWLEDGED_SHARE[urgent]:
            if in_portal:
                steps.append(("acknowledged", self.seeding.user.display_name(), PORTAL_DETAIL))
            else:
                who = "Technicien de garde" if plan.french else "On-call technician"
                steps.append(("acknowledged", ON_CALL_MOBILE, who))
        if len(steps) < 5 and rng.random() < 0.5:
            steps.append(("read", "", ""))
        rows = []
        acknowledgement: tuple = (None, "", None)
        at = taken_at
        for kind, target, detail in steps:
            at = at + timedelta(seconds=draw_int(rng, 5, 600))
            if kind == "acknowledged":
                if at >= self.seeding.now:
                    continue  # not yet
                user = self.seeding.user.pk if in_portal else None
                acknowledgement = (at, target, user)
            fingerprint = MessageEvent.make_fingerprint(at, kind, target, detail)
            rows.append((plan.account.pk, message_id, at, kind, target, detail, fingerprint))
        return rows, acknowledgement

    def finish(self) -> Counter[str]:
        """The benchmark user has read most of the biggest account's messages older than
        two days (each reading is a "viewed" line of the account's access log)."""
        seeding, rng = self.seeding, self.rng
        reads, views = [], []
        for row in self.big_rows:
            taken_at = row[TAKEN_AT]
            share = 0.85 if seeding.now - taken_at > timedelta(days=2) else 0.3
            if rng.random() < share:
                read_at = taken_at + timedelta(minutes=rng.randint(5, 600))
                reads.append((row[ACCOUNT], row[PK], seeding.user.pk, read_at))
                if read_at < seeding.now:
                    views.append(
                        access_row(
                            seeding,
                            read_at,
                            AccessEvent.Action.VIEWED,
                            "messages_app.message",
                            str(row[PK]),
                            row[EXTERNAL_ID],
                        )
                    )
        return Counter(
            reads=copy_rows("messages_app_messageread", READ_COLUMNS, reads),
            views=copy_rows("accounts_accessevent", ACCESS_COLUMNS, sorted(views)),
        )
