"""Charts only the partner-risk chapter draws: a result split into parts that may be gains or losses,
with the net result marked, and a stress case drawn as amounts at risk against a delay."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import HEIGHT, PALETTE, WIDTH, _title, stacked_order

# Sequential reds from light to dark, for series ordered from mild to severe.
WORSE_IS_DARKER = ("#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15")


def signed_parts_with_net(
    parts: pd.DataFrame,
    net: pd.DataFrame,
    *,
    x: str,
    y: str,
    part: str,
    net_y: str,
    order: list[str],
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    y_format: str = ",.0f",
) -> alt.LayerChart:
    """Bars of each ``x``'s ``part`` values, gains stacked up from zero and losses down, and the net of
    the parts (from ``net``, one row per ``x`` with ``net_y``) marked by a black tick and its value."""
    encode_x = alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(parts, title=_title(title, subtitle))
        .mark_bar(size=60)
        .encode(
            x=encode_x,
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format), stack="zero"),
            color=alt.Color(
                f"{part}:N", title=None, sort=order, scale=alt.Scale(domain=order, range=list(PALETTE[: len(order)]))
            ),
            tooltip=[x, part, alt.Tooltip(f"{y}:Q", format=y_format)],
        )
    )
    bars = stacked_order(bars, part, order)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#333333").encode(y="zero:Q")
    tick = (
        alt.Chart(net)
        .mark_tick(color="black", thickness=3, size=74)
        .encode(x=encode_x, y=f"{net_y}:Q", tooltip=[x, alt.Tooltip(f"{net_y}:Q", title="net result", format=y_format)])
    )
    label = (
        alt.Chart(net)
        .mark_text(dx=44, align="left", fontWeight="bold")
        .encode(x=encode_x, y=f"{net_y}:Q", text=alt.Text(f"{net_y}:Q", format=y_format))
    )
    return (bars + zero + tick + label).properties(width=WIDTH, height=HEIGHT)


def at_risk_panels(
    frame: pd.DataFrame,
    marker: pd.DataFrame,
    *,
    x: str,
    series: str,
    series_order: list[str],
    left: str,
    right: list[str],
    right_labels: list[str],
    title: str,
    subtitle: str,
    x_title: str,
    left_title: str,
    right_title: str,
    left_format: str = ",.0f",
    right_format: str = ",.1f",
) -> alt.HConcatChart:
    """Two panels against ``x``: ``left`` (one line per ``series``) and the ``right`` columns (one line per
    ``series`` and column, dashed for the second), with this run's point from ``marker`` (a one-row frame
    holding ``x``, ``left`` and the ``right`` columns) marked on each. Series are coloured in ``series_order``."""
    width = WIDTH // 2 - 30
    encode_x = alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format="d", tickMinStep=1))
    color = alt.Color(
        f"{series}:N",
        title="Share late",
        sort=series_order,
        # Worse is darker: a larger share delivered late is a deeper red, never a green.
        scale=alt.Scale(domain=series_order, range=list(WORSE_IS_DARKER[-len(series_order) :])),
    )
    left_lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2)
        .encode(
            x=encode_x,
            y=alt.Y(f"{left}:Q", title=left_title, axis=alt.Axis(format=left_format)),
            color=color,
            tooltip=[x, series, alt.Tooltip(f"{left}:Q", format=left_format)],
        )
    )
    left_point = alt.Chart(marker).mark_point(size=120, filled=True, color="black").encode(x=f"{x}:Q", y=f"{left}:Q")
    long = frame.melt(id_vars=[x, series], value_vars=right, var_name="measure_column", value_name="amount")
    long["measure"] = long["measure_column"].map(dict(zip(right, right_labels)))
    right_lines = (
        alt.Chart(long)
        .mark_line(strokeWidth=2)
        .encode(
            x=encode_x,
            y=alt.Y("amount:Q", title=right_title, axis=alt.Axis(format=right_format)),
            color=color,
            strokeDash=alt.StrokeDash(
                "measure:N", title=None, sort=right_labels, scale=alt.Scale(domain=right_labels, range=[[1, 0], [6, 4]])
            ),
            detail="measure_column:N",
            tooltip=[x, series, "measure:N", alt.Tooltip("amount:Q", format=right_format)],
        )
    )
    marker_long = marker.melt(id_vars=[x], value_vars=right, value_name="amount")
    right_points = (
        alt.Chart(marker_long).mark_point(size=120, filled=True, color="black").encode(x=f"{x}:Q", y="amount:Q")
    )
    return alt.hconcat(
        (left_lines + left_point).properties(width=width, height=HEIGHT),
        (right_lines + right_points).properties(width=width, height=HEIGHT),
        title=_title(title, subtitle),
    ).resolve_scale(color="shared")
