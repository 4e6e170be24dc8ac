"""Sphinx extension: serve the chart runtime from the site itself, never from a CDN.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. It writes the Vega, Vega-Lite and
vega-embed bundle (from the pinned vl-convert, matching Altair's schema) into ``_static/`` and adds
it only to pages that hold a chart, so text-only pages stay light. It also drops thebe, which would
load code from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import vl_convert

from .charts import VEGA_LITE_VERSION

STATIC_DIR = Path(__file__).parent / "static"
VEGA_BUNDLE = "vega-bundle.js"
CHART_SCRIPT = "runthenumbers-charts.js"
CHART_MARKER = 'class="rtn-chart"'


def vega_bundle() -> str:
    # The bundle's top-level declarations would clash with other classic scripts: give it a scope.
    body = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    return f"/* Vega, Vega-Lite {VEGA_LITE_VERSION} and vega-embed, bundled by vl-convert. */\n(function () {{\n{body}\n}})();\n"


def _add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC_DIR))


def _is_thebe(script) -> bool:
    return "thebe" in str(script).lower() or "THEBE" in getattr(script, "attributes", {}).get("body", "")


def _page_scripts(app, pagename, templatename, context, doctree) -> None:
    # Jupyter Book always adds thebe (live code on a remote Binder kernel, loaded from a CDN). This
    # book is static and offline, and thebe's inline script is added twice, a console error.
    if CHART_MARKER in context.get("body", ""):
        app.add_js_file(VEGA_BUNDLE)
        app.add_js_file(CHART_SCRIPT)
    scripts = context.get("script_files", [])
    scripts[:] = [s for s in scripts if not _is_thebe(s)]


def _write_vega_bundle(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / VEGA_BUNDLE
        target.write_text(vega_bundle(), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _write_vega_bundle)
    app.add_css_file("runthenumbers.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
