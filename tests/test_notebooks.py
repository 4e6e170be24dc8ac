"""Paired notebooks: the .md and its .ipynb agree, the .ipynb is executed, and nbval would notice a changed fact."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import jupytext
import pytest

from runthenumbers.data import FACT_COLUMNS
from runthenumbers.runner.notebooks import NOTEBOOK_DIR, paired_notebooks

NOTEBOOKS = paired_notebooks()
# Figures typed into prose: "$1.9", "62%", "440 million". Numbers must reach the prose through glue.
TYPED_FIGURE = re.compile(r"\$\s?\d|\d\s?%|\d\s?(million|billion|thousand)\b", re.IGNORECASE)
GLUE_ROLE = re.compile(r"\{glue:[a-z]+\}`[^`]*`")


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def pair(request):
    markdown = request.param
    with markdown.with_suffix(".ipynb").open(encoding="utf-8") as handle:
        return markdown, json.load(handle)


def test_there_are_notebooks():
    assert {"concentration", "debt"} <= {p.stem for p in NOTEBOOKS}


def test_md_and_ipynb_have_identical_cells(pair):
    markdown, executed = pair
    source = [(c.cell_type, c.source) for c in jupytext.read(markdown).cells]
    committed = [(c["cell_type"], "".join(c["source"])) for c in executed["cells"]]
    assert source == committed, f"{markdown.name}: run 'make execute'"


def test_every_code_cell_was_executed_in_order(pair):
    _, executed = pair
    counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert not [
        o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o["output_type"] == "error"
    ]


def test_no_figure_is_typed_into_the_prose(pair):
    markdown, _ = pair
    for cell in jupytext.read(markdown).cells:
        if cell.cell_type == "markdown":
            prose = GLUE_ROLE.sub("", cell.source)
            assert not TYPED_FIGURE.search(prose), f"{markdown.name}: typed figure in {cell.source[:80]!r}"


@pytest.mark.slow
def test_nbval_fails_when_a_fact_changes(ledger_copy, tmp_path):
    facts = ledger_copy / "facts.csv"
    rows = facts.read_text(encoding="utf-8").splitlines()
    index = next(i for i, row in enumerate(rows) if row.startswith("cw_revenue_fy2024,"))
    fields = rows[index].split(",")
    fields[FACT_COLUMNS.index("value")] = str(float(fields[1]) * 1.1)
    rows[index] = ",".join(fields)
    facts.write_text("\n".join(rows) + "\n", encoding="utf-8")
    notebook = NOTEBOOK_DIR / "concentration.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(notebook), "-o", "addopts="],
        env={**os.environ, "RUNTHENUMBERS_DATA": str(ledger_copy)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "Cell outputs differ" in result.stdout or "mismatch" in result.stdout.lower()


def test_every_published_value_appears_in_the_page_provenance_table(pair):
    _, executed = pair
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    glued = [o["metadata"]["scrapbook"]["name"] for o in outputs if "scrapbook" in o.get("metadata", {})]
    html = ["".join(o.get("data", {}).get("text/html", "")) for o in outputs]
    tables = [h for h in html if 'class="rtn-provenance"' in h]
    assert len(tables) == 1, "display publish.provenance() once, at the end"
    assert [n for n in glued if f'id="num-{n}"' not in tables[0]] == []


def test_reading_a_notebook_twice_gives_the_same_cell_ids():
    from runthenumbers.runner.notebooks import read_markdown

    first, second = (read_markdown(NOTEBOOK_DIR / "concentration.md") for _ in range(2))
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    assert len({c.id for c in first.cells}) == len(first.cells)


def test_jupytext_sync_changes_nothing_on_a_clean_tree(tmp_path, monkeypatch, capsys):
    """`jupytext --sync notebooks/*.md`, as a Jupyter user would run it, reads notebooks/jupytext.toml: it
    pairs each .md with its .ipynb and writes no jupytext version into the header, so nothing changes."""
    from jupytext.cli import jupytext as jupytext_cli

    copy = tmp_path / "notebooks"
    copy.mkdir()
    for path in [*NOTEBOOKS, *(p.with_suffix(".ipynb") for p in NOTEBOOKS), NOTEBOOK_DIR / "jupytext.toml"]:
        (copy / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    monkeypatch.chdir(tmp_path)
    jupytext_cli(["--sync", *(f"notebooks/{p.name}" for p in NOTEBOOKS)])
    assert "Updating" not in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before
