"""Demo calls: 60 days per demo account, with playable synthesised recordings.

Written through write_call and attach_recording (the API's own functions), keyed by
stable ids, so running the seed twice leaves the same calls and files.
"""

from __future__ import annotations

import io
import math
import random
import wave
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import Account
from calllog.actions import attach_recording, write_call
from calllog.schemas import BillingIn, CallIn

AGENTS = ["CL2", "SY1", "JL1", "CL1", "ST1", "MJ1", "JE1"]
CALLERS = [
    ("514-555-0142", "Marc Lefebvre"),
    ("450-555-0199", "Julie Bergeron"),
    ("514-555-0177", "Restaurant Chez Nous"),
    ("438-555-0110", "Kevin O'Brien"),
    ("819-555-0134", "Nathalie Côté"),
    ("514-555-0165", ""),
    ("450-555-0121", "Gestion Immobilière Laval"),
    ("613-555-0188", "Sarah Thompson"),
    ("514-555-0103", "Pharmacie du Parc"),
    ("", ""),
]
DESCRIPTIONS = ["Service call", "Emergency", "Appointment", "Information", "Message taken", ""]
SAMPLE_RATE = 8000
RECORDING_SHARE = 0.3


def tone_wav(rng: random.Random, seconds: int) -> bytes:
    """A few seconds of tones at 8 kHz, 8-bit mono, different for each call.

    Each tone's frequency divides 8000 exactly, so one period is computed and repeated:
    fast, and under 100 KB for up to 12 s.
    """
    frames = bytearray()
    total = SAMPLE_RATE * seconds
    while len(frames) < total:
        period = rng.randint(10, 40)  # 200-800 Hz
        wave_shape = bytes(
            int(128 + 90 * math.sin(2 * math.pi * i / period)) for i in range(period)
        )
        note = wave_shape * (SAMPLE_RATE * rng.choice((2, 3, 4, 6)) // 10 // period)
        silence = bytes([128]) * (SAMPLE_RATE * rng.choice((0, 1, 2)) // 10)
        frames += note + silence
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames[:total]))
    return buffer.getvalue()


def billing_cycle_end(day: date) -> date:
    """The 19th that ends the billing cycle (20th to 19th) holding `day`."""
    if day.day >= 20:
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return date(year, month, 19)
    return date(day.year, day.month, 19)


def billing_cycle_start(day: date) -> date:
    """The 20th that starts the billing cycle holding `day`."""
    if day.day >= 20:
        return day.replace(day=20)
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return date(year, month, 20)


def billed_minutes(work_s: int | None) -> Decimal:
    """Work time in minutes, rounded up to the next quarter minute, at least 0.5."""
    minutes = Decimal(work_s or 0) / 60
    quarters = (minutes * 4).to_integral_value(rounding=ROUND_CEILING) / 4
    return max(quarters, Decimal("0.5")).quantize(Decimal("0.01"))


def calls_per_day(rng: random.Random, day: date) -> int:
    return rng.randint(5, 9) if day.weekday() >= 5 else rng.randint(10, 20)


def start_time(rng: random.Random, day: date, tz) -> datetime:
    # Mostly office hours; some evening and night calls.
    if rng.random() < 0.8:
        minutes = rng.randint(8 * 60, 18 * 60 - 1)
    else:
        minutes = rng.choice((rng.randint(0, 8 * 60 - 1), rng.randint(18 * 60, 24 * 60 - 1)))
    return datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)), tzinfo=tz)


