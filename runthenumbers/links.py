"""Every link the notebooks and the site extension write, built in one place.

A notebook's output cannot know how deep its page will sit, so links start at :data:`SITE_ROOT`, a
marker the site extension replaces with the right number of ``../`` for each page. This module
imports only :mod:`runthenumbers.chapters`, so the site extension can load it without the models.
"""

from __future__ import annotations

from .chapters import fact_page

SITE_ROOT = "rtn-root/"
DOWNLOAD_DIR = "charts"
SOURCES_PAGE = "book/sources.html"


def site_href(page: str, anchor: str = "") -> str:
    """A link from the site's root to ``page`` (``book/sources.html`` or ``notebooks/debt``), at ``anchor``."""
    if not page.endswith(".html"):
        page = f"{page}.html"
    return f"{SITE_ROOT}{page}" + (f"#{anchor}" if anchor else "")


def fact_href(fact_id: str) -> str:
    """The ledger row of ``fact_id`` on its fact page."""
    return site_href(fact_page(fact_id), f"fact-{fact_id}")


def value_href(page: str, name: str) -> str:
    """The provenance row of the value ``name`` that the page with notebook ``page`` published."""
    return site_href(f"notebooks/{page}", f"num-{name}")


def source_href(source_id: str) -> str:
    """The bibliography's row of ``source_id``."""
    return site_href(SOURCES_PAGE, f"source-{source_id}")


def section_href(section: str) -> str:
    """A chapter's part as the claims ledger names it, ``notebooks/debt#ddtl-1``: its page at that anchor."""
    page, _, anchor = section.partition("#")
    return site_href(page, anchor)


def download_href(chart_id: str, suffix: str) -> str:
    """One of a chart's downloads (``csv``, ``vl.json`` or ``svg``)."""
    return f"{SITE_ROOT}{DOWNLOAD_DIR}/{chart_id}.{suffix}"
