"""Small makers for the call log tests."""

from __future__ import annotations

import io
import math
import wave
from datetime import datetime, timedelta

from django.utils import timezone

from calllog.actions import attach_recording
from calllog.models import Call


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


_counter = iter(range(1, 10**9))


def make_call(account, started_at: datetime | None = None, **values) -> Call:
    defaults = {
        "external_id": f"T{next(_counter)}",
        "started_at": started_at or timezone.now() - timedelta(hours=1),
        "direction": Call.Direction.INBOUND,
        "kind": Call.Kind.CONVERSATION,
        "caller_number": "514-555-0142",
        "caller_name": "Marc Lefebvre",
        "dialed_number": "514-555-5201",
        "agent": "CL2",
        "duration_s": 95,
    }
    defaults.update(values)
    return Call.objects.create(account=account, **defaults)


def make_recorded_call(account, content: bytes | None = None, **values) -> Call:
    call = make_call(account, **values)
    attach_recording(call, content if content is not None else wav_bytes(0.5), "audio/wav")
    call.refresh_from_db()
    return call
