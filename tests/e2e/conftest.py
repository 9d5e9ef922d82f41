"""Real-browser tests: Playwright driving Debian's Chromium against live_server.

No browser is downloaded: /usr/bin/chromium (apt-get install chromium) is used. Where it
is missing the tests are skipped locally, but under CI=true a missing browser fails.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM}.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--autoplay-policy=no-user-gesture-required",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "en-CA",
        "accept_downloads": True,
    }


@pytest.fixture
def sign_in(live_server, page):
    """sign_in(user) -> the page, signed in and on the user's first account's home.
    sign_in(user, home=False): the password given, whatever page comes next (the second
    step of a two-factor sign-in, its set-up)."""

    def _sign_in(user, password: str = PASSWORD, *, home: bool = True):
        page.goto(f"{live_server.url}/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        # The sign-in form's own button (the header has the language switcher's too).
        page.locator("main form button[type=submit]").click()
        if home:
            page.wait_for_url(f"{live_server.url}/a/**")
        return page

    return _sign_in


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page (evaluated, since the CSP refuses injected script tags)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run()")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
