"""The portal's sections, as each app registers them in its AppConfig.ready().

The menu, the home page's guide and the account switcher all read this registry,
so a section that is not built yet is simply absent: no dead links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    key: str  # also the permission a role needs (accounts/roles.py)
    label: str | Promise
    url_name: str  # reversed with the account number
    description: str | Promise
    order: int
    # URL namespaces that belong to the section (for the current-menu mark and the switcher).
    namespaces: tuple[str, ...] = ()
    # Optional: a function(request) -> dict for the home page's "needs attention" panel,
    # rendered with `panel_template`.
    panel: Callable | None = field(default=None, compare=False)
    panel_template: str = ""
    # Optional: a function(request) -> dict the home page adds to its context (the
    # messages section's live refresh of the panels).
    home_context: Callable | None = field(default=None, compare=False)

    def url(self, number: int) -> str:
        return reverse(self.url_name, args=[number])


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def all_sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)


def sections_for(membership) -> list[Section]:
    return [s for s in all_sections() if membership.may(s.key)]


def section_of_namespace(namespace: str) -> Section | None:
    for section in _sections.values():
        if namespace in section.namespaces:
            return section
    return None
