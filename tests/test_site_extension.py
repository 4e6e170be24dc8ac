"""The site extension's pieces that need no build: the Vega bundle is made once per version."""

from __future__ import annotations

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
