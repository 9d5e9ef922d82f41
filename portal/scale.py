"""A database the size of ten real answering services, for `make bench` (seed_scale).

Defaults: 1,000 accounts, 1.2 million calls and 600,000 messages (about 2.1 million
dispatch events) over the last 60 days; the biggest account holds 1/24 of the calls and
messages (50,000 and 25,000). Rows are drawn from one seeded generator, so the same
arguments and the same `now` give the same rows, and written with PostgreSQL's COPY one
day at a time, every account's rows of that day together in time order, the way the
platform's pushes interleave them on disk.

The biggest account (number BIG_NUMBER) also gets the demo's directory, on-call
schedule and invoices, and a manager, `bench` (password BENCH_PASSWORD), who has read
most of its older messages. A marker in the database's comment records what was seeded,
so a benchmark can reuse the seed instead of spending minutes on it again.
"""

from __future__ import annotations

import hashlib
import json
import random
import time as clock
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, BillingAccount, Membership, User
from calllog.demo import billed_minutes, billing_cycle_end, billing_cycle_start
from messages_app.models import MessageEvent, normalise

FIRST_NUMBER = 20000
BIG_NUMBER = FIRST_NUMBER  # the biggest account
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-scale-password"  # noqa: S105 (a benchmark's throwaway data)
MARKER_PREFIX = "seed_scale "
BIG_SHARE = 24  # the biggest account holds 1/24 of the calls and of the messages

TIME_ZONES = [
    ("America/Toronto", 70),
    ("America/Halifax", 8),
    ("America/Winnipeg", 6),
    ("America/Edmonton", 6),
    ("America/Vancouver", 7),
    ("America/St_Johns", 2),
    ("America/Regina", 1),
]
AREA_CODES = ["514", "438", "450", "579", "819", "418", "581", "613", "416", "604"]
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
    "Noémie",
    "Zoé",
    "Gaétan",
    "Réjean",
    "Ginette",
    "Loïc",
    "Anaïs",
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
    "Bérubé",
    "Ouellet",
    "Généreux",
    "Désilets",
    "Brûlé",
    "Paré",
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
    "Noah",
]
EN_LAST = [
    "Smith",
    "Brown",
    "Wilson",
    "Lee",
    "Taylor",
    "Campbell",
    "O'Brien",
    "Patel",
    "Hassan",
    "Nguyen",
    "Murphy",
]
BUSINESSES = [
    "Plomberie Bérubé",
    "Clinique Saint-Éloi",
    "Chauffage Côté",
    "Gestion Immobilière Lévis",
    "Pharmacie du Parc",
    "Dépanneur Chez Réal",
    "Toitures Généreux",
    "Northern Heating",
    "Harbour Property Management",
]
ACCOUNT_KINDS = [
    "Plomberie",
    "Clinique",
    "Chauffage",
    "Gestion immobilière",
    "Électricité",
    "Serrurerie",
    "Vétérinaire",
    "Property Management",
    "Medical Clinic",
]
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
RECORDING_SHARE = 0.3


@dataclass(frozen=True)
class ScaleSize:
    accounts: int = 1000
    calls: int = 1_200_000
    messages: int = 600_000
    days: int = 60
    seed: int = 15

    def label(self) -> str:
        return json.dumps(
            {
                "accounts": self.accounts,
                "calls": self.calls,
                "messages": self.messages,
                "days": self.days,
                "seed": self.seed,
            },
            sort_keys=True,
        )


@dataclass
class Plan:
    """One account's share: its row, zone, language, and rows per day (oldest day first)."""

    account: Account
    tz: object
    french: bool
    calls_per_day: list[int]
    messages_per_day: list[int]
    callers: list[tuple[str, str]] = field(default_factory=list)
    next_call: int = 0
    next_message: int = 0


