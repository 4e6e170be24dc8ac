"""The site extension's pieces that need no build: the Vega bundle is made once per version."""

from __future__ import annotations

import html
import re

import pytest

from runthenumbers.site import assets as site


def test_the_vega_bundle_is_kept_when_the_same_versions_made_it(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(site, "vega_bundle", lambda: made.append(1) or site.vega_bundle_header() + "bundle\n")
    assert site.write_vega_bundle(tmp_path) is True
    assert site.write_vega_bundle(tmp_path) is False
    assert made == [1]
    assert (tmp_path / site.VEGA_BUNDLE).read_text(encoding="utf-8") == site.vega_bundle_header() + "bundle\n"


def test_a_bundle_from_other_versions_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "vega_bundle", lambda: site.vega_bundle_header() + "new\n")
    (tmp_path / site.VEGA_BUNDLE).write_text(
        "/* Vega, Vega-Lite 5.0, bundled by vl-convert 0.1. */\nold\n", encoding="utf-8"
    )
    assert site.write_vega_bundle(tmp_path) is True
    assert (tmp_path / site.VEGA_BUNDLE).read_text(encoding="utf-8").endswith("new\n")


def test_a_value_is_written_as_its_format_says():
    from runthenumbers.site import value_text

    assert value_text(5.303212568, "USD billions") == "$5.30 billion"
    assert value_text(440.45, "USD millions") == "$440.4 million"
    assert value_text(0.62, "fraction") == "62%"
    assert value_text(0.9051, "multiple") == "0.91×"
    assert value_text(4.42496, ".1f") == "4.4"
    assert value_text(0.5734870317, ".0%") == "57%"
    assert value_text(58.0, "count") == "58"
    assert value_text(694.0, "count") == "694"
    assert value_text("2025-Q3") == "2025-Q3"
    # A value published with its unit is written as {glue:text} writes it (runthenumbers.units.formatted).
    assert value_text(0.62, "", "fraction") == "62%"
    assert value_text(5_303_212_568.0, "", "USD") == "$5.30 billion"
    assert value_text(5_303_212_568.0, "short", "USD") == "$5.30B"
    assert value_text(1_915_400_000.0, "million,.1f", "USD") == "$1,915.4 million"
    with pytest.raises(ValueError, match="'thousands' is not a scale"):
        value_text(1.0, "USD thousands")


@pytest.mark.slow
def test_the_value_role_writes_a_declared_read_and_fails_the_build_on_an_undeclared_one(tmp_path):
    import subprocess
    import sys

    from runthenumbers import values
    from runthenumbers.units import money

    pytest.importorskip("myst_nb")
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        'extensions = ["myst_nb", "runthenumbers.site"]\nnb_execution_mode = "off"\nroot_doc = "intro"\n',
        encoding="utf-8",
    )
    (source / "intro.md").write_text(
        "# Home\n\nAll debt costs {rtn-value}`credit:service_2026_bn:USD billions` in 2026.\n\n"
        "```{toctree}\nafter\n```\n",
        encoding="utf-8",
    )
    (source / "after.md").write_text(
        "# After\n\nThe two loans cost {rtn-value}`debt:base_2026_bn`.\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", str(source), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert (
        "{rtn-value}`debt:base_2026_bn` on after: after reads the values of debt, which runthenumbers/chapters.py "
        "does not declare: add 'debt' to the reads of 'after' (it reads: credit)" in result.stderr
    )
    service = values.published("credit", reader="intro")["service_2026_bn"]
    home = (tmp_path / "out" / "intro.html").read_text(encoding="utf-8")
    formula = values.Reader("intro").provenance("credit")["service_2026_bn"]["formula"]
    words = re.sub(r"([a-z0-9])_(?=[a-z0-9])", r"\1 ", formula)
    # Linked to its row in the credit page's provenance table, with the derivation in words on hover (no ledger ids).
    assert (
        f'class="rtn-num rtn-value" href="notebooks/credit.html#num-service_2026_bn" title="{html.escape(words)}"'
        in home
    )
    assert f">{money(service * 1e9)}</a> in 2026." in home
