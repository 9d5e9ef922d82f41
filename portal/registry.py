"""Hooks the apps register in their AppConfig.ready(): demo seeding and retention.

seed_demo and purge_expired call every registered function, so each section keeps its
own demo data and retention rule next to its models.
"""

from __future__ import annotations

from collections.abc import Callable

# (order, name, function(accounts: dict[int, Account], rng: random.Random, stdout) -> None)
demo_seeders: list[tuple[int, str, Callable]] = []
# (name, function(cutoff: datetime, batch_size: int) -> int rows removed)
purgers: list[tuple[str, Callable]] = []


def register_demo_seeder(order: int, name: str, function: Callable) -> None:
    if all(existing != name for _o, existing, _f in demo_seeders):
        demo_seeders.append((order, name, function))
        demo_seeders.sort(key=lambda item: item[0])


def register_purger(name: str, function: Callable) -> None:
    if all(existing != name for existing, _f in purgers):
        purgers.append((name, function))


# (name, function() -> None): recompute a rollup or a denormalised column from the rows it
# summarises. `rebuild_rollups` runs them all; so does seed_scale after its COPY.
rebuilders: list[tuple[str, Callable]] = []


def register_rebuilder(name: str, function: Callable) -> None:
    if all(existing != name for existing, _f in rebuilders):
        rebuilders.append((name, function))
