"""Inputs of the customer-concentration chapter."""

from collections.abc import Mapping

from .core import Parameter, ParameterError, Rule

PARAMETERS = (
    Parameter(
        name="microsoft_share_2024",
        label="Microsoft's share of 2024 revenue",
        description="Microsoft's share of CoreWeave's FY2024 revenue",
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=("concentration",),
        fact="cw_microsoft_share_fy2024",
    ),
    Parameter(
        name="top_two_share_2024",
        label="Top two customers' share of 2024 revenue",
        description="The two largest customers' combined share of FY2024 revenue",
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=("concentration",),
        fact="cw_top_two_share_fy2024",
    ),
    Parameter(
        name="stress_top_two_revenue_lost",
        label="Stress case: top-two revenue lost",
        description="Stress case: the fraction of the two largest customers' revenue that goes away",
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=("concentration",),
        default=0.5,
    ),
)


def microsoft_within_top_two(values: Mapping, ledger) -> None:
    """Microsoft is one of the two largest customers, so its share cannot exceed theirs."""
    if values["microsoft_share_2024"] > values["top_two_share_2024"]:
        raise ParameterError(
            f"microsoft_share_2024 = {values['microsoft_share_2024']!r} is above top_two_share_2024 = "
            f"{values['top_two_share_2024']!r}; allowed: microsoft_share_2024 from 0 to top_two_share_2024"
        )


RULES = (Rule(("microsoft_share_2024", "top_two_share_2024"), microsoft_within_top_two),)