@dataclass
class Report:
    accounts: int = 0
    calls: int = 0
    messages: int = 0
    events: int = 0
    reads: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def marker() -> dict | None:
    """What seed_scale recorded in this database's comment, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    text = (row[0] if row else None) or ""
    if not text.startswith(MARKER_PREFIX):
        return None
    return json.loads(text[len(MARKER_PREFIX) :])


def _write_marker(size: ScaleSize, now: datetime) -> None:
    value = {**json.loads(size.label()), "now": now.isoformat()}
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [MARKER_PREFIX + json.dumps(value)])


def _split(total: int, parts: int, rng: random.Random, big: int) -> list[int]:
    """`total` rows over `parts` accounts: the first gets `big`, the others a skewed share
    of the rest, none more than the first (so the first stays the biggest)."""
    big = min(big, total)
    if parts == 1:
        return [total]
    weights = [rng.lognormvariate(0, 1.0) for _ in range(parts - 1)]
    rest = total - big
    counts = [0] * (parts - 1)
    open_ = list(range(parts - 1))
    while rest > 0 and open_:
        scale = rest / sum(weights[i] for i in open_)
        given = 0
        for i in open_:
            share = min(int(weights[i] * scale) or 1, big - counts[i], rest - given)
            counts[i] += share
            given += share
        rest -= given
        open_ = [i for i in open_ if counts[i] < big]
        if given == 0:
            break
    return [big, *counts]


def _per_day(count: int, days: int, rng: random.Random) -> list[int]:
    """`count` rows over `days` days (oldest first), weekend days quieter."""
    if count == 0:
        return [0] * days
    weights = [1.0 if (days - 1 - d) % 7 not in (0, 1) else 0.45 for d in range(days)]
    per_day = [0] * days
    for d in rng.choices(range(days), weights=weights, k=count):
        per_day[d] += 1
    return per_day


def _phone(rng: random.Random) -> str:
    area, exchange, line = rng.choice(AREA_CODES), _int(rng, 200, 999), _int(rng, 0, 9999)
    style = rng.random()
    if style < 0.5:
        return f"{area}-{exchange}-{line:04d}"
    if style < 0.75:
        return f"({area}) {exchange}-{line:04d}"
    if style < 0.9:
        return f"+1 {area} {exchange} {line:04d}"
    return f"{area}{exchange}{line:04d}"


def _person(rng: random.Random, french: bool) -> str:
    if french:
        return f"{rng.choice(FR_FIRST)} {rng.choice(FR_LAST)}"
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def _callers(rng: random.Random, french: bool, calls: int) -> list[tuple[str, str]]:
    """Who calls this account: a pool of repeat callers, some unnamed, some businesses."""
    pool = []
    for _ in range(max(5, calls // 4)):
        roll = rng.random()
        if roll < 0.04:
            pool.append(("", ""))  # private number
        elif roll < 0.15:
            pool.append((_phone(rng), rng.choice(BUSINESSES)))
        elif roll < 0.3:
            pool.append((_phone(rng), ""))
        else:
            pool.append((_phone(rng), _person(rng, french)))
    return pool


def _int(rng: random.Random, low: int, high: int) -> int:
    """randint(low, high), three times faster (the seed draws millions of them)."""
    return low + int(rng.random() * (high - low + 1))


def _local(day: date, rng: random.Random, tz) -> datetime:
    """A moment of that local day: mostly office hours, some evenings and nights."""
    roll = rng.random()
    if roll < 0.75:
        minute = _int(rng, 8 * 60, 18 * 60 - 1)
    elif roll < 0.9:
        minute = _int(rng, 18 * 60, 24 * 60 - 1)
    else:
        minute = _int(rng, 0, 8 * 60 - 1)
    at = datetime.combine(day, time(minute // 60, minute % 60, _int(rng, 0, 59)), tzinfo=tz)
    return at.astimezone(UTC)


AGENTS = ["CL1", "CL2", "SY1", "JL1", "ST1", "MJ1", "JE1", "RÉ2", "GB1", "AL3"]


def _call_figures(rng: random.Random) -> dict:
    """The telephony fields of one call (the statistics' definitions), drawn so that every
    row of the statistics table has calls: answered (some held, some patched, some waiting
    over 30 s), automated in each of its three ways, short hang-ups, abandons, busies,
    outbound calls and transactions."""
    roll = rng.random()
    if roll < 0.58:  # answered conversation
        queued = _int(rng, 0, 5)
        assigned = queued + _int(rng, 1, 6)
        answered = assigned + _int(rng, 4, 50)
        work = _int(rng, 60, 400)
        hold = _int(rng, 11, 90) if rng.random() < 0.2 else _int(rng, 0, 8)
        patch = _int(rng, 30, 240) if rng.random() < 0.08 else None
        duration = max(answered + work - _int(rng, 0, 30) + (patch or 0), answered + 15)
        return {
            "agent": rng.choice(AGENTS),
            "queued_s": queued,
            "assigned_s": assigned,
            "answered_s": answered,
            "work_s": work,
            "hold_s": hold,
            "patch_s": patch,
            "duration_s": duration,
        }
    if roll < 0.60:  # answered, then the caller hung up within 10 s: automated
        answered = _int(rng, 8, 20)
        return {
            "agent": rng.choice(AGENTS),
            "queued_s": 0,
            "assigned_s": 2,
            "answered_s": answered,
            "work_s": _int(rng, 10, 30),
            "duration_s": answered + _int(rng, 1, 9),
        }
    if roll < 0.68:  # automated: never asked for an agent
        return {"duration_s": _int(rng, 10, 90)}
    if roll < 0.70:  # automated: queued late, hung up within 10 s
        queued = _int(rng, 20, 60)
        return {"queued_s": queued, "duration_s": queued + _int(rng, 1, 9)}
    if roll < 0.77:  # short hang-up (not counted)
        return {"queued_s": 0, "duration_s": _int(rng, 1, 6)}
    if roll < 0.82:  # system abandon: queued, never assigned
        queued = _int(rng, 0, 5)
        return {"queued_s": queued, "duration_s": queued + _int(rng, 15, 60)}
    if roll < 0.87:  # agent abandon: assigned, never answered
        queued = _int(rng, 0, 5)
        assigned = queued + _int(rng, 2, 10)
        return {
            "agent": rng.choice(AGENTS),
            "queued_s": queued,
            "assigned_s": assigned,
            "duration_s": assigned + _int(rng, 12, 60),
        }
    if roll < 0.90:  # busy
        return {"busy": True, "duration_s": 0}
    if roll < 0.95:  # outbound call by an agent
        work = _int(rng, 40, 300)
        return {
            "direction": "outbound",
            "agent": rng.choice(AGENTS),
            "work_s": work,
            "duration_s": work,
        }
    # a transaction: a dispatch without a conversation
    return {
        "kind": "transaction",
        "agent": rng.choice(AGENTS),
        "work_s": _int(rng, 20, 90),
        "duration_s": 0,
    }


CALL_COLUMNS = (
    "account_id, external_id, started_at, direction, kind, caller_number, caller_name, "
    "dialed_number, agent, description, message_external_id, duration_s, busy, queued_s, "
    "assigned_s, answered_s, work_s, hold_s, patch_s, details, billing_units, "
    "invoice_number, recording, recording_content_type, recording_size, "
    "recording_duration_s, recording_sha256"
)
DESCRIPTIONS = ["Service call", "Emergency", "Appointment", "Information", "Message taken", ""]
TRANSACTION_DETAILS = [
    json.dumps({"type": "email", "to": "info@example.com", "status": "delivered"}),
    json.dumps({"type": "sms", "to": "514-555-0100", "status": "delivered"}),
    json.dumps({"type": "email", "to": "urgence@example.com", "status": "failed"}),
]


def _call_row(plan: Plan, started_at: datetime, rng: random.Random, cycle_start: date) -> tuple:
    account = plan.account
    figures = _call_figures(rng)
    direction = figures.get("direction", "inbound")
    number, name = rng.choice(plan.callers)
    dialed = f"514-555-{account.number % 10000:04d}"
    if direction == "outbound":
        number, name, dialed = "", "", number or _phone(rng)
    kind = figures.get("kind", "conversation")
    work = figures.get("work_s")
    local_day = started_at.astimezone(plan.tz).date()
    units = invoice = None
    if work is not None and local_day < cycle_start:
        units = billed_minutes(work)
        invoice = f"{account.billing_account.number}-{billing_cycle_end(local_day):%Y%m}"
    plan.next_call += 1
    external_id = f"S{account.number}-{plan.next_call:06d}"
    recording = content_type = ""
    size = duration = None
    digest = ""
    if figures.get("answered_s") is not None and rng.random() < RECORDING_SHARE:
        # Rows only: no audio file is written (the pages read the row, not the file).
        recording = f"{account.number}/{local_day:%Y/%m/%d}/{external_id}-recording.wav"
        content_type = "audio/wav"
        duration = float(_int(rng, 8, 12))
        size = int(duration * 8000) + 44
        digest = hashlib.sha256(external_id.encode()).hexdigest()
    return (
        account.pk,
        external_id,
        started_at,
        direction,
        kind,
        number,
        name,
        dialed,
        figures.get("agent", ""),
        rng.choice(DESCRIPTIONS) if kind == "conversation" else "Dispatch",
        "",
        figures["duration_s"],
        figures.get("busy", False),
        figures.get("queued_s"),
        figures.get("assigned_s"),
        figures.get("answered_s"),
        work,
        figures.get("hold_s", 0),
        figures.get("patch_s"),
        rng.choice(TRANSACTION_DETAILS) if kind == "transaction" else "{}",
        units,
        invoice or "",
        recording,
        content_type,
        size,
        duration,
        digest,
    )


MESSAGE_COLUMNS = (
    "id, account_id, external_id, taken_at, taken_by, subject, caller_name, caller_number, "
    "urgent, fields, search_text"
)
EVENT_COLUMNS = "account_id, message_id, at, kind, target, detail, fingerprint"


@lru_cache(maxsize=8192)
def _cached_normalise(text: str) -> str:
    return normalise(text)


def _normalised(text: str) -> str:
    return text.lower() if text.isascii() else _cached_normalise(text)


def _message_row(
    plan: Plan, pk: int, taken_at: datetime, rng: random.Random
) -> tuple[tuple, list[tuple]]:
    account = plan.account
    number, name = rng.choice(plan.callers)
    if not name:
        name = _person(rng, plan.french)
    if not number:
        number = _phone(rng)
    subject, problem = rng.choice(FR_SUBJECTS if plan.french else EN_SUBJECTS)
    city, street = rng.choice(CITIES), rng.choice(STREETS)
    address = f"{_int(rng, 100, 9999)} {street}"
    if plan.french:
        fields = [("Nom", name), ("Tél", number), ("Adresse", address), ("Ville", city)]
        fields.append(("Problème", problem))
    else:
        fields = [("Name", name), ("Phone", number), ("Address", address), ("City", city)]
        fields.append(("Details", problem))
    plan.next_message += 1
    external_id = f"M{account.number}-{plan.next_message:06d}"
    urgent = rng.random() < 0.1
    search = " ".join(
        _normalised(part) for part in (external_id, subject, name, number, *(v for _l, v in fields))
    )
    agent = rng.choice(MESSAGE_AGENTS)
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
    )
    return row, _events(account.pk, pk, taken_at, agent, rng)


def _events(account_id: int, message_id: int, taken_at: datetime, agent: str, rng) -> list[tuple]:
    """2 to 5 dispatch steps, a few seconds to minutes apart."""
    steps = [("taken", agent, "")]
    how = rng.random()
    if how < 0.5:
        channel = [("email_initiated", "bureau@example.com", ""), ("email_completed", "", "")]
    elif how < 0.8:
        channel = [("sms_sent", "514 555-0117", ""), ("delivered", "514 555-0117", "")]
    else:
        channel = [("page_sent", "514 555-0189", ""), ("failed", "514 555-0189", "No answer")]
    steps.append(("dispatched", "", ""))
    steps += channel[: _int(rng, 0, 2)]
    if len(steps) < 5 and rng.random() < 0.5:
        steps.append(("read", "", ""))
    if len(steps) < 2:
        steps.append(("dispatched", "", ""))
    rows = []
    at = taken_at
    for kind, target, detail in steps:
        at = at + timedelta(seconds=_int(rng, 5, 600))
        fingerprint = MessageEvent.make_fingerprint(at, kind, target, detail)
        rows.append((account_id, message_id, at, kind, target, detail, fingerprint))
    return rows


# Seconds spent in COPY per table during the current seed (reported at the end).
COPY_SECONDS: dict[str, float] = {}


def _copy(table: str, columns: str, rows: Iterable[tuple]) -> int:
    started = clock.perf_counter()
    written = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    COPY_SECONDS[table] = COPY_SECONDS.get(table, 0) + clock.perf_counter() - started
    return written


def _reserve_ids(table: str, count: int) -> int:
    """The first of `count` fresh primary keys of `table` (its sequence moved past them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our names)
        highest = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last_value, is_called = cursor.fetchone()
        start = max(highest, last_value if is_called else last_value - 1) + 1
        cursor.execute("SELECT setval(%s, %s)", [sequence, start + max(count, 1) - 1])
    return start


def _tenants(size: ScaleSize, rng: random.Random) -> list[Plan]:
    calls = _split(size.calls, size.accounts, rng, size.calls // BIG_SHARE)
    messages = _split(size.messages, size.accounts, rng, size.messages // BIG_SHARE)
    billing_accounts = BillingAccount.objects.bulk_create(
        BillingAccount(number=f"9{FIRST_NUMBER + i:06d}", name=f"Facturation {i}")
        for i in range(max(1, size.accounts * 9 // 10))
    )
    zones, zone_weights = zip(*TIME_ZONES, strict=True)
    accounts = []
    for i in range(size.accounts):
        french = i == 0 or rng.random() < 0.7
        kind = rng.choice(ACCOUNT_KINDS)
        owner = rng.choice(FR_LAST if french else EN_LAST)
        accounts.append(
            Account(
                number=FIRST_NUMBER + i,
                name=f"{kind} {owner}" if i else "Plomberie Bérubé & Fils (grand compte)",
                billing_account=billing_accounts[i % len(billing_accounts)],
                timezone="America/Toronto" if i == 0 else rng.choices(zones, zone_weights)[0],
                language="fr" if french else "en",
            )
        )
    accounts = Account.objects.bulk_create(accounts)
    plans = []
    for account, n_calls, n_messages in zip(accounts, calls, messages, strict=True):
        account.billing_account = billing_accounts[
            (account.number - FIRST_NUMBER) % len(billing_accounts)
        ]
        plan = Plan(
            account=account,
            tz=account.tzinfo,
            french=account.language == "fr",
            calls_per_day=_per_day(n_calls, size.days, rng),
            messages_per_day=_per_day(n_messages, size.days, rng),
        )
        plan.callers = _callers(rng, plan.french, n_calls)
        plans.append(plan)
    return plans


def _day_moments(plan: Plan, day: date, count: int, rng: random.Random, now: datetime):
    moments = []
    for _ in range(count):
        at = _local(day, rng, plan.tz)
        if at >= now:  # today: only what already happened
            at = now - timedelta(seconds=rng.randint(1, 3600))
        moments.append(at)
    return moments


def _write_day(
    plans_moments: list[tuple[Plan, list[datetime], list[datetime]]],
    today_of: Callable[[Plan], date],
    rng: random.Random,
    report: Report,
) -> list[tuple]:
    """Write calls, messages and events at the given moments, every account's rows of the
    day in one time order (as the platform's pushes interleave them on disk)."""
    call_rows: list[tuple] = []
    message_plan: list[tuple[datetime, Plan]] = []
    for plan, call_moments, message_moments in plans_moments:
        cycle_start = billing_cycle_start(today_of(plan))
        call_rows += [_call_row(plan, at, rng, cycle_start) for at in call_moments]
        message_plan += [(at, plan) for at in message_moments]
    call_rows.sort(key=lambda row: row[2])
    report.calls += _copy("calllog_call", CALL_COLUMNS, call_rows)
    message_plan.sort(key=lambda item: item[0])
    first = _reserve_ids("messages_app_message", len(message_plan))
    message_rows, event_rows = [], []
    for offset, (at, plan) in enumerate(message_plan):
        row, events = _message_row(plan, first + offset, at, rng)
        message_rows.append(row)
        event_rows += events
    report.messages += _copy("messages_app_message", MESSAGE_COLUMNS, message_rows)
    event_rows.sort(key=lambda row: row[2])
    report.events += _copy("messages_app_messageevent", EVENT_COLUMNS, event_rows)
    return message_rows


def seed_day(plans: list[Plan], day_index: int, size: ScaleSize, now: datetime, rng, report):
    """Every account's calls, messages and events of one local day (index 0 is the oldest)."""
    days_back = size.days - 1 - day_index
    work = []
    for plan in plans:
        day = now.astimezone(plan.tz).date() - timedelta(days=days_back)
        calls = _day_moments(plan, day, plan.calls_per_day[day_index], rng, now)
        messages = _day_moments(plan, day, plan.messages_per_day[day_index], rng, now)
        work.append((plan, calls, messages))
    return _write_day(work, lambda plan: now.astimezone(plan.tz).date(), rng, report)


def expired_cutoff(now: datetime) -> datetime:
    """Where retention ends for a seed made at `now` (what purge_expired would use)."""
    return now - timedelta(days=settings.RETENTION_DAYS)


def seed_expired_day(plans: list[Plan], size: ScaleSize, now: datetime, rng, report) -> None:
    """One more average day of every account, in the 24 hours before the retention cutoff:
    what the daily purge removes (the benchmark keeps a copy to put back after timing it)."""
    cutoff = expired_cutoff(now)
    work = []
    for plan in plans:
        n_calls = round(sum(plan.calls_per_day) / size.days)
        n_messages = round(sum(plan.messages_per_day) / size.days)
        calls = [cutoff - timedelta(seconds=rng.randint(1, 86399)) for _ in range(n_calls)]
        messages = [cutoff - timedelta(seconds=rng.randint(1, 86399)) for _ in range(n_messages)]
        work.append((plan, calls, messages))
    _write_day(work, lambda plan: cutoff.astimezone(plan.tz).date(), rng, report)


BULK_TABLES = ["calllog_call", "messages_app_message", "messages_app_messageevent"]


@contextmanager
def _bulk_load(say):
    """Secondary indexes dropped while rows are copied and built once at the end (much
    faster than growing them row by row), and, where the role may (a superuser), foreign
    key and trigger checks off for the copy: the rows are made consistent, and every
    rollup is rebuilt afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
            [BULK_TABLES],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if superuser:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
        say(f"{len(indexes)} indexes built")


def _bench_user(big: Account) -> User:
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = User.objects.create_user(
            BENCH_USER, f"{BENCH_USER}@example.com", BENCH_PASSWORD, first_name="Bench"
        )
    Membership.objects.get_or_create(user=user, account=big, defaults={"role": "manager"})
    return user


def _reads(user: User, big: Account, messages: list[tuple], now: datetime, rng) -> int:
    """The bench user has read most of the big account's messages older than two days."""
    rows = []
    for row in messages:
        pk, account_id, taken_at = row[0], row[1], row[3]
        if account_id != big.pk:
            continue
        share = 0.85 if now - taken_at > timedelta(days=2) else 0.3
        if rng.random() < share:
            rows.append(
                (account_id, pk, user.pk, taken_at + timedelta(minutes=rng.randint(5, 600)))
            )
    return _copy("messages_app_messageread", "account_id, message_id, user_id, read_at", rows)


def _demo_sections(big: Account, rng: random.Random, stdout) -> None:
    """The demo's directory, on-call schedule and invoices, for the big account only."""
    from billing.demo import seed_billing
    from directory.demo import seed_directory
    from oncall.demo import seed_oncall

    accounts = {5201: big}  # the demo's data for its account 5201
    for seeder in (seed_directory, seed_oncall):
        with transaction.atomic():
            seeder(accounts, rng, stdout)
    with transaction.atomic():
        seed_billing({big.number: big}, rng, stdout)


def seed(
    size: ScaleSize,
    now: datetime | None = None,
    stdout=None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Fill the (PostgreSQL) database; refuses when the scale accounts already exist."""
    COPY_SECONDS.clear()
    if connection.vendor != "postgresql":
        raise RuntimeError("seed_scale writes with PostgreSQL's COPY: use a PostgreSQL database.")
    if Account.objects.filter(
        number__gte=FIRST_NUMBER, number__lt=FIRST_NUMBER + size.accounts
    ).exists():
        raise RuntimeError(
            f"Accounts {FIRST_NUMBER} and up already exist: seed a fresh database instead."
        )
    now = now or timezone.now()
    rng = random.Random(size.seed)
    report = Report()
    say = progress or (lambda text: None)
    started = clock.perf_counter()
    with transaction.atomic():
        plans = _tenants(size, rng)
    report.accounts = len(plans)
    big = plans[0].account
    user = _bench_user(big)
    say(f"{len(plans)} accounts")
    big_messages: list[tuple] = []
    with _bulk_load(say):
        expired = Report()
        with transaction.atomic():
            seed_expired_day(plans, size, now, rng, expired)
        say(f"the expired day: {expired.calls} calls, {expired.messages} messages")
        for day_index in range(size.days):
            with transaction.atomic():
                messages = seed_day(plans, day_index, size, now, rng, report)
                big_messages += [row for row in messages if row[1] == big.pk]
            if day_index % 10 == 9 or day_index == size.days - 1:
                say(
                    f"day {day_index + 1}/{size.days}: {report.calls} calls, "
                    f"{report.messages} messages, {report.events} events "
                    f"({clock.perf_counter() - started:.0f} s)"
                )
        with transaction.atomic():
            report.reads = _reads(user, big, big_messages, now, rng)
    report.seconds["rows"] = clock.perf_counter() - started
    say("COPY seconds: " + ", ".join(f"{t} {v:.1f}" for t, v in COPY_SECONDS.items()))
    _demo_sections(big, random.Random(size.seed), stdout or _Quiet())
    _rebuild_rollups(say)
    _analyze(say)
    _write_marker(size, now)
    report.seconds["total"] = clock.perf_counter() - started
    return report


def _rebuild_rollups(say) -> None:
    from portal.registry import rebuilders

    for name, rebuild in rebuilders:
        rebuild()
        say(f"rollup rebuilt: {name}")


def _analyze(say) -> None:
    """Fresh planner statistics, and (outside a transaction) the visibility map that lets
    counts read indexes only, as autovacuum would have set on a live database."""
    tables = [
        "calllog_call",
        "messages_app_message",
        "messages_app_messageevent",
        "messages_app_messageread",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {table}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    say("tables analysed")


class _Quiet:
    def write(self, *args, **kwargs) -> None:
        pass
