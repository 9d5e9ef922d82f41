"""The call log's rows in the scale seed (accounts/scale.py): calls of every kind the
statistics count, from the account's own callers, some recorded, the older ones billed."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from accounts.scale import Plan, Seeding, copy_rows, draw_int, phone
from calllog.demo import billed_minutes, billing_cycle_end, billing_cycle_start

RECORDING_SHARE = 0.3

AGENTS = ["CL1", "CL2", "SY1", "JL1", "ST1", "MJ1", "JE1", "RÉ2", "GB1", "AL3"]


def _call_figures(rng: random.Random) -> dict:
    """The telephony fields of one call (the statistics' definitions), drawn so that every
    row of the statistics table has calls: answered (some held, some patched, some waiting
    over 30 s), automated in each of its three ways, short hang-ups, abandons, busies,
    outbound calls and transactions."""
    roll = rng.random()
    if roll < 0.58:  # answered conversation
        queued = draw_int(rng, 0, 5)
        assigned = queued + draw_int(rng, 1, 6)
        answered = assigned + draw_int(rng, 4, 50)
        work = draw_int(rng, 60, 400)
        hold = draw_int(rng, 11, 90) if rng.random() < 0.2 else draw_int(rng, 0, 8)
        patch = draw_int(rng, 30, 240) if rng.random() < 0.08 else None
        duration = max(answered + work - draw_int(rng, 0, 30) + (patch or 0), answered + 15)
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
        answered = draw_int(rng, 8, 20)
        return {
            "agent": rng.choice(AGENTS),
            "queued_s": 0,
            "assigned_s": 2,
            "answered_s": answered,
            "work_s": draw_int(rng, 10, 30),
            "duration_s": answered + draw_int(rng, 1, 9),
        }
    if roll < 0.68:  # automated: never asked for an agent
        return {"duration_s": draw_int(rng, 10, 90)}
    if roll < 0.70:  # automated: queued late, hung up within 10 s
        queued = draw_int(rng, 20, 60)
        return {"queued_s": queued, "duration_s": queued + draw_int(rng, 1, 9)}
    if roll < 0.77:  # short hang-up (not counted)
        return {"queued_s": 0, "duration_s": draw_int(rng, 1, 6)}
    if roll < 0.82:  # system abandon: queued, never assigned
        queued = draw_int(rng, 0, 5)
        return {"queued_s": queued, "duration_s": queued + draw_int(rng, 15, 60)}
    if roll < 0.87:  # agent abandon: assigned, never answered
        queued = draw_int(rng, 0, 5)
        assigned = queued + draw_int(rng, 2, 10)
        return {
            "agent": rng.choice(AGENTS),
            "queued_s": queued,
            "assigned_s": assigned,
            "duration_s": assigned + draw_int(rng, 12, 60),
        }
    if roll < 0.90:  # busy
        return {"busy": True, "duration_s": 0}
    if roll < 0.95:  # outbound call by an agent
        work = draw_int(rng, 40, 300)
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
        "work_s": draw_int(rng, 20, 90),
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


def _call_row(
    plan: Plan, started_at: datetime, rng: random.Random, cycle_start: date, serial: int
) -> tuple:
    account = plan.account
    figures = _call_figures(rng)
    direction = figures.get("direction", "inbound")
    caller, name = rng.choice(plan.callers)
    dialed = f"514-555-{account.number % 10000:04d}"
    if direction == "outbound":
        caller, name, dialed = "", "", caller or phone(rng)
    kind = figures.get("kind", "conversation")
    work = figures.get("work_s")
    local_day = started_at.astimezone(plan.tz).date()
    units = invoice = None
    if work is not None and local_day < cycle_start:
        units = billed_minutes(work)
        invoice = f"{account.billing_account.number}-{billing_cycle_end(local_day):%Y%m}"
    external_id = f"S{account.number}-{serial:06d}"
    recording = content_type = ""
    size = duration = None
    digest = ""
    if figures.get("answered_s") is not None and rng.random() < RECORDING_SHARE:
        # Rows only: no audio file is written (the pages read the row, not the file).
        recording = f"{account.number}/{local_day:%Y/%m/%d}/{external_id}-recording.wav"
        content_type = "audio/wav"
        duration = float(draw_int(rng, 8, 12))
        size = int(duration * 8000) + 44
        digest = hashlib.sha256(external_id.encode()).hexdigest()
    return (
        account.pk,
        external_id,
        started_at,
        direction,
        kind,
        caller,
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


class CallSeeder:
    """Writes each day's calls of every account, in time order."""

    tables = ("calllog_call",)

    def __init__(self, seeding: Seeding) -> None:
        self.rng = seeding.rng
        self.written: Counter[int] = Counter()  # calls written so far, per account

    def write_day(
        self, work: list[tuple[Plan, list[datetime]]], today_of: Callable[[Plan], date]
    ) -> Counter[str]:
        rows = []
        for plan, moments in work:
            cycle_start = billing_cycle_start(today_of(plan))
            for at in moments:
                self.written[plan.account.pk] += 1
                serial = self.written[plan.account.pk]
                rows.append(_call_row(plan, at, self.rng, cycle_start, serial))
        rows.sort(key=lambda row: row[2])
        return Counter(calls=copy_rows("calllog_call", CALL_COLUMNS, rows))

    def finish(self) -> Counter[str]:
        return Counter()
