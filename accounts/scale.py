"""A database the size of ten real answering services, for `make bench` (seed_scale).

Defaults: 1,000 accounts, 1.2 million calls and 600,000 messages (about 2.1 million
dispatch events) over the last 60 days; the biggest account holds 1/24 of the calls and
messages (50,000 and 25,000). Rows are drawn from one seeded generator, so the same
arguments and the same `now` give the same rows, and written with PostgreSQL's COPY one
day at a time, every account's rows of that day together in time order, the way the
platform's pushes interleave them on disk.

This module makes the accounts, the benchmark's user and the plan of who gets how many
rows on which day; each section writes its own rows: it registers a writer with
portal.registry.register_scale_seeder() (calllog/scale.py, messages_app/scale.py), named
after the size it draws from (`calls`, `messages`). Afterwards every rollup is rebuilt
(portal.registry.rebuilders: the call days and the statistics).

The biggest account (number BIG_NUMBER) also gets the demo's directory, on-call
schedule and invoices, and a manager, `bench` (password BENCH_PASSWORD), who signed in
on most days and has read most of its older messages. A marker in the database's
comment records what was seeded, so a benchmark can reuse the seed instead of spending
minutes on it again.
"""

from __future__ import annotations

import json
import random
import time as clock
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AccessEvent, Account, BillingAccount, Membership, User
from portal.registry import demo_seeders, rebuilders, scale_seeders

FIRST_NUMBER = 20000
BIG_NUMBER = FIRST_NUMBER  # the biggest account
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-scale-password"  # noqa: S105 (a benchmark's throwaway data)
MARKER_PREFIX = "seed_scale "
# Raised whenever the rows a seed writes change: a benchmark does not reuse an older seed.
SEED_VERSION = 2
BIG_SHARE = 24  # the biggest account holds 1/24 of the calls and of the messages
# The demo's sections the biggest account gets too (their demo data of account 5201).
DEMO_SECTIONS = ("directory", "oncall", "billing")

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


@dataclass(frozen=True)
class ScaleSize:
    accounts: int = 1000
    calls: int = 1_200_000
    messages: int = 600_000
    days: int = 60
    seed: int = 15

    def rows(self, name: str) -> int:
        """How many rows in all of the section `name` (its field here; 0 if none)."""
        return int(getattr(self, name, 0))

    def label(self) -> str:
        return json.dumps(
            {
                "accounts": self.accounts,
                "calls": self.calls,
                "messages": self.messages,
                "days": self.days,
                "seed": self.seed,
                "version": SEED_VERSION,
            },
            sort_keys=True,
        )


@dataclass
class Plan:
    """One account's share: its row, zone, language, its rows per day of each section
    (oldest day first), and the people who call it."""

    account: Account
    tz: tzinfo
    french: bool
    per_day: dict[str, list[int]] = field(default_factory=dict)
    callers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Report:
    accounts: int = 0
    rows: Counter[str] = field(default_factory=Counter)  # e.g. "calls", "events", "reads"
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Seeding:
    """What the section writers share during one seed."""

    size: ScaleSize
    now: datetime
    rng: random.Random
    plans: list[Plan]
    user: User  # the benchmark's user, a manager of the biggest account

    @property
    def big(self) -> Plan:
        return self.plans[0]


class SectionSeeder(Protocol):
    """A section's writer of scale rows (made by the factory it registered)."""

    # Its tables: their secondary indexes are dropped during the load and built after,
    # and they are analysed at the end.
    tables: tuple[str, ...]

    def write_day(
        self, work: list[tuple[Plan, list[datetime]]], today_of: Callable[[Plan], date]
    ) -> Counter[str]:
        """Write each account's rows at the given moments of one day (today_of: the
        account's today as of the seed, for billing cycles); return the rows written."""
        ...

    def finish(self) -> Counter[str]:
        """Write what follows the days (e.g. the benchmark user's read marks)."""
        ...


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


def draw_int(rng: random.Random, low: int, high: int) -> int:
    """randint(low, high), three times faster (the seed draws millions of them)."""
    return low + int(rng.random() * (high - low + 1))


def phone(rng: random.Random) -> str:
    area, exchange, line = rng.choice(AREA_CODES), draw_int(rng, 200, 999), draw_int(rng, 0, 9999)
    style = rng.random()
    if style < 0.5:
        return f"{area}-{exchange}-{line:04d}"
    if style < 0.75:
        return f"({area}) {exchange}-{line:04d}"
    if style < 0.9:
        return f"+1 {area} {exchange} {line:04d}"
    return f"{area}{exchange}{line:04d}"


