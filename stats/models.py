"""The statistics rollup: what the calls add up to, per account, local day and time of day.

See stats/rollup.py for why a rollup, how it is kept exact, and what writes it.
"""

from __future__ import annotations

from django.db import models

from accounts.models import Account

HOUR = 60  # span of a cell covering a whole local hour
MINUTE = 1  # span of a cell covering one local minute

# The additive figures of one cell, from which every row of docs/statistics.md follows.
COUNTS = (
    "busies",  # inbound calls with a busy signal
    "automated",  # A
    "system_abandon",  # S
    "agent_abandon",  # AA
    "answered",  # AN
    "work_count",  # calls of AN with a work time
    "held",  # H
    "within_30",  # W
    "patches",  # P
)
SUMS = (
    "work_sum",  # work_s over AN
    "hold_sum",  # hold_s over H
    "wait_sum",  # answered_s - queued_s over AN
    "patch_sum",  # patch_s over P
)
FIGURES = COUNTS + SUMS


class CallRollup(models.Model):
    """The figures of an account's inbound calls that started in one local cell of time.

    Every call counts twice: in the cell of its local hour (span 60, `minute` is the
    hour's first minute) and in the cell of its local minute (span 1). Local means in
    the account's time zone when the call was written (a change of zone rebuilds the
    account's cells).
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    span = models.PositiveSmallIntegerField()  # HOUR or MINUTE
    minute = models.PositiveSmallIntegerField()  # local minute of the day, 0-1439
    local_date = models.DateField()
    weekday = models.PositiveSmallIntegerField()  # ISO weekday of local_date, 1 = Monday

    busies = models.IntegerField(default=0)
    automated = models.IntegerField(default=0)
    system_abandon = models.IntegerField(default=0)
    agent_abandon = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    work_count = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    within_30 = models.IntegerField(default=0)
    patches = models.IntegerField(default=0)
    work_sum = models.BigIntegerField(default=0)
    hold_sum = models.BigIntegerField(default=0)
    wait_sum = models.BigIntegerField(default=0)
    patch_sum = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # Minute before date: a time-of-day window reads one range of minutes per
            # account, and the dates are checked inside the index.
            models.UniqueConstraint(
                fields=["account", "span", "minute", "local_date"], name="stats_rollup_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.local_date} {self.minute // 60:02d}:{self.minute % 60:02d}"
