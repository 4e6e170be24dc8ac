"""Inputs of the partner-risk chapter."""

from .core import Parameter, ParameterError  # noqa: F401

PARAMETERS: tuple[Parameter, ...] = ()