def call_figures(rng: random.Random) -> dict:
    """The telephony fields of one call (docs/statistics.md), drawn so every row has values."""
    roll = rng.random()
    agent = rng.choice(AGENTS)
    if roll < 0.58:  # answered conversation
        queued = rng.randint(0, 5)
        assigned = queued + rng.randint(1, 6)
        answered = assigned + rng.randint(4, 50)
        work = rng.randint(60, 400)
        hold = rng.randint(11, 90) if rng.random() < 0.2 else rng.randint(0, 8)
        patch = rng.randint(30, 240) if rng.random() < 0.08 else None
        duration = answered + work - rng.randint(0, 30) + (patch or 0)
        return dict(
            kind="conversation",
            agent=agent,
            queued_s=queued,
            assigned_s=assigned,
            answered_s=answered,
            work_s=work,
            hold_s=hold,
            patch_s=patch,
            duration_s=max(duration, answered + 15),
        )
    if roll < 0.68:  # automated: never asked for an agent
        return dict(kind="conversation", agent="", duration_s=rng.randint(10, 90))
    if roll < 0.75:  # short hang-up
        return dict(kind="conversation", agent="", queued_s=0, duration_s=rng.randint(1, 6))
    if roll < 0.80:  # system abandon: queued, never assigned
        queued = rng.randint(0, 5)
        return dict(
            kind="conversation", agent="", queued_s=queued, duration_s=queued + rng.randint(15, 60)
        )
    if roll < 0.85:  # agent abandon: assigned, never answered
        queued = rng.randint(0, 5)
        assigned = queued + rng.randint(2, 10)
        return dict(
            kind="conversation",
            agent=agent,
            queued_s=queued,
            assigned_s=assigned,
            duration_s=assigned + rng.randint(12, 60),
        )
    if roll < 0.88:  # busy
        return dict(kind="conversation", agent="", busy=True, duration_s=0)
    if roll < 0.94:  # outbound call by an agent
        work = rng.randint(40, 300)
        return dict(
            kind="conversation", direction="outbound", agent=agent, work_s=work, duration_s=work
        )
    # transaction: a dispatch without a conversation
    return dict(kind="transaction", agent=agent, work_s=rng.randint(20, 90), duration_s=0)


def seed_calls(accounts: dict[int, Account], rng: random.Random, stdout) -> None:
    now = timezone.now()
    written = recordings = 0
    for account in accounts.values():
        tz = account.tzinfo
        today = timezone.localtime(now, tz).date()
        current_cycle_start = billing_cycle_start(today)
        domain = "example.com"
        for days_ago in range(settings.RETENTION_DAYS - 1, -1, -1):
            day = today - timedelta(days=days_ago)
            starts = sorted(start_time(rng, day, tz) for _ in range(calls_per_day(rng, day)))
            for index, started_at in enumerate(starts):
                figures = call_figures(rng)
                caller_number, caller_name = rng.choice(CALLERS)
                seconds = rng.randint(8, 12)
                want_recording = rng.random() < RECORDING_SHARE
                if started_at >= now:
                    continue
                direction = figures.pop("direction", "inbound")
                details = {}
                if figures["kind"] == "transaction":
                    details = rng.choice(
                        [
                            {"type": "email", "to": f"info@{domain}", "status": "delivered"},
                            {"type": "sms", "to": "514-555-0100", "status": "delivered"},
                            {
                                "type": "email",
                                "to": f"urgence@{domain}",
                                "status": "failed",
                                "reason": "mailbox full",
                            },
                        ]
                    )
                billing = None
                if (figures.get("work_s") is not None) and started_at.date() < current_cycle_start:
                    cycle_end = billing_cycle_end(started_at.date())
                    billing = BillingIn(
                        units=billed_minutes(figures.get("work_s")),
                        invoice_number=f"{account.billing_account.number}-{cycle_end:%Y%m}",
                    )
                data = CallIn(
                    started_at=started_at,
                    direction=direction,
                    caller_number=caller_number if direction == "inbound" else "",
                    caller_name=caller_name if direction == "inbound" else "",
                    dialed_number=f"514-555-{account.number % 10000:04d}"
                    if direction == "inbound"
                    else caller_number,
                    description=rng.choice(DESCRIPTIONS)
                    if figures["kind"] == "conversation"
                    else "Dispatch",
                    details=details,
                    billing=billing,
                    **figures,
                )
                external_id = f"C{account.number}-{day:%Y%m%d}-{index:02d}"
                call, _outcome = write_call(account, external_id, data)
                written += 1
                answered = figures.get("answered_s") is not None
                if answered and want_recording:
                    audio = tone_wav(random.Random(f"{external_id}"), seconds)
                    attach_recording(call, audio, "audio/wav")
                    recordings += 1
    stdout.write(f"    {written} calls, {recordings} with a recording")
