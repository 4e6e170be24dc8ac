"""values.py: one reader of another page's published values, which refuses a read its page does not declare."""

from __future__ import annotations

import re

import pytest
from published_pages import write_page

from runthenumbers import chapters, values
from runthenumbers.runner.notebooks import NOTEBOOK_DIR

SERVICE = {"value": 5.25, "formula": "principal + interest of all debt in 2026, USD billions", "facts": ["a", "b", "c"]}


def test_a_declared_read_gives_the_page_s_values_and_provenance(tmp_path):
    write_page(tmp_path, "credit", {"service_2026_bn": SERVICE, "latest_quarter": {**SERVICE, "value": "2025-Q3"}})
    read = values.Reader("after", tmp_path)
    assert read.values("credit") == {"service_2026_bn": 5.25, "latest_quarter": "2025-Q3"}
    assert read.value("credit", "service_2026_bn") == 5.25
    assert read.provenance("credit")["service_2026_bn"]["facts"] == ["a", "b", "c"]
    assert values.published("credit", reader="after", directory=tmp_path) == read["credit"]


def test_an_undeclared_read_is_refused_naming_both_pages(tmp_path):
    write_page(tmp_path, "debt", {"base_2026_bn": SERVICE})
    with pytest.raises(values.UndeclaredRead) as refused:
        values.published("debt", reader="after", directory=tmp_path)
    assert str(refused.value) == (
        "after reads the values of debt, which runthenumbers/chapters.py does not declare: "
        "add 'debt' to the reads of 'after' (it reads: credit)"
    )


def test_a_page_that_is_not_declared_at_all_reads_nothing():
    with pytest.raises(values.UndeclaredRead, match="'leases' is not a page of runthenumbers/chapters.py"):
        values.Reader("leases")


def test_a_value_the_page_did_not_publish_is_named(tmp_path):
    write_page(tmp_path, "credit", {"service_2026_bn": SERVICE})
    with pytest.raises(KeyError, match="notebooks/credit.ipynb publishes no value 'service_2027_bn'"):
        values.Reader("after", tmp_path).value("credit", "service_2027_bn")


def test_the_book_pages_declare_their_reads_and_the_ledger_pages_read_every_page():
    every = {c.name for c in chapters.with_notebook()}
    assert set(chapters.reads_of("claims")) == set(chapters.reads_of("method")) == every
    assert set(chapters.reads_of("intro")) == {"summary", "credit", "concentration", "capex"}
    assert chapters.reads_of("after") == ("credit",)
    assert chapters.reads_of("leases") is None


def test_the_folder_is_a_scenario_s_when_the_runner_names_one(monkeypatch, tmp_path):
    monkeypatch.delenv(values.PUBLISHED_ENV, raising=False)
    assert values.published_dir() == NOTEBOOK_DIR
    monkeypatch.setenv(values.PUBLISHED_ENV, str(tmp_path))
    assert values.published_dir() == tmp_path
    assert values.Reader("summary").directory == tmp_path


@pytest.mark.parametrize("page", [p.stem for p in NOTEBOOK_DIR.glob("*.md")])
def test_each_notebook_reads_as_itself_and_only_through_the_reader(page):
    source = (NOTEBOOK_DIR / f"{page}.md").read_text(encoding="utf-8")
    assert set(re.findall(r'values\.Reader\("(\w+)"', source)) <= {page}
    assert "baseline_values" not in source and "published_dir" not in source and "RUNTHENUMBERS_NOTEBOOKS" not in source
    if chapters.reads_of(page):
        assert f'values.Reader("{page}")' in source, f"{page} declares reads but reads no page"
