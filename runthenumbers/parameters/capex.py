"""Inputs of the capex chapter."""

from .core import Parameter, ParameterError  # noqa: F401

PARAMETERS: tuple[Parameter, ...] = ()
