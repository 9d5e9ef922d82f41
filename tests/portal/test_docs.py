"""The project's documents are in docs/, and what points at them points somewhere real.

- Code, templates, the README and the docs cite docs/<file>.md, never the working notes the
  project was planned with (platform-api.md, portal.md, DESIGN.md, RECIPES.md, or a bare
  oncall.md / statistics.md outside docs/): those files are not in the repository.
- A citation `docs/<file>.md, "Section"` in code names a file of docs/ and a heading of it.
- Every relative link of README.md and docs/*.md reaches a file, and its #anchor a heading.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

# Anchors another branch adds to a document (listed here so the link may be written first):
# ("api.md", "field-rules") is the API's "Field rules" section. Drop an entry once the
# heading exists (a pending anchor that does not resolve is still allowed, nothing else).

SKIPPED_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "media",
    "staticfiles",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
}
SCANNED_SUFFIXES = {".py", ".html", ".md", ".txt", ".toml", ".yml", ".yaml", ".sh", ".js", ".cfg"}
SCANNED_NAMES = {"Makefile", "Dockerfile"}

# The planning notes' names. Anywhere but docs/, a document is cited with its docs/ prefix.
NOTES_ONLY = ("platform-api", "portal", "DESIGN", "RECIPES")
DOCS_NAMES = ("oncall", "statistics", "api", "operations", "architecture", "security")
NOTE_CITATION = re.compile(r"(?<![\w/.-])(" + "|".join(NOTES_ONLY) + r")\.md\b")
BARE_DOC_CITATION = re.compile(r"(?<![\w/.-])(" + "|".join(DOCS_NAMES) + r")\.md\b")
SECTION_CITATION = re.compile(r"docs/([\w-]+\.md)(?:,\s*|\s+\(\s*)\"([^\"]+)\"")
DOC_MENTION = re.compile(r"\bdocs/([\w-]+\.md)\b")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def scanned_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if any(part in SKIPPED_DIRS for part in path.relative_to(ROOT).parts):
            continue
        if path.is_file() and (path.suffix in SCANNED_SUFFIXES or path.name in SCANNED_NAMES):
            found.append(path)
    return found


def prose_lines(text: str) -> list[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def headings(path: Path) -> set[str]:
    return {
        re.sub(r"^#{1,6}\s+", "", line).strip()
        for line in prose_lines(path.read_text(encoding="utf-8"))
        if re.match(r"^#{1,6}\s", line)
    }


def test_the_anchor_rule_matches_githubs():
    assert slug("Tenancy: one client never sees another's data") == (
        "tenancy-one-client-never-sees-anothers-data"
    )
    assert slug("The rulebook (`oncall/actions.py`)") == "the-rulebook-oncallactionspy"
    assert slug("Change e-mails") == "change-e-mails"


def test_no_file_cites_the_planning_notes():
    offenders = []
    for path in scanned_files():
        relative = path.relative_to(ROOT)
        if relative == Path("tests/portal/test_docs.py"):
            continue  # names them to find them
        in_docs = relative.parts[0] == "docs"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found = NOTE_CITATION.findall(line)
            if not in_docs:
                found += BARE_DOC_CITATION.findall(line)
            offenders += [f"{relative}:{number}: {name}.md" for name in found]
    assert offenders == [], "cite docs/<file>.md instead:\n" + "\n".join(offenders)


def test_the_sections_code_cites_exist():
    missing = []
    for path in scanned_files():
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "docs":
            continue
        text = path.read_text(encoding="utf-8")
        joined = re.sub(r"\s*\n\s*(#\s*)?", " ", text)  # a citation may wrap onto the next line
        for name in set(DOC_MENTION.findall(text)):
            if not (DOCS / name).is_file():
                missing.append(f"{relative}: docs/{name} does not exist")
        for name, section in SECTION_CITATION.findall(joined):
            target = DOCS / name
            if target.is_file() and not any(
                heading == section or heading.startswith((section + " (", section + ":"))
                for heading in headings(target)
            ):
                missing.append(f'{relative}: docs/{name} has no section "{section}"')
    assert missing == [], "\n".join(missing)


@pytest.mark.parametrize(
    "document",
    [ROOT / "README.md", *sorted(DOCS.glob("*.md"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_link_between_documents_resolves(document):
    broken = []
    for line in prose_lines(document.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                continue
            file_part, _hash, anchor = target.partition("#")
            linked = (document.parent / file_part).resolve() if file_part else document
            if not linked.exists():
                broken.append(f"{target}: no file {file_part}")
                continue
            if anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{target}: no heading with anchor #{anchor} in {linked.name}")
    assert broken == [], f"{document.name}:\n" + "\n".join(broken)


def test_every_setting_read_from_the_environment_is_in_operations():
    settings_text = (ROOT / "config/settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_text))
    assert {"SECRET_KEY", "DATABASE_URL", "API_MAX_BODY_BYTES"} <= names
    operations = (DOCS / "operations.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in operations)
    assert missing == [], f'not in docs/operations.md, "Configure": {missing}'


# The example section of docs/architecture.md, "Adding a section": not a real app.
EXAMPLE_APP = "vault"


@pytest.mark.parametrize(
    "document",
    [ROOT / "README.md", *sorted(DOCS.glob("*.md"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_file_a_document_names_exists(document):
    top_level = {path.name for path in ROOT.iterdir() if path.is_dir()}
    missing = []
    for quoted in re.findall(r"`([^`\n]+)`", document.read_text(encoding="utf-8")):
        for name in re.findall(
            r"(?<![\w/.<{-])([\w.-]+/[\w./-]+\.(?:py|html|css|js|yml|md))", quoted
        ):
            first = name.split("/", 1)[0]
            if first not in top_level or EXAMPLE_APP in name.split("/"):
                continue  # a path inside a package named just before, or the example app
            # A template or static file is named as Django finds it (`portal/pager.html`).
            if not any((ROOT / base / name).exists() for base in ("", "templates", "static")):
                missing.append(name)
    assert missing == [], f"{document.name} names files that do not exist: {missing}"
