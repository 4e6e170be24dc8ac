"""Charts: one house style and one output format that works offline and reproduces exactly.

Altair's own notebook output fetches Vega from a CDN and names its element with a random id, so a
site built from it shows blank charts offline and nbval sees a different output on every run. A
:class:`Figure` instead carries the Vega-Lite spec as JSON, an id derived from that spec, and a
static SVG drawn by vl-convert. The site's own script (see :mod:`runthenumbers.site`) swaps the SVG
for the interactive chart; without JavaScript, in print, or inside Jupyter, the SVG stays.

This module holds the house style, the output and the generic chart builders; a chart that only one
chapter draws lives in a submodule named after the chapter (``runthenumbers.charts.debt``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import cached_property

import altair as alt
import pandas as pd
import vl_convert

from ..data import Source
from ..links import DOWNLOAD_DIR, SITE_ROOT, download_href, source_href  # noqa: F401 (SITE_ROOT: re-exported)

# vl-convert ships this family, so the SVG's text metrics do not depend on the fonts a machine has.
FONT = "Liberation Sans"
VEGA_LITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")
WIDTH = 560
# Verdict colours follow their meaning, as on the claims page: green holds, amber roughly, red fails.
VERDICT_COLORS = {
    "supported": "#2e7d32",
    "roughly": "#e0a100",
    "contradicted": "#c62828",
    "garbled": "#6b3fa0",
    "unverifiable": "#9e9e9e",
    "opinion": "#cfcfcf",
}
DOWNLOADS = (("csv", "data (CSV)"), ("vl.json", "Vega-Lite spec (JSON)"), ("svg", "image (SVG)"))
HEIGHT = 300

THEME = {
    # The figure is one image to assistive technology (role="img" with alt text, plus the data table),
    # so per-mark ARIA labels would only be hidden weight: a chart of 150 bars carries 40 KB of them.
    "aria": False,
    "mark": {"aria": False},
    "font": FONT,
    "background": "white",
    "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
    "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "subtitleColor": "#444"},
    "axis": {
        "aria": False,
        "labelFontSize": 11,
        "titleFontSize": 12,
        "grid": True,
        "gridColor": "#e6e6e6",
        "labelSeparation": 4,
    },
    # Ticks of a number or time axis that would overlap on a narrow screen are thinned out; a category
    # axis keeps every label (each names a bar): its long names wrap (see _category_axis) instead.
    "axisQuantitative": {"labelOverlap": "greedy"},
    "axisTemporal": {"labelOverlap": "greedy"},
    "axisBand": {"labelOverlap": False},
    "legend": {"aria": False, "labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
    "range": {"category": list(PALETTE)},
}


@dataclass(frozen=True)
class Figure:
    """A chart ready to publish: spec, text alternative and the sources of its data."""

    chart: alt.TopLevelMixin
    alt_text: str
    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        if not self.alt_text.strip():
            raise ValueError("a figure needs alt text describing what the chart shows")
        if not self.sources:
            raise ValueError("a figure needs at least one source for its data")

    @cached_property
    def spec(self) -> dict:
        spec = self.chart.to_dict()
        # The house style wins over Altair's defaults; charts themselves set no config.
        spec["config"] = {**spec.get("config", {}), **THEME}
        # Six significant digits are more than a chart can show; the full values live in the notebook.
        for name, rows in spec.get("datasets", {}).items():
            spec["datasets"][name] = [{k: _significant(v) for k, v in row.items()} for row in rows]
        # The Table view shows these columns, labelled and formatted as the chart labels them.
        # A chart may name and order its columns itself (the fan: 10th percentile to 90th).
        columns = table_columns(spec)
        if columns and not {"rtnTable", "rtnColumns"} & set(spec.get("usermeta", {})):
            spec.setdefault("usermeta", {})["rtnColumns"] = columns
        return spec

    @cached_property
    def spec_json(self) -> str:
        return json.dumps(self.spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def id(self) -> str:
        return "rtn-chart-" + hashlib.sha256(self.spec_json.encode()).hexdigest()[:12]

    @cached_property
    def svg(self) -> str:
        return compact_svg(vl_convert.vegalite_to_svg(self.spec, vl_version=VEGA_LITE_VERSION))

    @property
    def title(self) -> str:
        title = self.spec.get("title", "")
        return title.get("text", "") if isinstance(title, dict) else str(title)

    def to_html(self) -> str:
        spec = script_safe_json(self.spec_json)
        sources = "; ".join(
            f'<a href="{source_href(s.id)}">{html.escape(s.publisher)}, {html.escape(s.title)}</a>'
            for s in self.sources
        )
        downloads = " · ".join(
            f'<a href="{download_href(self.id, suffix)}" download>{label}</a>' for suffix, label in DOWNLOADS
        )
        return (
            f'<figure class="rtn-chart" id="{self.id}">'
            f'<div class="rtn-chart-view" role="img" aria-label="{html.escape(self.alt_text)}">{self.svg}</div>'
            # The table is built in the browser from the spec's data, which the page already carries;
            # without JavaScript the disclosure offers the same data as a file.
            f'<details class="rtn-chart-table"><summary>Data table</summary><p>The data behind this chart: '
            f'<a href="{download_href(self.id, "csv")}" download>CSV</a>.</p></details>'
            f'<figcaption><span class="rtn-chart-sources">Sources: {sources}</span> '
            f'<span class="rtn-chart-downloads">Download: {downloads}</span></figcaption>'
            f'<script type="application/json" class="rtn-chart-spec">{spec}</script>'
            "</figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": f"Figure: {self.title}\n{self.alt_text}"}


_TAG = re.compile(r"<[^>]+>")
_LONG_DECIMAL = re.compile(r"(\d+)\.(\d{2,})")


def script_safe_json(text: str) -> str:
    """JSON text that an HTML ``<script>`` element holds as it is: every ``<`` written ``\\u003c``.

    Inside a script element, ``</`` ends it early and ``<!--`` followed by ``<script`` puts the parser in
    the "double escaped" state, where the element runs past its own ``</script>`` and swallows the rest of
    the page. Every such sequence starts with ``<``; JSON reads ``\\u003c`` back as the same character.
    """
    return text.replace("<", "\\u003c")


def _round_decimal(match: re.Match) -> str:
    rounded = f"{float(match.group(0)):.1f}"
    return rounded[:-2] if rounded.endswith(".0") else rounded


def compact_svg(svg: str) -> str:
    """The SVG with coordinates inside its tags rounded to a tenth of a pixel; text is left untouched.

    vl-convert writes coordinates to many decimals, which makes a chart's fallback drawing several
    times larger than it needs to be; a tenth of a pixel is below what any screen shows.
    """
    return _TAG.sub(lambda tag: _LONG_DECIMAL.sub(_round_decimal, tag.group(0)), svg)


def _significant(value):
    return float(f"{value:.6g}") if isinstance(value, float) else value


def main_dataset(spec: dict) -> list[dict]:
    """The rows behind a chart: its largest inline dataset (layers may add small annotation sets)."""
    datasets = spec.get("datasets", {})
    if not datasets:
        return spec.get("data", {}).get("values", [])
    return max(datasets.values(), key=len)


CHANNEL_ORDER = (
    "x",
    "column",
    "row",
    "color",
    "shape",
    "strokeDash",
    "detail",
    "y",
    "x2",
    "y2",
    "size",
    "text",
    "tooltip",
)


def _views(spec: dict):
    yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            yield from _views(child)


def _field_definitions(encoding: dict):
    for channel in CHANNEL_ORDER:
        definition = encoding.get(channel)
        for item in definition if isinstance(definition, list) else [definition]:
            if isinstance(item, dict) and isinstance(item.get("field"), str):
                yield item


def table_columns(spec: dict) -> list[list[str]]:
    """``[field, label, format]`` for each column of the chart's main dataset that the chart encodes, in
    reading order (the x axis, the series, then the values); a label is the axis, legend or tooltip
    title, else the field's name in words. Fields the chart does not show are left out."""
    rows = main_dataset(spec)
    fields = set().union(*(row.keys() for row in rows)) if rows else set()
    found: dict[str, list[str]] = {}
    for view in _views(spec):
        for definition in _field_definitions(view.get("encoding", {})):
            field = definition["field"]
            if field not in fields:
                continue
            title = definition.get("title")
            fmt = definition.get("format") or (definition.get("axis") or {}).get("format") or ""
            entry = found.setdefault(field, [field, "", ""])
            if title and not entry[1]:
                entry[1] = " ".join(title) if isinstance(title, list) else str(title)
            if fmt and not entry[2]:
                entry[2] = fmt
    for entry in found.values():
        entry[1] = entry[1] or entry[0].replace("_", " ").capitalize()
    return list(found.values())


