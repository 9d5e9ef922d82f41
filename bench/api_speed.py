"""The platform API's speed alone (not a test): `make bench-api`.

The same figures as the API part of `make bench` (bench/run.py's `api_figures`): single
PUTs of a message from 2 clients at once, then one batch of 1,000 message PUTs, served by
gunicorn with 2 workers and DEBUG off. It needs no seed: it runs in a small database of
its own next to DATABASE_URL's (`<name>_bench_api`) holding one account, so it takes
seconds. `BENCH_API_SINGLE` (default 400) sets how many single PUTs are timed; the
batch is run twice, first creating its 1,000 messages, then replacing them.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402


def api_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "portal"
    return urlunsplit(parts._replace(path=f"/{name}_bench_api"))


def main() -> None:
    url = api_database_url()
    bench.ensure_database(url, fresh=False)
    os.environ.update({**bench.SERVER_ENV, "DATABASE_URL": url})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from api.accounts import AccountIn, write_account

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    account, _outcome = write_account(9901, AccountIn(name="Bench API", billing_number="BENCH-API"))
    connection.close()
    print(f"Machine: {bench.machine()}")
    port = bench.free_port()
    server = bench.start_server(url, port)
    try:
        figures = bench.api_figures(port, account.number, datetime.now(UTC))
        print(
            f"API single PUT (2 clients): {figures['single_per_s']:.0f}/s "
            f"(statuses {figures['single_statuses']})"
        )
        print(
            f"API batch of 1,000 PUTs: {figures['batch_per_s']:.0f} operations/s "
            f"(status {figures['batch_status']}), run again: "
            f"{figures['batch_again_per_s']:.0f} operations/s "
            f"(status {figures['batch_again_status']})"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps({k: v for k, v in figures.items() if k.endswith("per_s")}))


if __name__ == "__main__":
    main()
