#!/usr/bin/env python3
"""The web container's health check: GET /healthz on this container's gunicorn.

It sends a Host header the portal serves (the first name of ALLOWED_HOSTS), so the
check passes with any valid configuration: Django answers 400 to any other Host.
/healthz is exempt from the HTTPS redirect and checks the database connection.
Exits 0 when healthy, 1 otherwise. Standard library only (no Django start-up).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def served_host(allowed_hosts: str) -> str:
    for name in allowed_hosts.split(","):
        name = name.strip()
        if not name or name == "*":
            continue
        return name.lstrip(".")  # ".example.com" allows example.com itself
    return "localhost"


def main() -> int:
    host = served_host(os.environ.get("ALLOWED_HOSTS", "localhost"))
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (our URL)
            healthy = response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
