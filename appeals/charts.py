"""The dashboard's charts as numbers for inline SVG drawn on the server: no chart library,
nothing for a cheap phone to run."""

from dataclasses import dataclass
from typing import Any

from appeals.selectors.dashboard import Figures


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


def month_bars(
    values: list[int], labels: list[str], *, width: int = 600, height: int = 160
) -> dict[str, Any]:
    """Vertical bars (one per month) as numbers for the SVG template."""
    top = max(values, default=0) or 1
    gap = 4
    slot = width / max(len(values), 1)
    plot_height = height - 30  # room for the month labels below
    bars = [
        Bar(
            x=round(i * slot + gap / 2, 1),
            y=round(plot_height - value / top * (plot_height - 14) + 0, 1),
            width=round(slot - gap, 1),
            height=round(value / top * (plot_height - 14), 1),
            value=value,
            label=labels[i],
        )
        for i, value in enumerate(values)
    ]
    return {"bars": bars, "width": width, "height": height, "baseline": plot_height}


def sparkline_points(values: list[int], *, width: int = 120, height: int = 24) -> str:
    """A polyline's points for a row's monthly trend."""
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - 2 - value / top * (height - 4), 1)}"
        for i, value in enumerate(values)
    )


def hbar_chart(rows: list[Figures], *, width: int = 300, row_height: int = 40) -> dict[str, Any]:
    """Horizontal bars per row: median and 90th-percentile days (one scale), on-time share."""
    top = max((r.p90_days or 0 for r in rows), default=0) or 1
    bars = [
        {
            "figures": row,
            "y": index * row_height,
            "median_width": round((row.median_days or 0) / top * width, 1),
            "p90_width": round((row.p90_days or 0) / top * width, 1),
            "on_time_width": round((row.on_time_share or 0) * width, 1),
        }
        for index, row in enumerate(rows)
    ]
    return {"bars": bars, "height": len(rows) * row_height + 4}
