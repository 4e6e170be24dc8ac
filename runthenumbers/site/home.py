"""The home page's answer and the book's one-sentence conclusion."""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..links import site_href

HOME_NOTEBOOKS = ("credit", "concentration", "capex", "summary")


def _finding(value: str, name: str, text: str, page: str) -> str:
    return (
        f'<li><a class="rtn-finding" data-value-of="{name}" href="{site_href(page)}">'
        f"<strong>{html.escape(value)}</strong></a> {text}</li>"
    )


def home_findings(values: dict[str, dict], ledger, claims: list) -> str:
    """The home page's findings with their numbers, and how sure the book is (the conclusion above them is
    the ``rtn-conclusion`` directive's, the same sentence as the summary's)."""
    from ..data import company_document_counts
    from ..units import money, percent, plain, plural

    credit, concentration, capex, summary = (values[n] for n in ("credit", "concentration", "capex", "summary"))
    from ..claims import graded
    from ..claims import tally as count_verdicts

    tally = count_verdicts(claims)
    checkable = len(graded(claims)) - tally["unverifiable"] - tally["opinion"]
    holding = tally["supported"] + tally["roughly"]
    findings = [
        _finding(
            f"{holding} of {checkable}",
            "summary:claims_holding",
            f"checkable claims of the essay hold or roughly hold; {tally['contradicted']} are contradicted and "
            f"{tally['garbled']} garbled in translation.",
            "book/claims",
        ),
        _finding(
            money(credit["service_2026_bn"] * 1e9),
            "credit:service_2026_bn",
            f"is what all of CoreWeave's debt costs in 2026, principal and interest; it owed "
            f"{money(credit['owed_bn'] * 1e9)} at mid-2025. Most of it is principal, not the interest the essay says.",
            "notebooks/credit",
        ),
        _finding(
            f"{plain(credit['coverage_2026'], 2)}×",
            "credit:coverage_2026",
            f"is how many times earnings at the latest quarter's rate cover that 2026 bill (interest alone "
            f"{plain(credit['interest_cover_2026'], 1)}×), with debt at {plain(credit['leverage_ttm_2025'], 1)} times "
            "a year's EBITDA at the end of 2025.",
            "notebooks/credit",
        ),
        _finding(
            percent(concentration["ms_share_2024"]),
            "concentration:ms_share_2024",
            f"of 2024 revenue came from Microsoft, {percent(concentration['top_two_share_2024'])} from the two largest "
            "customers: real and disclosed, as the essay says.",
            "notebooks/concentration",
        ),
        _finding(
            f"{money(capex['gap_low_bn'] * 1e9)} to {money(capex['gap_high_bn'] * 1e9)}",
            "capex:gap_low_bn",
            f"is the funding gap of the capacity CoreWeave has contracted, against {money(capex['on_hand_bn'] * 1e9)} on "
            "hand in March 2025: more than the debt payments, this is what ties it to lenders and investors.",
            "notebooks/capex",
        ),
    ]
    first_hand, evidence = company_document_counts(ledger)
    sure = (
        f"<p><strong>How sure is this?</strong> Of the {plain(evidence, 0)} figures the book checks the essay against, "
        f"{plain(first_hand, 0)} ({percent(round(first_hand / evidence, 2))}) come from the companies' own filings, press "
        "releases and call transcripts; the rest come from news reports and analysts, some of them machine-written "
        "summaries, and each is labelled with its kind. The prospectus itself could not be read in full, and "
        f"{plural(tally['unverifiable'], 'claim')} of the essay could not be checked at all.</p>"
    )
    links = (
        f'<p><a href="{site_href("notebooks/summary")}">The answer in numbers</a> sets out the findings chapter by '
        f'chapter; <a href="{site_href("book/claims")}">the claims page</a> gives a verdict and a reason for each of the '
        f"essay's {tally['total']} claims and sub-claims.</p>"
    )
    return f'<div class="rtn-home"><ul class="rtn-findings">{"".join(findings)}</ul>{sure}{links}</div>'


class HomeDirective(SphinxDirective):
    """The home page's answer, read from the executed notebooks' published values (see :func:`home_findings`)."""

    def run(self) -> list[nodes.Node]:
        from .. import data
        from ..claims import load_claims
        from ..runner.notebooks import baseline_values, published_dir

        for name in HOME_NOTEBOOKS:
            self.env.note_dependency(str(published_dir() / f"{name}.ipynb"))
        self.env.note_dependency(str(data.DATA_DIR / "facts.csv"))
        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        ledger = data.load_ledger()
        values = baseline_values(HOME_NOTEBOOKS)
        return [nodes.raw("", home_findings(values, ledger, load_claims(ledger=ledger)), format="html")]


class ConclusionDirective(SphinxDirective):
    """The book's one-sentence conclusion (runthenumbers/conclusion.py), the same on every page that shows it."""

    def run(self) -> list[nodes.Node]:
        from .. import conclusion

        self.env.note_dependency(str(Path(conclusion.__file__)))
        sentence = html.escape(conclusion.conclusion())
        return [nodes.raw("", f'<p class="rtn-conclusion"><strong>{sentence}</strong></p>', format="html")]
