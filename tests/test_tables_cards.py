"""A reader's table of a few long rows is shown as cards on a phone, each cell headed by its column."""

from __future__ import annotations

import pandas as pd

from runthenumbers import tables


def test_a_cards_table_labels_each_cell_with_its_column():
    frame = pd.DataFrame({"When": ["28 March 2025"], "What happened": ["IPO"], "Source": ["SEC filing"]}).set_index(
        "When"
    )
    out = tables.table(frame, index_label="When", cards=True).to_html()
    assert out.startswith('<table class="rtn-table rtn-cards">')
    assert '<th scope="row">28 March 2025</th><td data-label="What happened">IPO</td>' in out
    assert '<td data-label="Source">SEC filing</td>' in out


def test_a_plain_table_has_no_labels():
    frame = pd.DataFrame({"a": [1]})
    out = tables.table(frame).to_html()
    assert out.startswith('<table class="rtn-table">') and "data-label" not in out
