"""The rows of the statistics table: labels and explanations (the seed's, translated),
and the ratios and rounding of docs/statistics.md, as a pure function of the raw counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Row:
    key: str
    label: str | Promise
    explanation: str | Promise
    unit: int | Decimal | None  # None: a blank cell (a mean over no call)
    percent: Decimal | None  # None: blank (no % column, or a ratio over no call)


def rounded(numerator, denominator, scale: int = 1) -> Decimal | None:
    """numerator * scale / denominator to one decimal, half up; None over nothing."""
    if not denominator:
        return None
    value = Decimal(numerator or 0) * scale / Decimal(denominator)
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    return rounded(part, whole, scale=100)


LABELS = {
    "total": (
        _("Total Incoming Calls"),
        _(
            "All incoming telephone calls for your account(s) that lasted longer than 6 "
            "seconds. This does not include outgoing calls or activity on your account not "
            "involving a phone call."
        ),
    ),
    "automated": (
        _("Automated Calls"),
        _(
            "Incoming calls handled entirely by our voice processing equipment: there was no "
            "agent involvement. This also includes calls where an agent connected to the call "
            "but the caller hung up within 10 seconds. If your account has an automated "
            "greeting, and the caller pressed 0 to speak with an agent, this also includes "
            "calls where the caller waited less than 10 seconds after pressing 0."
        ),
    ),
    "agent": (
        _("Agent Calls"),
        _(
            "This is the difference between 'Total Incoming Calls' and 'Automated Calls'. It "
            "is a measure of calls where the caller actually wanted to talk to an agent."
        ),
    ),
    "system_abandon": (
        _("System Abandon"),
        _("Incoming calls where the caller hung up before the call could be assigned to an agent."),
    ),
    "assigned": (
        _("Assigned to Agent"),
        _("This is the difference between 'Agent Calls' and 'System Abandon'."),
    ),
    "agent_abandon": (
        _("Agent Abandon"),
        _("Calls assigned to an agent that were not answered."),
    ),
    "answered_of_total": (
        _("Answered by Agent - % of Total calls"),
        _(
            "Calls assigned to an agent that were answered by an agent. This is the difference "
            "between 'Assigned to Agent' and 'Agent Abandon' and is expressed as a % of 'Total "
            "Incoming Calls' for your account(s)."
        ),
    ),
    "answered_of_assigned": (
        _("Answered by Agent - % of Assigned calls"),
        _(
            "Calls assigned to an agent that were answered by an agent. This is the difference "
            "between 'Assigned to Agent' and 'Agent Abandon' and is expressed as a % of "
            "'Assigned to Agent' calls for your account(s)."
        ),
    ),
    "avg_work": (
        _("Avg Work Time, Answered Calls (secs)"),
        _(
            "The total time the Agents had your calls highlighted on their screen. This "
            "includes time they were talking to a caller as well as 'wrap' time, which is time "
            "spent following your dispatch instructions after the caller hung up."
        ),
    ),
    "held": (
        _("Calls put on hold by Agent"),
        _("Calls where the agent put the caller on hold for more than 10 seconds."),
    ),
    "avg_hold": (
        _("Avg Hold Time, Held Calls (secs)"),
        _("The total hold time for all held calls divided by the number of calls placed on hold."),
    ),
    "avg_wait": (
        _("Avg Wait for Operator, Agent Calls (secs)"),
        _("The average delay experienced by callers who were connected to an agent."),
    ),
    "within_30": (
        _("Calls Reaching an Agent within 30 secs"),
        _("Calls that reached an Agent within 30 seconds."),
    ),
    "patches": (
        _("Patches"),
        _("The total calls made by our agents to connect an incoming caller to another number."),
    ),
    "patch_time": (
        _("Patch Time (mins)"),
        _("The total number of minutes for callers connected to another number."),
    ),
    "busies": (
        _("Busies"),
        _("The total number of times incoming callers heard a busy signal."),
    ),
}


def statistics_rows(counts: dict) -> list[Row]:
    """The table of docs/statistics.md from the raw counts of queries.call_counts()."""
    total = counts["total"]
    automated = counts["automated"]
    system_abandon = counts["system_abandon"]
    agent_abandon = counts["agent_abandon"]
    answered = counts["answered"]
    agent = system_abandon + agent_abandon + answered  # G = T - A
    assigned = agent_abandon + answered  # AS = G - S
    held = counts["held"]
    patches = counts["patches"]
    figures = {
        "total": (total, percent(total, total)),
        "automated": (automated, percent(automated, total)),
        "agent": (agent, percent(agent, total)),
        "system_abandon": (system_abandon, percent(system_abandon, total)),
        "assigned": (assigned, percent(assigned, total)),
        "agent_abandon": (agent_abandon, percent(agent_abandon, total)),
        "answered_of_total": (answered, percent(answered, total)),
        "answered_of_assigned": (answered, percent(answered, assigned)),
        "avg_work": (rounded(counts["work_sum"], counts["work_count"]), None),
        "held": (held, percent(held, answered)),
        "avg_hold": (rounded(counts["hold_sum"], held), None),
        "avg_wait": (rounded(counts["wait_sum"], answered), None),
        "within_30": (counts["within_30"], percent(counts["within_30"], answered)),
        "patches": (patches, None),
        # A sum, not a mean, but blank like one when there was no patch (as in the seed).
        "patch_time": (rounded(counts["patch_sum"], 60) if patches else None, None),
        "busies": (counts["busies"], None),
    }
    return [
        Row(key=key, label=label, explanation=explanation, unit=unit, percent=share)
        for key, (label, explanation) in LABELS.items()
        for unit, share in [figures[key]]
    ]