def person(rng: random.Random, french: bool) -> str:
    if french:
        return f"{rng.choice(FR_FIRST)} {rng.choice(FR_LAST)}"
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def _callers(rng: random.Random, french: bool, rows: int) -> list[tuple[str, str]]:
    """Who calls this account: a pool of repeat callers, some unnamed, some businesses."""
    pool = []
    for _ in range(max(5, rows // 6)):
        roll = rng.random()
        if roll < 0.04:
            pool.append(("", ""))  # private number
        elif roll < 0.15:
            pool.append((phone(rng), rng.choice(BUSINESSES)))
        elif roll < 0.3:
            pool.append((phone(rng), ""))
        else:
            pool.append((phone(rng), person(rng, french)))
    return pool


def _local(day: date, rng: random.Random, tz: tzinfo) -> datetime:
    """A moment of that local day: mostly office hours, some evenings and nights."""
    roll = rng.random()
    if roll < 0.75:
        minute = draw_int(rng, 8 * 60, 18 * 60 - 1)
    elif roll < 0.9:
        minute = draw_int(rng, 18 * 60, 24 * 60 - 1)
    else:
        minute = draw_int(rng, 0, 8 * 60 - 1)
    at = datetime.combine(day, time(minute // 60, minute % 60, draw_int(rng, 0, 59)), tzinfo=tz)
    return at.astimezone(UTC)


# Seconds spent in COPY per table during the current seed (reported at the end).
COPY_SECONDS: dict[str, float] = {}


def copy_rows(table: str, columns: str, rows: Iterable[tuple]) -> int:
    """Write rows with PostgreSQL's COPY; returns how many."""
    started = clock.perf_counter()
    written = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    COPY_SECONDS[table] = COPY_SECONDS.get(table, 0) + clock.perf_counter() - started
    return written


def reserve_ids(table: str, count: int) -> int:
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


def _tenants(size: ScaleSize, names: list[str], rng: random.Random) -> list[Plan]:
    shares = {
        name: _split(size.rows(name), size.accounts, rng, size.rows(name) // BIG_SHARE)
        for name in names
    }
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
    for index, account in enumerate(accounts):
        account.billing_account = billing_accounts[index % len(billing_accounts)]
        plan = Plan(account=account, tz=account.tzinfo, french=account.language == "fr")
        for name in names:
            plan.per_day[name] = _per_day(shares[name][index], size.days, rng)
        rows = sum(shares[name][index] for name in names)
        plan.callers = _callers(rng, plan.french, rows)
        plans.append(plan)
    return plans


def _day_moments(
    plan: Plan, day: date, count: int, rng: random.Random, now: datetime
) -> list[datetime]:
    moments = []
    for _ in range(count):
        at = _local(day, rng, plan.tz)
        if at >= now:  # today: only what already happened
            at = now - timedelta(seconds=rng.randint(1, 3600))
        moments.append(at)
    return moments


Sections = list[tuple[str, SectionSeeder]]


def _write_day(
    sections: Sections,
    work: dict[str, list[tuple[Plan, list[datetime]]]],
    today_of: Callable[[Plan], date],
    report: Report,
) -> None:
    for name, section in sections:
        report.rows.update(section.write_day(work[name], today_of))


def seed_day(sections: Sections, seeding: Seeding, day_index: int, report: Report) -> None:
    """Every account's rows of one local day (index 0 is the oldest), each section's
    written together in time order."""
    size, now, rng = seeding.size, seeding.now, seeding.rng
    days_back = size.days - 1 - day_index
    work: dict[str, list[tuple[Plan, list[datetime]]]] = {name: [] for name, _s in sections}
    for plan in seeding.plans:
        day = now.astimezone(plan.tz).date() - timedelta(days=days_back)
        for name, _section in sections:
            count = plan.per_day[name][day_index]
            work[name].append((plan, _day_moments(plan, day, count, rng, now)))
    _write_day(sections, work, lambda plan: now.astimezone(plan.tz).date(), report)


def expired_cutoff(now: datetime) -> datetime:
    """Where retention ends for a seed made at `now` (what purge_expired would use)."""
    return now - timedelta(days=settings.RETENTION_DAYS)


def seed_expired_day(sections: Sections, seeding: Seeding, report: Report) -> None:
    """One more average day of every account, in the 24 hours before the retention cutoff:
    what the daily purge removes (the benchmark keeps a copy to put back after timing it)."""
    cutoff = expired_cutoff(seeding.now)
    rng = seeding.rng
    work: dict[str, list[tuple[Plan, list[datetime]]]] = {name: [] for name, _s in sections}
    for plan in seeding.plans:
        for name, _section in sections:
            count = round(sum(plan.per_day[name]) / seeding.size.days)
            moments = [cutoff - timedelta(seconds=rng.randint(1, 86399)) for _ in range(count)]
            work[name].append((plan, moments))
    _write_day(sections, work, lambda plan: cutoff.astimezone(plan.tz).date(), report)


@contextmanager
def _bulk_load(tables: list[str], say: Callable[[str], None]) -> Iterator[None]:
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
            [tables],
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


ACCESS_COLUMNS = (
    "at, user_id, username, account_id, action, object_type, object_id, object_ref, detail, "
    "ip_address"
)


def access_row(
    seeding: Seeding,
    at: datetime,
    action: str,
    object_type: str = "",
    object_id: str = "",
    object_ref: str = "",
    detail: str = "",
) -> tuple:
    """A row of the biggest account's access log, by the benchmark's user (ACCESS_COLUMNS)."""
    user = seeding.user
    return (
        at,
        user.pk,
        user.get_username(),
        seeding.big.account.pk,
        action,
        object_type,
        object_id,
        object_ref,
        detail,
        "127.0.0.1",
    )


def _sign_ins(seeding: Seeding) -> int:
    """The benchmark's user signed in once or twice on most days (the access log)."""
    rng, big = seeding.rng, seeding.big
    rows = []
    for days_back in range(seeding.size.days - 1, -1, -1):
        day = seeding.now.astimezone(big.tz).date() - timedelta(days=days_back)
        for _ in range(rng.choice((0, 1, 1, 2))):
            at = _local(day, rng, big.tz)
            if at < seeding.now:
                rows.append(access_row(seeding, at, AccessEvent.Action.SIGNED_IN, detail="Firefox"))
    return copy_rows("accounts_accessevent", ACCESS_COLUMNS, sorted(rows))


def _demo_sections(big: Account, stdout) -> None:
    """The demo's directory, on-call schedule and invoices, for the big account only."""
    accounts = {5201: big}  # the demo's data of its account 5201
    for _order, name, seeder in demo_seeders:
        if name in DEMO_SECTIONS:
            with transaction.atomic():
                seeder(accounts, random.Random(f"demo-{name}"), stdout)


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
    names = [name for _order, name, _factory in scale_seeders]
    with transaction.atomic():
        plans = _tenants(size, names, rng)
    report.accounts = len(plans)
    seeding = Seeding(size=size, now=now, rng=rng, plans=plans, user=_bench_user(plans[0].account))
    sections: Sections = [(name, factory(seeding)) for _order, name, factory in scale_seeders]
    tables = [table for _name, section in sections for table in section.tables]
    say(f"{len(plans)} accounts")
    with _bulk_load(tables, say):
        expired = Report()
        with transaction.atomic():
            seed_expired_day(sections, seeding, expired)
        say("the expired day: " + _counts(expired.rows))
        for day_index in range(size.days):
            with transaction.atomic():
                seed_day(sections, seeding, day_index, report)
            if day_index % 10 == 9 or day_index == size.days - 1:
                say(
                    f"day {day_index + 1}/{size.days}: {_counts(report.rows)} "
                    f"({clock.perf_counter() - started:.0f} s)"
                )
        with transaction.atomic():
            for _name, section in sections:
                report.rows.update(section.finish())
            report.rows["sign-ins"] = _sign_ins(seeding)
    report.seconds["rows"] = clock.perf_counter() - started
    say("COPY seconds: " + ", ".join(f"{t} {v:.1f}" for t, v in COPY_SECONDS.items()))
    _demo_sections(seeding.big.account, stdout or _Quiet())
    _rebuild_rollups(say)
    _analyze([*tables, "accounts_accessevent"], say)
    _write_marker(size, now)
    report.seconds["total"] = clock.perf_counter() - started
    return report


def _counts(rows: Counter[str]) -> str:
    return ", ".join(f"{count} {name}" for name, count in rows.items())


def _rebuild_rollups(say: Callable[[str], None]) -> None:
    for name, rebuild in rebuilders:
        started = clock.perf_counter()
        with transaction.atomic():
            rebuild()
        say(f"rollup rebuilt: {name} ({clock.perf_counter() - started:.0f} s)")


def _analyze(tables: list[str], say: Callable[[str], None]) -> None:
    """Fresh planner statistics, and (outside a transaction) the visibility map that lets
    counts read indexes only, as autovacuum would have set on a live database."""
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
