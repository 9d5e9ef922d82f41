"""Stacked bar charts drawn on the server as inline SVG (no chart library).

This module computes the geometry; templates/stats/_chart.html writes the SVG with
presentation attributes and classes only (the CSP forbids style attributes). The
viewBox is narrow enough that the text stays legible on a 360-px phone, where the
SVG is scaled to the width of the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

WIDTH = 400
PLOT_LEFT = 44
PLOT_RIGHT = WIDTH - 8
PLOT_TOP = 10
PLOT_HEIGHT = 170
PLOT_BOTTOM = PLOT_TOP + PLOT_HEIGHT
FONT = 14
CHAR_WIDTH = 7.8  # a generous average advance at 14 px, for the legend layout

# (key, fill colour, class); the order is the stacking order from the axis up.
SERIES = (
    ("answered", "#1f5f8b", "bar-answered"),
    ("automated", "#7fb2d9", "bar-automated"),
    ("abandoned", "#b3261e", "bar-abandoned"),
)


def series_labels() -> dict[str, str]:
    return {
        "answered": _("Answered by agent"),
        "automated": _("Automated"),
        "abandoned": _("Abandoned"),
    }


@dataclass
class Chart:
    id: str
    title: str
    description: str
    x_label: str
    y_label: str
    width: int = WIDTH
    height: int = 0
    segments: list[dict] = field(default_factory=list)
    x_ticks: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    x_label_x: int = (PLOT_LEFT + PLOT_RIGHT) // 2
    x_label_y: int = 0
    y_tick_x: int = PLOT_LEFT - 6
    y_label_x: int = 14
    y_label_y: int = PLOT_TOP + PLOT_HEIGHT // 2
    font: int = FONT


def nice_ceiling(value: int) -> tuple[int, int]:
    """An axis maximum >= value and a tick step giving 2 to 5 ticks (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if value <= step * 5:
                return step * -(-value // step), step
        magnitude *= 10


def stacked_bars(
    chart_id: str,
    title: str,
    buckets: list[dict],
    names: list[str],
    x_label: str,
    label_every: int = 1,
    tick_names: list[str] | None = None,
) -> Chart:
    labels = series_labels()
    totals = [sum(bucket[key] for key, _fill, _css in SERIES) for bucket in buckets]
    top, step = nice_ceiling(max(totals, default=0))
    scale = PLOT_HEIGHT / top
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(buckets)
    bar_width = slot * 0.72
    chart = Chart(
        id=chart_id,
        title=title,
        description=_("%(total)s calls counted. Busiest: %(busiest)s with %(count)s calls.")
        % {
            "total": sum(totals),
            "busiest": names[totals.index(max(totals))] if any(totals) else "-",
            "count": max(totals, default=0),
        },
        x_label=x_label,
        y_label=_("Calls"),
    )
    for index, (bucket, name) in enumerate(zip(buckets, names, strict=True)):
        x = PLOT_LEFT + index * slot + (slot - bar_width) / 2
        base = PLOT_BOTTOM
        for key, fill, css in SERIES:
            count = bucket[key]
            if not count:
                continue
            height = count * scale
            base -= height
            chart.segments.append(
                {
                    "x": round(x, 1),
                    "y": round(base, 1),
                    "width": round(bar_width, 1),
                    "height": round(height, 1),
                    "fill": fill,
                    "css": css,
                    "title": f"{name}, {labels[key]}: {count}",
                }
            )
        if index % label_every == 0:
            chart.x_ticks.append(
                {
                    "x": round(x + bar_width / 2, 1),
                    "y": PLOT_BOTTOM + FONT + 4,
                    "text": (tick_names or names)[index],
                }
            )
    for value in range(0, top + 1, step):
        chart.y_ticks.append({"y": round(PLOT_BOTTOM - value * scale, 1), "text": value})
    chart.x_label_y = PLOT_BOTTOM + 2 * FONT + 10
    legend_y = chart.x_label_y + FONT + 10
    x = PLOT_LEFT
    for key, fill, css in SERIES:
        text = labels[key]
        item_width = 18 + len(text) * CHAR_WIDTH + 14
        if x + item_width > WIDTH and x > PLOT_LEFT:
            x = PLOT_LEFT
            legend_y += FONT + 8
        chart.legend.append(
            {
                "x": round(x, 1),
                "y": legend_y,
                "box_y": legend_y - 11,
                "text_x": round(x + 18, 1),
                "fill": fill,
                "css": css,
                "text": text,
            }
        )
        x += item_width
    chart.height = legend_y + FONT + 6
    return chart


def hour_chart(buckets: list[dict]) -> Chart:
    return stacked_bars(
        "chart-hours",
        _("Calls by hour of the day"),
        buckets,
        [f"{bucket['key']:02d}:00" for bucket in buckets],
        _("Hour of the day (0-23, local time)"),
        label_every=3,
        tick_names=[str(bucket["key"]) for bucket in buckets],
    )


def weekday_chart(buckets: list[dict]) -> Chart:
    return stacked_bars(
        "chart-days",
        _("Calls by day of the week"),
        buckets,
        [str(WEEKDAYS_ABBR[bucket["key"] - 1]) for bucket in buckets],
        _("Day of the week"),
    )
