"""Charts only the capex chapter draws: a ladder of ranged costs, funding on hand against the cost
still to come, and dated price points reported by different hands."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import HEIGHT, PALETTE, WIDTH, _title, stacked_order


def range_ladder(
    frame: pd.DataFrame,
    *,
    x: str,
    low: str,
    high: str,
    point: str,
    marks: pd.DataFrame,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    y_format: str = ",.0f",
) -> alt.LayerChart:
    """One bar per step of ``x`` from ``low`` to ``high`` (a range, not a stack), this run's ``point``
    as a dot, and labelled tick marks from ``marks`` (columns ``x``, ``y``, ``label``) such as a
    figure the article states."""
    order = list(frame[x])
    # Every layer shares one explicit domain, so the steps keep their order however each layer sorts.
    scale = alt.Scale(domain=order)
    encode_x = alt.X(f"{x}:N", title=x_title, sort=None, scale=scale, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_bar(size=70, opacity=0.55, color=PALETTE[0])
        .encode(
            x=encode_x,
            y=alt.Y(f"{low}:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=True)),
            y2=f"{high}:Q",
            tooltip=[x, alt.Tooltip(f"{low}:Q", format=y_format), alt.Tooltip(f"{high}:Q", format=y_format)],
        )
    )
    dots = (
        alt.Chart(frame.dropna(subset=[point]))
        .mark_point(size=110, filled=True, color=PALETTE[4])
        .encode(x=encode_x, y=f"{point}:Q", tooltip=[x, alt.Tooltip(f"{point}:Q", format=y_format)])
    )
    ticks = (
        alt.Chart(marks)
        .mark_tick(thickness=3, size=80, color=PALETTE[1])
        .encode(
            x=alt.X("x:N", sort=None, scale=scale), y="y:Q", tooltip=["label:N", alt.Tooltip("y:Q", format=y_format)]
        )
    )
    tick_text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=44, color=PALETTE[1])
        .encode(x=alt.X("x:N", sort=None, scale=scale), y="y:Q", text="label:N")
    )
    return (bars + dots + ticks + tick_text).properties(width=WIDTH, height=HEIGHT)


def funding_against_need(
    funding: pd.DataFrame, need: pd.DataFrame, *, title: str, subtitle: str, y_title: str, y_format: str = ",.0f"
) -> alt.LayerChart:
    """Funding on hand stacked by source (columns ``bar``, ``source``, ``amount``) beside the cost still
    to come (columns ``bar``, ``low``, ``high``, ``this_run``): a bar at this run's value with the
    range the sources allow drawn as a line through it."""
    order = list(dict.fromkeys(list(funding["bar"]) + list(need["bar"])))
    sources = list(dict.fromkeys(funding["source"]))
    encode_x = alt.X("bar:N", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    stacked = (
        alt.Chart(funding, title=_title(title, subtitle))
        .mark_bar(size=90)
        .encode(
            x=encode_x,
            y=alt.Y("amount:Q", title=y_title, axis=alt.Axis(format=y_format), stack="zero"),
            color=alt.Color(
                "source:N",
                title=None,
                sort=sources,
                scale=alt.Scale(domain=sources, range=list(PALETTE[: len(sources)])),
            ),
            tooltip=["source:N", alt.Tooltip("amount:Q", format=y_format)],
        )
    )
    stacked = stacked_order(stacked, "source", sources)
    need_bar = (
        alt.Chart(need)
        .mark_bar(size=90, color=PALETTE[6], opacity=0.6)
        .encode(x=encode_x, y="this_run:Q", tooltip=["bar:N", alt.Tooltip("this_run:Q", format=y_format)])
    )
    need_range = (
        alt.Chart(need)
        .mark_rule(strokeWidth=3, color="#333333")
        .encode(
            x=encode_x,
            y="low:Q",
            y2="high:Q",
            tooltip=["bar:N", alt.Tooltip("low:Q", format=y_format), alt.Tooltip("high:Q", format=y_format)],
        )
    )
    return (stacked + need_bar + need_range).properties(width=WIDTH, height=HEIGHT)


def dated_points(
    frame: pd.DataFrame,
    *,
    x: str,
    order: str,
    y: str,
    series: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    tooltip: list,
    y_format: str = "$,.2f",
) -> alt.LayerChart:
    """Values at labelled moments, in ``order``, one line and point colour per ``series`` (who reported them)."""
    sort = list(frame.sort_values(order)[x].drop_duplicates())
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        x=alt.X(f"{x}:N", title=x_title, sort=sort, axis=alt.Axis(labelAngle=-30, labelLimit=200)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=True)),
        color=alt.Color(f"{series}:N", title="Reported by"),
    )
    lines = base.mark_line(strokeDash=[4, 3]).encode(order=f"{order}:Q")
    # The shape repeats the colour for readers who cannot tell the colours apart; one legend suffices.
    points = base.mark_point(size=110, filled=True).encode(shape=alt.Shape(f"{series}:N", legend=None), tooltip=tooltip)
    return (lines + points).properties(width=WIDTH, height=HEIGHT)
