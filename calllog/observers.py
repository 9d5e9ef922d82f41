"""What other apps keep in step with the calls, told inside the write's own transaction.

The statistics rollup (stats/rollup.py) registers here in its AppConfig.ready(): the
call log then tells it about every call written or deleted without importing it (the
statistics depend on the calls, never the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import Account
    from calllog.models import Call

# Told before calls are created or replaced: their (account, external_id), each once ->
# the function to call with the calls once they are written (one per key, as stored).
type WriteObserver = Callable[[Sequence[tuple[Account, str]]], Callable[[Sequence[Call]], None]]
# Told before calls are deleted: (their ids).
type DeleteObserver = Callable[[list[int]], None]

write_observers: list[WriteObserver] = []
delete_observers: list[DeleteObserver] = []


def observe(*, write: WriteObserver, delete: DeleteObserver) -> None:
    """Register an app's observers (once, however often its ready() runs)."""
    if write not in write_observers:
        write_observers.append(write)
    if delete not in delete_observers:
        delete_observers.append(delete)


def writing(keys: Sequence[tuple[Account, str]]) -> Callable[[Sequence[Call]], None]:
    """Tell the observers these calls are about to be written (one or a batch's, each key
    once); call the result with the calls once written."""
    afters = [observer(keys) for observer in write_observers]

    def written(calls: Sequence[Call]) -> None:
        for after in afters:
            after(calls)

    return written


def deleting(call_ids: Iterable[int]) -> None:
    """Tell the observers these calls are about to be deleted."""
    ids = list(call_ids)
    for observer in delete_observers:
        observer(ids)
