"""Hooks the apps register in their AppConfig.ready(): demo and scale seeding, retention,
and the rebuild of rollups.

seed_demo, seed_scale, purge_expired and rebuild_rollups call every registered function,
so each section keeps its own demo data, scale rows, retention rule and rollups next to
its models.
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
# summarises, each in one transaction. `rebuild_rollups` runs them all; so does
# seed_scale after its COPY.
rebuilders: list[tuple[str, Callable]] = []


def register_rebuilder(name: str, function: Callable) -> None:
    if all(existing != name for existing, _f in rebuilders):
        rebuilders.append((name, function))


# (order, name, factory(seeding) -> the section's writer of seed_scale rows; see
# accounts/scale.py). `name` is the size it draws from (`calls`, `messages`); the order is
# that of the writes of each day, so one seed and moment always give the same rows.
scale_seeders: list[tuple[int, str, Callable]] = []


def register_scale_seeder(order: int, name: str, factory: Callable) -> None:
    if all(existing != name for _o, existing, _f in scale_seeders):
        scale_seeders.append((order, name, factory))
        scale_seeders.sort(key=lambda item: item[0])
