"""Inputs of the credit chapter.

The facilities, their balances, rates and maturities, and the filed table of future principal
payments are not inputs: they are the filing (see :data:`runthenumbers.credit.FILING_2025_06_30`).
``sofr`` is shared with the debt chapter and declared there.
"""

from .core import Parameter

PARAMETERS = (
    Parameter(
        name="ebitda_haircut",
        label="EBITDA haircut",
        description=(
            "Stress on earnings: the fraction of the latest reported quarter's adjusted EBITDA lost before it "
            "is set against a year of scheduled debt service. At most 99%: a haircut of 100% leaves no earnings to "
            "set against the debt, and the margin to a coverage of one has no value"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=0.99,
        notebooks=("credit",),
        default=0.0,
    ),
)