# A category label longer than 12 characters, broken into lines of up to 12, whole words each
# ("Peak need" / "(median)"); a word longer than a line keeps a line of its own.
WRAP_LABEL = (
    "length(datum.label) <= 12 ? datum.label : "
    "split(trim(replace(datum.label, regexp('(.{1,12})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')"
)


def _category_axis(labels) -> alt.Axis:
    """A horizontal axis of categories; long names break into lines, word by word, so that on a phone
    two neighbours never run into each other."""
    if max((len(str(v)) for v in labels), default=0) > 12:
        return alt.Axis(labelAngle=0, labelExpr=WRAP_LABEL, labelLimit=0, labelOverlap=False)
    return alt.Axis(labelAngle=0, labelOverlap=False)


def reference_rule(level: float, label: str, *, color: str = "#333333", at: str = "right") -> alt.LayerChart:
    """A dashed horizontal rule at ``level`` with its ``label`` written just above it, at the plot's
    right edge (``at="right"``) or left edge (``at="left"``)."""
    data = alt.Chart(alt.Data(values=[{"level": level, "label": label}])).encode(y="level:Q")
    rule = data.mark_rule(strokeDash=[6, 4], color=color)
    if at == "right":
        text = data.mark_text(align="right", dx=-4, dy=-7, color=color).encode(x=alt.value(WIDTH), text="label:N")
    else:
        text = data.mark_text(align="left", dx=4, dy=-7, color=color).encode(x=alt.value(0), text="label:N")
    return rule + text


