"""The development console: each log line once, and a 403 or 404 in one line."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import logging
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden, HttpResponseNotFound
from django.test import RequestFactory
from django.utils.log import log_response

request = RequestFactory().get("/a/5201/billing/")
try:
    raise PermissionDenied
except PermissionDenied as error:
    log_response(
        "Forbidden (Permission denied): %s", request.path,
        response=HttpResponseForbidden(), request=request, exception=error,
    )
log_response("Not Found: %s", "/nowhere", response=HttpResponseNotFound(), request=request)
try:
    raise ValueError("boom")
except ValueError:
    logging.getLogger("django.request").exception("Internal Server Error: /broken")
logging.getLogger("portal.reports").error("A line of our own")
"""


def console_of_development(tmp_path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'log.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_each_line_is_printed_once(tmp_path):
    console = console_of_development(tmp_path)
    for line in (
        "WARNING django.request: Forbidden (Permission denied): /a/5201/billing/",
        "WARNING django.request: Not Found: /nowhere",
        "ERROR django.request: Internal Server Error: /broken",
        "ERROR portal.reports: A line of our own",
    ):
        assert console.count(line) == 1, console


def test_a_403_or_404_is_one_line_and_a_500_keeps_its_traceback(tmp_path):
    console = console_of_development(tmp_path)
    assert "PermissionDenied" not in console
    assert console.count("Traceback") == 1
    assert "ValueError: boom" in console
