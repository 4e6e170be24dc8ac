"""Chart output: offline, content-addressed, with an SVG fallback, alt text and a source line."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from runthenumbers.charts import figure
from runthenumbers.data import Source

SOURCE = Source(
    id="example", title="An example", publisher="Nobody", date="2025-03-03", url="https://example.org/x", kind="filing"
)


def _chart(values=(1, 2)):
    frame = pd.DataFrame({"year": ["2023", "2024"], "usd": list(values)})
    return alt.Chart(frame, title="Revenue").mark_bar().encode(x="year:O", y=alt.Y("usd:Q", title="USD"))


def test_id_is_derived_from_content():
    assert figure(_chart(), alt_text="a", sources=[SOURCE]).id == figure(_chart(), alt_text="a", sources=[SOURCE]).id
    assert (
        figure(_chart(), alt_text="a", sources=[SOURCE]).id != figure(_chart((1, 3)), alt_text="a", sources=[SOURCE]).id
    )


def test_html_loads_nothing_from_elsewhere_and_carries_svg_spec_alt_and_source():
    html = figure(_chart(), alt_text="Two bars", sources=[SOURCE]).to_html()
    assert "<script src" not in html and "cdn" not in html.lower()
    assert re.search(r'<div class="rtn-chart-view" role="img" aria-label="Two bars"><svg', html)
    assert '<a href="rtn-root/book/sources.html#source-example">Nobody, An example</a>' in html
    for suffix in ("csv", "vl.json", "svg"):
        assert f'href="rtn-root/charts/{figure(_chart(), alt_text="a", sources=[SOURCE]).id}.{suffix}" download' in html
    chart_id = figure(_chart(), alt_text="a", sources=[SOURCE]).id
    assert (
        '<details class="rtn-chart-table"><summary>Data table</summary><p>The data behind this chart: '
        f'<a href="rtn-root/charts/{chart_id}.csv" download>CSV</a>' in html
    )
    spec = json.loads(
        re.search(r'<script type="application/json" class="rtn-chart-spec">(.*?)</script>', html).group(1)
    )
    assert spec["title"] == "Revenue" and spec["config"]["font"] == "Liberation Sans"


def test_script_closing_tags_in_data_cannot_break_out():
    frame = pd.DataFrame({"label": ["</script><b>x"], "v": [1]})
    chart = alt.Chart(frame).mark_bar().encode(x="label:N", y="v:Q")
    html = figure(chart, alt_text="a", sources=[SOURCE]).to_html()
    assert html.count("</script>") == 1


def test_rendering_is_repeatable():
    assert figure(_chart(), alt_text="a", sources=[SOURCE]).svg == figure(_chart(), alt_text="a", sources=[SOURCE]).svg


@pytest.mark.parametrize(("alt_text", "sources", "message"), [(" ", [SOURCE], "alt text"), ("a", [], "source")])
def test_a_figure_needs_alt_text_and_a_source(alt_text, sources, message):
    with pytest.raises(ValueError, match=message):
        figure(_chart(), alt_text=alt_text, sources=sources)


def test_compact_svg_rounds_coordinates_but_not_text():
    from runthenumbers.charts import compact_svg

    svg = '<svg width="86.123456"><path d="M0.5,12.3456L40.04999,300"/><text x="1.25">14.11%</text></svg>'
    assert compact_svg(svg) == '<svg width="86.1"><path d="M0.5,12.3L40,300"/><text x="1.2">14.11%</text></svg>'


def test_stacked_order_draws_stacks_in_the_given_order_not_by_name():
    import altair as alt
    import pandas as pd

    from runthenumbers.charts import stacked_order

    frame = pd.DataFrame({"x": ["a", "a"], "part": ["zeta", "alpha"], "y": [1, 2]})
    spec = stacked_order(
        alt.Chart(frame).mark_bar().encode(x="x:N", y="y:Q", color="part:N"), "part", ["zeta", "alpha"]
    ).to_dict()
    assert spec["encoding"]["order"] == {"field": "stack_order", "type": "quantitative"}
    assert spec["transform"] == [{"calculate": "indexof(['zeta', 'alpha'], datum['part'])", "as": "stack_order"}]


def test_reference_rule_is_a_dashed_level_with_its_label_at_the_chosen_edge():
    from runthenumbers.charts import WIDTH, reference_rule

    right, left = (reference_rule(2.5, "FY2024 revenue", at=at).to_dict() for at in ("right", "left"))
    rule, text = right["layer"]
    assert rule["mark"]["strokeDash"] == [6, 4] and right["data"]["values"] == [
        {"level": 2.5, "label": "FY2024 revenue"}
    ]
    assert text["mark"]["align"] == "right" and text["encoding"]["x"] == {"value": WIDTH}
    assert left["layer"][1]["mark"]["align"] == "left" and left["layer"][1]["encoding"]["x"] == {"value": 0}
