"""Charts of the uncertainty page: a quantile fan, a histogram, and paired bars of Sobol indices."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import HEIGHT, PALETTE, WIDTH, _title


def fan(
    frame: pd.DataFrame,
    *,
    x: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    outer: tuple[str, str] = ("p5", "p95"),
    label_angle: int = 0,
) -> alt.LayerChart:
    """Median line with 25-75% and ``outer`` bands; ``frame`` has columns x, the outer pair, p25, p50, p75."""
    low, high = outer
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=label_angle))
    )
    outer_band = base.mark_area(opacity=0.25, color=PALETTE[1]).encode(
        y=alt.Y(f"{low}:Q", title=y_title), y2=f"{high}:Q"
    )
    inner = base.mark_area(opacity=0.45, color=PALETTE[1]).encode(y="p25:Q", y2="p75:Q")
    median = base.mark_line(point=True, color=PALETTE[0]).encode(
        y="p50:Q", tooltip=[x, *(alt.Tooltip(f"{q}:Q", format=",.2f") for q in (low, "p25", "p50", "p75", high))]
    )
    # The Table view: the x column, then the quantiles from the lowest to the highest, each named.
    unit = y_title[y_title.index("(") :] if "(" in y_title else ""
    columns = [[x, x_title, ""]] + [
        [q, f"{QUANTILE_NAMES.get(q, q)} {unit}".strip(), ",.2f"] for q in (low, "p25", "p50", "p75", high)
    ]
    return (outer_band + inner + median).properties(width=WIDTH, height=HEIGHT, usermeta={"rtnColumns": columns})


def _quantile_name(q: str) -> str:
    """ "p10" -> "10th percentile", "p50" -> "Median"."""
    number = int(q[1:])
    if number == 50:
        return "Median"
    suffix = "st" if number % 10 == 1 and number != 11 else "nd" if number % 10 == 2 and number != 12 else "th"
    return f"{number}{suffix} percentile"


QUANTILE_NAMES = {f"p{n}": _quantile_name(f"p{n}") for n in (1, 2, 5, 10, 25, 50, 75, 90, 95, 98, 99)}


def histogram(
    frame: pd.DataFrame, *, start: str, end: str, count: str, title: str, subtitle: str, x_title: str, y_title: str
) -> alt.Chart:
    """Bars from precomputed bins (``start`` to ``end``) with their share of scenarios."""
    return (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X(f"{start}:Q", title=x_title, bin="binned"),
            x2=f"{end}:Q",
            y=alt.Y(f"{count}:Q", title=y_title, axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip(f"{start}:Q", format=",.1f"),
                alt.Tooltip(f"{end}:Q", format=",.1f"),
                alt.Tooltip(f"{count}:Q", format=".1%"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def paired_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    pair: str,
    title: str,
    subtitle: str,
    x_title: str,
    order: list[str],
) -> alt.Chart:
    """Horizontal bars of ``value`` per ``category``, two per category (``pair``), categories in ``order``."""
    return (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=order),
            yOffset=alt.YOffset(f"{pair}:N"),
            x=alt.X(f"{value}:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(f"{pair}:N", title=None, scale=alt.Scale(range=[PALETTE[0], PALETTE[4]])),
            tooltip=[category, pair, alt.Tooltip(f"{value}:Q", format=".3f")],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
