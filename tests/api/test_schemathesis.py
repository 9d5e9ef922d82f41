"""A third-party contract tester, run from the OpenAPI document against the API, finds
nothing to report (docs/api.md, "What the API accepts").

schemathesis runs as the platform's integrators would run it (its own command line, every
check, its coverage and fuzzing phases) against a live test server, with the identifiers
of real objects supplied so that the operations below an account (contacts, messages and
their events, calls and their recording, schedules and shifts, invoices and payments) are
reached, not just answered 404.

Two operations carry a rule between their fields or with other objects that a JSON Schema
cannot state, and that their description states instead: an invoice's `total` must equal
its lines plus taxes, and a shift must end after it starts and not overlap another shift
of its schedule. For them, for the batch (whose operations each follow their own
endpoint's rules) and for a recording (schemathesis sends an empty binary body although the
document says minLength 1), a documented 400 is also an acceptable answer to a request
that follows the document.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from api.models import ApiToken
from tests.factories import make_account, wav_bytes

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = 5201
BILLING = "780412"
ID = "x1"

CONFIG = f"""
[generation]
max-examples = 10
deterministic = true

[checks]
enabled = true

[parameters]
"path.number" = {NUMBER}
"path.billing_number" = "{BILLING}"
"path.external_id" = "{ID}"
"path.sid" = "{ID}"
"path.invoice_number" = "{ID}"

[[operations]]
include-path-regex = "/(invoices|shifts)/|/batch$|/recording$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400"]

# A time zone is one of the ~600 IANA names (an enum in the document): the coverage phase
# would send each one; the fuzzing phase still draws from them.
[[operations]]
include-path-regex = "^/api/v1/accounts/[^/]+$|/schedules/[^/]+$"
phases.coverage.enabled = false
"""


def _objects(secret: str) -> None:
    """The objects the path parameters above name, made through the API."""
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    base = f"/api/v1/accounts/{NUMBER}"

    def put(path: str, body: dict) -> None:
        response = client.put(path, json.dumps(body), content_type="application/json")
        assert response.status_code in (200, 201), response.content

    put(base, {"name": "Contract test", "billing_number": BILLING})
    put(f"{base}/contacts/{ID}", {"name": "Marie Tremblay"})
    put(f"{base}/info-pages/{ID}", {"title": "Accueil", "body": "Bonjour"})
    put(f"{base}/messages/{ID}", {"taken_at": "2026-03-22T09:16:44-04:00"})
    call = {
        "started_at": "2026-03-22T09:16:44-04:00",
        "direction": "inbound",
        "kind": "conversation",
        "duration_s": 60,
    }
    put(f"{base}/calls/{ID}", call)
    recording = client.put(f"{base}/calls/{ID}/recording", wav_bytes(0.2), content_type="audio/wav")
    assert recording.status_code in (200, 201), recording.content
    put(f"{base}/schedules/{ID}", {"name": "Soirs"})
    put(
        f"{base}/schedules/{ID}/shifts/{ID}",
        {"starts_at": "2026-03-22T08:00:00-04:00", "ends_at": "2026-03-22T17:00:00-04:00"},
    )
    put(
        f"/api/v1/billing/{BILLING}/invoices/{ID}",
        {
            "date": "2026-03-31",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "lines": [{"description": "Forfait", "amount": "10.00"}],
            "total": "10.00",
        },
    )
    put(f"/api/v1/billing/{BILLING}/payments/{ID}", {"date": "2026-04-02", "amount": "10.00"})


def test_schemathesis_finds_nothing(live_server, tmp_path: Path):
    make_account(NUMBER, billing=BILLING)
    _token, secret = ApiToken.issue("schemathesis")
    _objects(secret)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing",
        "--header",
        f"Authorization: Bearer {secret}",
        "--workers",
        "2",
        "--no-color",
        "--suppress-health-check",
        "all",
    ]
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=environment
    )

    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-3000:]
