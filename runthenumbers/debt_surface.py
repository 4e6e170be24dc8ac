"""The two-loan model in closed form: each quarter's debt service as a surface in SOFR, DDTL 2.0 drawn and its rate.

The full schedules of :mod:`runthenumbers.debt` are exact but cost a model run per scenario. With
every other input fixed, a quarter's debt service is c0 + c1·SOFR + c2·drawn + c3·rate + c4·rate·drawn
exactly (see :func:`service_coefficients`), so the debt chapter's what-if sliders redraw any scenario
in the browser from five coefficients a year (:func:`surface_by_year`), solved from and checked against
the full model. ``inputs`` are the debt chapter's resolved inputs. The funding model and the sweep do
not use it: they run on all of the debt, through the all-debt schedule's own linear form in SOFR
(:func:`runthenumbers.credit.service_surface`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .debt import HORIZON, Terms, debt_service, two_loans

SURFACE_TERMS = ("constant", "sofr", "drawn_bn", "ddtl2_rate", "ddtl2_rate_x_drawn_bn")


def _surface_design(sofr, drawn, rate) -> np.ndarray:
    """The closed form's terms, shaped (..., 5); the drawn amount in billions keeps the columns of one scale."""
    drawn_bn = np.asarray(drawn, dtype=float) / 1e9
    sofr, rate = np.asarray(sofr, dtype=float), np.asarray(rate, dtype=float)
    sofr, drawn_bn, rate = np.broadcast_arrays(sofr, drawn_bn, rate)
    return np.stack([np.ones_like(sofr), sofr, drawn_bn, rate, rate * drawn_bn], axis=-1)


def service_coefficients(inputs: Mapping[str, float], terms: Terms) -> np.ndarray:
    """Coefficients of each quarter's debt service in SOFR, DDTL 2.0 drawn and DDTL 2.0's rate, shaped (5, 24).

    With everything else fixed, service(q) = c0 + c1·SOFR(q) + c2·drawn + c3·rate(q) + c4·rate(q)·drawn
    exactly: DDTL 1.0 pays SOFR plus a margin on balances no rate changes, and DDTL 2.0's balances,
    principal and fee are affine in the amount drawn while its interest is rate × balance. A quarter's
    service depends only on that quarter's rates, so the form holds for rate paths too. The
    coefficients are solved from eight runs of the model at the corners of a box and checked at a ninth
    point, so a change to the model that breaks the form is caught rather than hidden.
    """
    low, high = terms.ddtl2_balance, terms.ddtl2_facility_size
    corners = np.array([(s, d, r) for s in (0.0, 0.08) for d in (low, high) for r in (0.05, 0.12)])

    def evaluate(points: np.ndarray) -> np.ndarray:
        return debt_service(
            *two_loans(inputs, terms, sofr=points[:, 0], ddtl2_drawn=points[:, 1], ddtl2_rate=points[:, 2])
        )

    coefficients, *_ = np.linalg.lstsq(_surface_design(*corners.T), evaluate(corners), rcond=None)
    probe = np.array([[0.031, low + 0.37 * (high - low), 0.083]])
    error = np.abs(_surface_design(*probe.T) @ coefficients - evaluate(probe)).max()
    if error > 1e-6 * np.abs(evaluate(probe)).max():
        raise ArithmeticError(f"debt service is not of the closed form the surface assumes (error {error:g} USD)")
    # The least-squares solve leaves noise of about 1e-5 where a coefficient is truly zero, and the noise
    # depends on how the BLAS splits the work across threads; to the cent, re-executed notebooks agree.
    rounded: np.ndarray = np.asarray(coefficients).round(2)
    rounded[rounded == 0] = 0.0  # no -0.0 from a negative speck
    return rounded


def surface_by_year(inputs: Mapping[str, float], terms: Terms) -> pd.DataFrame:
    """:func:`service_coefficients` summed to calendar years: one row per year, the columns of SURFACE_TERMS."""
    quarterly = service_coefficients(inputs, terms)
    frame = pd.DataFrame(HORIZON.by_year(quarterly).T, columns=list(SURFACE_TERMS))
    frame.insert(0, "year", [str(y) for y in HORIZON.calendar_years])
    return frame


def evaluate_surface(surface: pd.DataFrame, sofr: float, drawn: float, ddtl2_rate: float) -> np.ndarray:
    """Annual debt service (USD, one per year) from a :func:`surface_by_year` at one point."""
    return surface[list(SURFACE_TERMS)].to_numpy() @ _surface_design(sofr, drawn, ddtl2_rate)
