"""Inputs of the debt chapter."""

from .core import Parameter, ParameterError  # noqa: F401

PARAMETERS: tuple[Parameter, ...] = ()
