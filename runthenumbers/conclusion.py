"""The book's answer to "is CoreWeave a time bomb?": one sentence, declared once.

The home page, the summary and the "what happened next" page all show it through the
``{rtn-conclusion}`` directive (:mod:`runthenumbers.site`), so the three cannot disagree. Until the
credit chapter settles it, :data:`CONCLUSION` is empty and the pages show :data:`PLACEHOLDER`.
"""

from __future__ import annotations

# Write the conclusion here, as one sentence; it replaces the placeholder on every page at once.
CONCLUSION = (
    "Not a time bomb in the article's sense, and not safe either: CoreWeave's solvency depends on lenders "
    "and investors continuing to fund it and on its largest customers paying."
)
PLACEHOLDER = (
    "The book's one-sentence answer is being rewritten with the credit chapter; until then, read the "
    "verdicts claim by claim."
)


def conclusion() -> str:
    """The sentence every page shows: the declared conclusion, or the placeholder while it is empty."""
    sentence = CONCLUSION.strip() or PLACEHOLDER
    if sentence.count(". ") or not sentence.endswith("."):
        raise ValueError(f"the conclusion must be one sentence ending in a full stop, got {sentence!r}")
    return sentence
