"""The packages depend on each other in one direction only (docs/architecture.md):

config -> the apps -> accounts -> portal. portal/ is the shared library and imports no
app; no two packages import each other, even through a third one.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(
    path.parent.name
    for path in ROOT.glob("*/__init__.py")
    if path.parent.name not in {"tests", "bench", "scripts"}
)


def imported_packages(package: str) -> dict[str, list[str]]:
    """{other package: [files of `package` that import it]}, imports inside functions included."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in PACKAGES and top != package:
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


def test_the_packages_are_found():
    assert {"portal", "accounts", "config", "messages_app", "oncall"} <= set(PACKAGES)


def test_portal_is_a_library_that_imports_no_app():
    assert imported_packages("portal") == {}


def test_nothing_imports_the_configuration():
    importers = {p: files for p in PACKAGES if (files := imported_packages(p).get("config"))}
    assert importers == {}


def test_no_two_packages_depend_on_each_other():
    graph = {package: set(imported_packages(package)) for package in PACKAGES}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(graph[current])
        return False

    cycles = sorted((a, b) for a in graph for b in graph[a] if reaches(b, a))
    assert cycles == []
