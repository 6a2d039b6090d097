"""Trend: the no-COVID, no-new-policy path of real value added, by sector.

Total trend growth in 2020 and its change to 2021 come from the trend estimator the backtest's
record chooses (:mod:`model.inputs.run_trend`; default ``anchored``: a local linear trend on
Hangzhou's total growth combined by precision with the published pre-COVID anchor).  The
digital-core trend, with only two published growth rates, comes from one pooled OLS regression
(statsmodels, in :mod:`model.inputs.estimates`), in which the core borrows the residual variance of
total GDP growth:

.. math::

    g_i = \\alpha\\,T_i + \\beta\\,T_i\\,(y_i - 2020) + \\gamma\\,D_i + e_i

where :math:`T_i` marks total real GDP growth observations (2012-2019) and :math:`D_i` digital-core
ones (2018-2019).  For a year without an annual release the latest cumulative release of that year
stands in (2017: H1; digital core 2018: Q1-Q3).  :math:`\\alpha` is total trend growth in 2020,
:math:`\\beta` its drift per year, :math:`\\gamma` digital-core trend growth.

Trend levels: each quarter of 2019 grows year on year at total trend growth
:math:`\\alpha + \\beta (y - 2020)` (total) and at :math:`\\gamma` (digital core), which keeps the
seasonal profile; the rest of the economy is the difference.  As the digital core's share rises,
the rest's trend growth falls faster than the total's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.core.blocks.base_year import Base
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = ["JOINT", "levels", "parameters"]

JOINT = ("trend_growth_2020", "trend_drift", "trend_growth_digital")
"""Parameters estimated jointly; the uncertainty analysis draws them from their joint normal."""


def parameters(coef: Sequence[float], se: Sequence[float], nobs: int, total_source: str | None = None) -> tuple[Parameter, ...]:
    """The block's parameters: values and standard errors in the order of :data:`JOINT`, the
    number of observations of the pooled regression, and the source of the total trend
    (``trend_growth_2020`` and ``trend_drift``; default: the pooled regression).

    The inputs layer fits the estimators (:func:`model.inputs.estimates.trend_estimate`,
    :func:`model.inputs.run_trend.run_trend`).
    """
    src = f"estimated: pooled OLS on 2012-2019 growth (n={nobs}), model.inputs.estimates"
    total_src = total_source or src
    a, b, c = (float(x) for x in coef)
    return (
        Parameter(
            "trend_growth_2020", round(a, 3), "%", (0.0, 15.0), source=total_src,
            description="Trend real GDP growth in 2020 (total, at 2019 sector weights)", block="trend",
            prior=Prior("normal", round(a, 3), round(se[0], 3), "standard error of the estimate"),
            bounds_reason="assumption: 0 (no trend growth) to 15%, above Hangzhou's fastest year in the 2012-2019 data "
            f"(10.2% in 2015); {a / se[0]:.0f} standard errors below and {(15 - a) / se[0]:.0f} above the estimate",
        ),
        Parameter(
            "trend_drift", round(b, 3), "pp per year", (-2.0, 1.0), source=total_src,
            description="Change in total trend growth per year", block="trend",
            prior=Prior("normal", round(b, 3), round(se[1], 3), "standard error of the estimate"),
            bounds_reason=f"assumption: -2 to +1 pp a year, {(b + 2) / se[1]:.0f} standard errors below and {(1 - b) / se[1]:.0f} "
            f"above the estimate ({b:.3f}); excludes trend growth falling by more than 2 pp a year or rising by more than 1 pp a year",
        ),
        Parameter(
            "trend_growth_digital", round(c, 3), "%", (0.0, 30.0), source=src,
            description="Trend real growth of the digital-economy core", block="trend",
            prior=Prior("normal", round(c, 3), round(se[2], 3), "standard error of the estimate"),
            bounds_reason=f"assumption: 0 to 30%, {30 / c:.1f} times the estimate ({c:.2f}%) and {(30 - c) / se[2]:.0f} standard errors above it",
        ),
    )


def levels(
    theta: dict[str, np.ndarray], b: Base, gdp_2019: np.ndarray, span: Span
) -> tuple[np.ndarray, np.ndarray]:
    """Trend real value added (亿元 at 2019 prices) of the digital core and the rest, ``(n, T)``.

    ``span`` must start in 2018.  ``gdp_2019`` is 2019 nominal GDP by quarter, ``(n, 4)``.
    """
    if span.first_year != 2018:
        raise ValueError("the model span starts in 2018")
    w = b.digital_share_2019
    years = np.arange(span.first_year, span.last_year + 1)  # 2018, 2019, 2020, ...
    g_total = (theta["trend_growth_2020"] + theta["trend_drift"] * (years - 2020)) / 100.0  # (n, Y)
    g_digital = np.broadcast_to(theta["trend_growth_digital"] / 100.0, g_total.shape)

    def index(g: np.ndarray, g2019: float) -> np.ndarray:
        # level relative to 2019, by year: 1/(1+g2019) in 2018, 1 in 2019, cumulative product after
        after = np.cumprod(1.0 + g[:, 2:], axis=1)
        head = np.broadcast_to([1.0 / (1.0 + g2019), 1.0], (g.shape[0], 2))
        return np.concatenate([head, after], axis=1)

    total = index(g_total, b.gdp_real_growth_2019)[:, :, None] * gdp_2019[:, None, :]  # (n, Y, 4)
    digital = index(g_digital, b.digital_real_growth_2019)[:, :, None] * (w * gdp_2019)[:, None, :]
    shape = (digital.shape[0], 4 * years.size)
    return digital.reshape(shape), (total - digital).reshape(shape)