def stacked_order(chart: alt.Chart, field: str, order: list[str]) -> alt.Chart:
    """``chart``'s stacks drawn from the bottom in ``order`` of ``field``'s values (Vega would sort them by name)."""
    return chart.encode(order=alt.Order("stack_order:Q")).transform_calculate(
        stack_order=f"indexof({order!r}, datum['{field}'])"
    )


def figure(chart: alt.TopLevelMixin, *, alt_text: str, sources: list[Source] | tuple[Source, ...]) -> Figure:
    """Wrap an Altair chart for publication; ``sources`` come from the ledger."""
    return Figure(chart=chart, alt_text=alt_text, sources=tuple(dict.fromkeys(sources)))


def _title(title: str, subtitle: str) -> alt.TitleParams:
    return alt.TitleParams(text=title, subtitle=subtitle)


def stacked_bars(
    frame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    tooltip: list,
    y_format: str = ",.0f",
    order: list[str] | None = None,
    colors: dict[str, str] | None = None,
) -> alt.Chart:
    """Bars of ``y`` per ``x``, stacked by ``color`` from the bottom in ``order`` (default: first appearance).

    ``colors`` maps each value of ``color`` to its colour (:data:`VERDICT_COLORS` for verdicts); the
    legend then lists them in ``order``.
    """
    order = order or list(dict.fromkeys(frame[color]))
    scale = alt.Scale(domain=order, range=[colors[v] for v in order]) if colors else alt.Undefined
    chart = (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=_category_axis(frame[x])),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
            color=alt.Color(f"{color}:N", title=None, sort=order, scale=scale),
            tooltip=tooltip,
        )
    )
    return stacked_order(chart, color, order).properties(width=WIDTH, height=HEIGHT)


def share_lines(
    frame, *, x: str, y: str, series: str, shape: str, title: str, subtitle: str, x_title: str, y_title: str
) -> alt.Chart:
    """Shares over time, one line per ``series``, point shape telling who reported each value."""
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color(f"{series}:N", title=None),
    )
    points = base.mark_point(size=90, filled=True).encode(
        shape=alt.Shape(f"{shape}:N", title="Reported by"),
        tooltip=[x, series, alt.Tooltip(f"{y}:Q", format=".0%"), shape],
    )
    return (base.mark_line() + points).properties(width=WIDTH, height=HEIGHT)


def curve_against_level(
    frame,
    *,
    x: str,
    y: str,
    level: float,
    level_label: str,
    marker_x: float,
    marker_y: float,
    marker_label: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    x_format: str = "%",
    y_format: str = ",.0f",
) -> alt.LayerChart:
    """A curve of ``y`` against ``x``, a horizontal reference level, and the chosen point marked."""
    curve = (
        alt.Chart(frame, title=_title(title, subtitle))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=x_format)),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=True)),
            tooltip=[alt.Tooltip(f"{x}:Q", format=x_format), alt.Tooltip(f"{y}:Q", format=y_format)],
        )
    )
    reference = reference_rule(level, level_label, color=PALETTE[1], at="left")
    marker = pd.DataFrame([{x: marker_x, y: marker_y, "label": marker_label}])
    point = alt.Chart(marker).mark_point(size=120, filled=True, color=PALETTE[0]).encode(x=f"{x}:Q", y=f"{y}:Q")
    point_text = alt.Chart(marker).mark_text(align="left", dx=8, dy=12).encode(x=f"{x}:Q", y=f"{y}:Q", text="label:N")
    return (curve + reference + point + point_text).properties(width=WIDTH, height=HEIGHT)


def bars_with_reference(
    frame,
    *,
    x: str,
    y: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    reference: float | None = None,
    reference_label: str = "",
    y_format: str = ",.1f",
) -> alt.LayerChart:
    """One bar per ``x`` in the frame's order, each labelled with its value, and an optional dashed reference level."""
    order = list(frame[x])
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        x=alt.X(f"{x}:N", title=x_title, sort=order, axis=_category_axis(frame[x])),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
    )
    layers = base.mark_bar(color=PALETTE[0]) + base.mark_text(dy=-8).encode(text=alt.Text(f"{y}:Q", format=y_format))
    if reference is not None:
        layers += reference_rule(reference, reference_label, color=PALETTE[1])
    return layers.properties(width=WIDTH, height=HEIGHT)
