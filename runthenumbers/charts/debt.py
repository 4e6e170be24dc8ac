"""Charts only the debt chapter draws: stacked debt service against reference levels, and the
sensitivity of debt service to SOFR and to how much of DDTL 2.0 is drawn, with the article's rate
band as a shaded range."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import HEIGHT, PALETTE, WIDTH, _title, reference_rule, stacked_order

# Each facility keeps one hue family: DDTL 1.0 blues, DDTL 2.0 reds and orange, the fee grey.
COMPONENT_COLORS = {
    "DDTL 1.0 interest": PALETTE[0],
    "DDTL 1.0 principal and balloon": PALETTE[5],
    "DDTL 2.0 interest": PALETTE[1],
    "DDTL 2.0 undrawn fee": PALETTE[6],
    "DDTL 2.0 principal": PALETTE[4],
}
# The rate band is a grey area; the SOFR lines take the palette's other colours.
BAND_COLOR = PALETTE[6]
LINE_COLORS = (PALETTE[0], PALETTE[5], PALETTE[2], PALETTE[3], PALETTE[1], PALETTE[4])


def _levels_layer(levels: list[tuple[float, str]]) -> alt.LayerChart | alt.FacetChart:
    """Dashed horizontal rules, each labelled at the right edge, where the bars of later years are lower."""
    return alt.layer(*(reference_rule(value, label) for value, label in levels))


def stacked_service(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    tooltip: list,
    levels: list[tuple[float, str]],
    label_angle: int = 0,
    y_format: str = ",.0f",
) -> alt.LayerChart | alt.FacetChart:
    """Bars of ``y`` per ``x`` stacked by debt-service component, with labelled reference levels."""
    order = [c for c in COMPONENT_COLORS if c in set(frame[color])]
    bars = (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=label_angle)),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format), stack="zero"),
            color=alt.Color(
                f"{color}:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=[COMPONENT_COLORS[c] for c in order]),
            ),
            tooltip=tooltip,
        )
    )
    return (stacked_order(bars, color, order) + _levels_layer(levels)).properties(width=WIDTH, height=HEIGHT)


def sensitivity(
    lines: pd.DataFrame,
    band: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    low: str,
    high: str,
    band_label: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    levels: list[tuple[float, str]],
    x_format: str = ",.1f",
    y_format: str = ",.0f",
) -> alt.LayerChart:
    """Lines of ``y`` against ``x``, one per ``series`` (SOFR levels), over a shaded band from ``low`` to
    ``high`` whose meaning (``band_label``) shows in its tooltip; name it in the subtitle too."""
    area = (
        alt.Chart(band.assign(band=band_label), title=_title(title, subtitle))
        .mark_area(opacity=0.2, color=BAND_COLOR)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=x_format), scale=alt.Scale(zero=False, nice=False)),
            y=alt.Y(f"{low}:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=True)),
            y2=f"{high}:Q",
            tooltip=[
                alt.Tooltip(f"{x}:Q", format=x_format),
                alt.Tooltip(f"{low}:Q", format=y_format),
                alt.Tooltip(f"{high}:Q", format=y_format),
                "band:N",
            ],
        )
    )
    order = list(dict.fromkeys(lines[series]))
    curves = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2)
        .encode(
            x=f"{x}:Q",
            y=f"{y}:Q",
            color=alt.Color(
                f"{series}:N",
                title="SOFR",
                sort=order,
                scale=alt.Scale(domain=order, range=list(LINE_COLORS[: len(order)])),
            ),
            tooltip=[series, alt.Tooltip(f"{x}:Q", format=x_format), alt.Tooltip(f"{y}:Q", format=y_format)],
        )
    )
    return (area + curves + _levels_layer(levels)).properties(width=WIDTH, height=HEIGHT)


def what_if_service(
    surface: pd.DataFrame,
    *,
    sofr: float,
    drawn_m: float,
    ddtl2_rate: float,
    drawn_range_m: tuple[float, float],
    rate_range: tuple[float, float],
    revenue_m: float,
    title: str,
    subtitle: str,
) -> alt.LayerChart:
    """Annual debt service recomputed in the browser as three sliders move (no kernel, no server).

    ``surface`` holds one row per year with the closed-form coefficients of
    :func:`runthenumbers.debt_surface.surface_by_year`; the sliders start at the notebook's values. Each bar is
    labelled with its value in USD billions, and FY2024 revenue is the dashed reference.
    """
    # Steps fine enough that each default sits exactly on a slider position.
    sofr_param = alt.param(
        name="sofr", value=sofr, bind=alt.binding_range(min=0.0, max=0.08, step=0.0001, name="SOFR ")
    )
    drawn_param = alt.param(
        name="drawn_m",
        value=drawn_m,
        bind=alt.binding_range(min=drawn_range_m[0], max=drawn_range_m[1], step=0.001, name="DDTL 2.0 drawn "),
    )
    rate_param = alt.param(
        name="ddtl2_rate",
        value=ddtl2_rate,
        bind=alt.binding_range(min=rate_range[0], max=rate_range[1], step=0.0001, name="DDTL 2.0 all-in rate "),
    )
    # A fixed axis, so the bars move rather than the scale: up to the highest any slider setting reaches
    # (the closed form is monotone in each slider, so the corners of the slider box bound it).
    corners = [(sv, d / 1e3, r) for sv in (0.0, 0.08) for d in drawn_range_m for r in rate_range]
    top = max(
        float(
            (
                surface["constant"]
                + surface["sofr"] * sv
                + surface["drawn_bn"] * d
                + surface["ddtl2_rate"] * r
                + surface["ddtl2_rate_x_drawn_bn"] * r * d
            ).max()
        )
        / 1e9
        for sv, d, r in corners
    )
    top = float(np.ceil(top * 2) / 2)
    service = (
        "(datum.constant + datum.sofr * sofr + datum.drawn_bn * drawn_m / 1e3 + datum.ddtl2_rate * ddtl2_rate"
        " + datum.ddtl2_rate_x_drawn_bn * ddtl2_rate * drawn_m / 1e3) / 1e9"
    )
    base = (
        alt.Chart(surface, title=_title(title, subtitle))
        .transform_calculate(service_bn=service)
        .encode(x=alt.X("year:O", title="Calendar year", axis=alt.Axis(labelAngle=0)))
    )
    bars = (
        base.mark_bar(color=PALETTE[1])
        .encode(
            y=alt.Y(
                "service_bn:Q", title="Debt service of both loans (USD billions)", scale=alt.Scale(domain=[0, top])
            ),
            tooltip=["year:O", alt.Tooltip("service_bn:Q", format=",.2f", title="USD billions")],
        )
        .add_params(sofr_param, drawn_param, rate_param)
    )
    labels = base.mark_text(dy=-8, fontSize=12).encode(y="service_bn:Q", text=alt.Text("service_bn:Q", format="$,.2f"))
    revenue = reference_rule(revenue_m / 1e3, "FY2024 revenue")
    # What the page's script shows: each slider's value as a reader reads it, and, as the chart's
    # table, the debt service drawn (recomputed as the sliders move), not the coefficients behind it.
    usermeta = {
        "rtnSliders": {"sofr": "percent", "drawn_m": "millions", "ddtl2_rate": "percent"},
        "rtnTable": {
            "calculate": "service_bn",
            "columns": [["year", "Year", ""], ["service_bn", "Debt service (USD billions)", ",.2f"]],
        },
    }
    return (bars + labels + revenue).properties(width=WIDTH, height=HEIGHT, usermeta=usermeta)
