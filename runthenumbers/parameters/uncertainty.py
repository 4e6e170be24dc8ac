"""Inputs of the uncertainty page: how many scenarios to draw, and from which seed."""

from .core import Parameter

NOTEBOOKS = ("uncertainty",)

PARAMETERS = (
    Parameter(
        name="samples",
        label="Scenarios drawn",
        description="Scenarios drawn for the distributions (the sweep's cost grows linearly with it)",
        unit="count",
        minimum=1_000,
        maximum=2_000_000,
        notebooks=NOTEBOOKS,
        default=200_000,
        kind=int,
    ),
    Parameter(
        name="sobol_samples",
        label="Scenarios for the Sobol indices",
        description="Base samples of the Sobol design; the model runs (inputs + 2) times as often",
        unit="count",
        minimum=500,
        maximum=200_000,
        notebooks=NOTEBOOKS,
        default=20_000,
        kind=int,
    ),
    Parameter(
        name="seed",
        label="Random seed",
        description="Seed of the random draws: the same seed gives the same page",
        unit="count",
        minimum=0,
        maximum=2**32 - 1,
        notebooks=NOTEBOOKS,
        default=2025,
        kind=int,
    ),
)
