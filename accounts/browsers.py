"""A browser's name in words, from its User-Agent ("Firefox on Windows").

Good enough to tell a user's own sessions apart and to say where a sign-in came from;
not a device database. Order matters: Edge and Opera also say "Chrome", Chrome also
says "Safari", Android also says "Linux".
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

BROWSERS = [
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\b(?:Headless)?Chrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bSafari/")),
]
SYSTEMS = [
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
]


def _first(table: list[tuple[str, re.Pattern]], user_agent: str) -> str:
    return next((name for name, pattern in table if pattern.search(user_agent)), "")


def browser_name(user_agent: str) -> str:
    """e.g. "Chrome on Windows", "Safari on iPhone", or "Unknown browser"."""
    browser = _first(BROWSERS, user_agent or "")
    system = _first(SYSTEMS, user_agent or "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")
