"""Charts only the credit chapter draws: the maturity wall with the cover beside it, and coverage and
leverage ratios over time against the line where earnings just cover interest."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import HEIGHT, PALETTE, WIDTH, _title, reference_rule, stacked_order


def maturity_wall(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    order: list[str],
    cover: float,
    cover_label: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    tooltip: list,
) -> alt.LayerChart | alt.FacetChart:
    """Principal due per year stacked by facility (bottom first in ``order``), and a dashed level for
    what was on hand to meet it."""
    bars = (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",.1f"), stack="zero"),
            color=alt.Color(
                f"{color}:N",
                title=None,
                sort=order,
                scale=alt.Scale(
                    domain=order, range=list(PALETTE[: len(order)]) + ["#333333"] * max(0, len(order) - len(PALETTE))
                ),
            ),
            tooltip=tooltip,
        )
    )
    return (stacked_order(bars, color, order) + reference_rule(cover, cover_label)).properties(
        width=WIDTH, height=HEIGHT
    )


def ratio_lines(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    order: list[str],
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    level: float = 1.0,
    level_label: str = "",
) -> alt.LayerChart:
    """One line of points per ratio over quarters; gaps where a quarter's inputs were not read."""
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",.1f")),
        color=alt.Color(
            f"{series}:N", title=None, sort=order, scale=alt.Scale(domain=order, range=list(PALETTE[: len(order)]))
        ),
    )
    lines = base.mark_line(point=True).encode(
        tooltip=[x, series, alt.Tooltip(f"{y}:Q", format=",.2f")],
    )
    return (lines + reference_rule(level, level_label, at="left")).properties(width=WIDTH, height=HEIGHT)
